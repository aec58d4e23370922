// Uncertainty of one model's accuracy: a top-1 measured on n test images is a binomial proportion. Wilson's score
// interval (good coverage at small n and near 0 or 1, unlike the normal approximation), and the delta-method interval
// of the relative improvement (a - b) / b of two such accuracies.

/** z of a two-sided 95% interval (the normal distribution's 97.5th percentile); every interval here is at 95%. */
export const Z95 = 1.959963984540054;

/** Wilson score interval of a proportion given in percent, measured on n items; percent out. */
export function wilsonInterval(percent: number, n: number): { low: number; high: number } {
  if (!(n > 0)) return { low: NaN, high: NaN };
  const p = Math.min(1, Math.max(0, percent / 100));
  const z = Z95;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: 100 * Math.max(0, centre - half), high: 100 * Math.min(1, centre + half) };
}

/**
 * Interval of (a - b) / b (a fraction) for accuracies a and b in percent, measured on na and nb items, by the delta method with
 * binomial variances, treating the two as independent (on a shared test set they correlate positively, so this errs
 * wide).
 */
export function relativeImprovementInterval(
  a: number,
  na: number,
  b: number,
  nb: number,
): { low: number; high: number } {
  const pa = a / 100;
  const pb = b / 100;
  if (!(na > 0 && nb > 0 && pb > 0)) return { low: NaN, high: NaN };
  const varA = (pa * (1 - pa)) / na;
  const varB = (pb * (1 - pb)) / nb;
  const rel = pa / pb - 1;
  const se = Math.sqrt(varA / (pb * pb) + (pa * pa * varB) / pb ** 4);
  return { low: rel - Z95 * se, high: rel + Z95 * se };
}
