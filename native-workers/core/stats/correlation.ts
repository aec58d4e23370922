// Correlation and regression of paired samples: Pearson r, ordinary least squares, Spearman rho with average ranks
// for ties, Kendall tau-b. Undefined cases (fewer than two points, a constant variable) return NaN, never throw.

function mean(v: readonly number[]): number {
  let s = 0;
  for (const x of v) s += x;
  return s / v.length;
}

function checkPaired(x: readonly number[], y: readonly number[]): void {
  if (x.length !== y.length) throw new Error(`paired samples differ in length (${x.length} vs ${y.length})`);
}

/** Centred sums of squares and cross-products of paired samples (shared by Pearson and OLS). */
function centredSums(x: readonly number[], y: readonly number[]) {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return { mx, my, sxy, sxx, syy };
}

export function pearson(x: readonly number[], y: readonly number[]): number {
  checkPaired(x, y);
  if (x.length < 2) return NaN;
  const { sxy, sxx, syy } = centredSums(x, y);
  if (sxx === 0 || syy === 0) return NaN;
  return sxy / Math.sqrt(sxx * syy);
}

export interface LinearFit {
  slope: number;
  intercept: number;
  /** Coefficient of determination of the fit (1 - SSres/SStot). */
  r2: number;
}

/** Ordinary least squares of y on x. */
export function ols(x: readonly number[], y: readonly number[]): LinearFit {
  checkPaired(x, y);
  if (x.length < 2) return { slope: NaN, intercept: NaN, r2: NaN };
  const { mx, my, sxy, sxx, syy } = centredSums(x, y);
  if (sxx === 0) return { slope: NaN, intercept: NaN, r2: NaN };
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let ssRes = 0;
  for (let i = 0; i < x.length; i++) ssRes += (y[i] - (intercept + slope * x[i])) ** 2;
  return { slope, intercept, r2: syy === 0 ? NaN : 1 - ssRes / syy };
}

/** Ranks 1..n; tied values get the average of the ranks they span. */
export function averageRanks(v: readonly number[]): number[] {
  const order = v.map((_, i) => i).sort((a, b) => v[a] - v[b]);
  const ranks = new Array<number>(v.length);
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && v[order[j + 1]] === v[order[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]] = avg;
    i = j + 1;
  }
  return ranks;
}

export function spearman(x: readonly number[], y: readonly number[]): number {
  checkPaired(x, y);
  return pearson(averageRanks(x), averageRanks(y));
}

/**
 * Kendall tau-b = (C - D) / sqrt((n0 - n1)(n0 - n2)), n0 = n(n-1)/2, n1/n2 = pairs tied in x / in y. O(n^2): the
 * rankings compare a handful of models.
 */
export function kendallTauB(x: readonly number[], y: readonly number[]): number {
  checkPaired(x, y);
  const n = x.length;
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const sx = Math.sign(x[i] - x[j]);
      const sy = Math.sign(y[i] - y[j]);
      if (sx === 0) tiesX++;
      if (sy === 0) tiesY++;
      if (sx !== 0 && sy !== 0) {
        if (sx === sy) concordant++;
        else discordant++;
      }
    }
  }
  const n0 = (n * (n - 1)) / 2;
  const denom = Math.sqrt((n0 - tiesX) * (n0 - tiesY));
  return denom === 0 ? NaN : (concordant - discordant) / denom;
}
