// Seeded percentile bootstrap: resample the paired observations with replacement, recompute a statistic, report the
// 2.5th and 97.5th percentiles. The same seed gives the same interval on every machine.

/** mulberry32: a small, fast 32-bit PRNG; its whole state is one integer. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Linear-interpolated quantile of sorted values (numpy's default 'linear'). */
export function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export interface BootstrapInterval {
  low: number;
  high: number;
  /** Resamples on which the statistic was defined (constant resamples give NaN and are left out). */
  resamples: number;
}

export function bootstrapInterval(
  n: number,
  statistic: (indices: number[]) => number,
  opts: { resamples?: number; seed?: number; level?: number } = {},
): BootstrapInterval {
  const rand = mulberry32(opts.seed ?? 0);
  const level = opts.level ?? 0.95;
  const values: number[] = [];
  const count = opts.resamples ?? 2000;
  for (let b = 0; b < count; b++) {
    const idx = Array.from({ length: n }, () => Math.floor(rand() * n));
    const v = statistic(idx);
    if (Number.isFinite(v)) values.push(v);
  }
  values.sort((a, b) => a - b);
  return {
    low: quantile(values, (1 - level) / 2),
    high: quantile(values, 1 - (1 - level) / 2),
    resamples: values.length,
  };
}
