// Do the models rank the same on the new dataset as on the reference (ImageNet)? The object `imagenot rankings
// --json` prints: relative improvement over AlexNet on both sides, Pearson r and OLS of the new dataset's relative
// improvement on the reference's (models other than AlexNet, whose improvement is 0 by definition), Spearman and
// Kendall tau-b over the top-1 of all models, and seeded bootstrap 95% intervals over models; per model, the binomial
// (Wilson) interval of its top-1 on its n test images and the interval of its relative improvement; and the paper's
// "accuracy on the line" fit of top-1 here on ImageNet top-1.
import { bootstrapInterval } from './bootstrap.ts';
import { relativeImprovementInterval, wilsonInterval } from './binomial.ts';
import { kendallTauB, ols, pearson, spearman } from './correlation.ts';

export const BASELINE_ARCH = 'alexnet';

export interface ModelAccuracy {
  arch: string;
  /** Top-1 accuracy in percent. */
  top1: number;
  /** Images the top-1 was measured on (gives its binomial interval). */
  n?: number | null;
  /** A run still training: its latest validation accuracy stands in for the test top-1. */
  provisional?: boolean;
  runId?: number | null;
}

export interface Interval {
  low: number | null;
  high: number | null;
}

export interface RankingModel {
  arch: string;
  top1: number;
  reference_top1: number;
  relative_improvement: number;
  reference_relative_improvement: number;
  /** Images the top-1 was measured on, when known. */
  n: number | null;
  /** 95% Wilson interval of top1 (percent) and delta-method interval of relative_improvement; null without n. */
  top1_ci: Interval;
  relative_improvement_ci: Interval;
  provisional: boolean;
  run_id: number | null;
}

export interface Rankings {
  /** Models compared (Spearman and Kendall use all of them); Pearson r and the slope use the n_relative others. */
  n: number;
  n_relative: number;
  /** Models standing in with a provisional (validation) accuracy. */
  n_provisional: number;
  pearson_r: number | null;
  slope: number | null;
  intercept: number | null;
  r2: number | null;
  spearman_rho: number | null;
  kendall_tau: number | null;
  same_ranking: boolean;
  models: RankingModel[];
  /** Accuracy on the line: OLS of top-1 here (percent) on reference top-1 over all models, with Pearson r. */
  accuracy_fit: { slope: number | null; intercept: number | null; pearson_r: number | null; n: number };
  ci: {
    level: number;
    resamples: number;
    seed: number;
    pearson_r: Interval;
    slope: Interval;
    spearman_rho: Interval;
    kendall_tau: Interval;
  };
}

export class RankingsError extends Error {
  override name = 'RankingsError';
}

/** JSON has no NaN: undefined statistics are null. */
const num = (v: number): number | null => (Number.isFinite(v) ? v : null);

export function computeRankings(
  results: readonly ModelAccuracy[],
  reference: readonly ModelAccuracy[],
  opts: { resamples?: number; seed?: number } = {},
): Rankings {
  const refBy = new Map(reference.map((r) => [r.arch, r.top1]));
  const seen = new Set<string>();
  for (const r of results) {
    if (seen.has(r.arch)) throw new RankingsError(`model '${r.arch}' appears twice in the results`);
    seen.add(r.arch);
    if (!Number.isFinite(r.top1)) throw new RankingsError(`model '${r.arch}': top1 is not a number`);
  }
  const base = results.find((r) => r.arch === BASELINE_ARCH);
  if (!base) {
    throw new RankingsError(
      `no ${BASELINE_ARCH} among the results (${results.map((r) => r.arch).join(', ') || 'none'}): relative improvement is measured over AlexNet, so train alexnet first`,
    );
  }
  const refBase = refBy.get(BASELINE_ARCH);
  if (refBase == null) throw new RankingsError(`the reference table has no ${BASELINE_ARCH} row`);
  if (base.top1 === 0)
    throw new RankingsError(`${BASELINE_ARCH} has top-1 0: relative improvement over it is undefined`);
  const missing = results.filter((r) => !refBy.has(r.arch)).map((r) => r.arch);
  if (missing.length) throw new RankingsError(`no reference top-1 for ${missing.join(', ')}`);

  const interval = (iv: { low: number; high: number } | null): Interval => ({
    low: iv ? num(iv.low) : null,
    high: iv ? num(iv.high) : null,
  });
  const models: RankingModel[] = results.map((r) => {
    const ref = refBy.get(r.arch)!;
    const n = r.n != null && r.n > 0 ? r.n : null;
    const baseN = base.n != null && base.n > 0 ? base.n : null;
    const isBase = r.arch === BASELINE_ARCH;
    return {
      arch: r.arch,
      top1: r.top1,
      reference_top1: ref,
      relative_improvement: (r.top1 - base.top1) / base.top1,
      reference_relative_improvement: (ref - refBase) / refBase,
      n,
      top1_ci: interval(n ? wilsonInterval(r.top1, n) : null),
      // AlexNet's own improvement is 0 by definition; its uncertainty is carried by everyone else's interval.
      relative_improvement_ci: isBase
        ? { low: 0, high: 0 }
        : interval(n && baseN ? relativeImprovementInterval(r.top1, n, base.top1, baseN) : null),
      provisional: r.provisional ?? false,
      run_id: r.runId ?? null,
    };
  });
  const others = models.filter((m) => m.arch !== BASELINE_ARCH);
  const ox = others.map((m) => m.reference_relative_improvement);
  const oy = others.map((m) => m.relative_improvement);
  const ax = models.map((m) => m.reference_top1);
  const ay = models.map((m) => m.top1);
  const fit = ols(ox, oy);
  const tau = kendallTauB(ax, ay);
  const line = ols(ax, ay);

  const seed = opts.seed ?? 0;
  const resamples = opts.resamples ?? 2000;
  const pick = (v: number[], idx: number[]) => idx.map((i) => v[i]);
  const boot = (n: number, f: (idx: number[]) => number, salt: number): Interval => {
    const iv = bootstrapInterval(n, f, { seed: seed + salt, resamples });
    return { low: num(iv.low), high: num(iv.high) };
  };
  return {
    n: models.length,
    n_relative: others.length,
    n_provisional: models.filter((m) => m.provisional).length,
    pearson_r: num(pearson(ox, oy)),
    slope: num(fit.slope),
    intercept: num(fit.intercept),
    r2: num(fit.r2),
    spearman_rho: num(spearman(ax, ay)),
    kendall_tau: num(tau),
    same_ranking: sameRanking(ax, ay),
    models,
    accuracy_fit: {
      slope: num(line.slope),
      intercept: num(line.intercept),
      pearson_r: num(pearson(ax, ay)),
      n: models.length,
    },
    ci: {
      level: 0.95,
      resamples,
      seed,
      pearson_r: boot(others.length, (i) => pearson(pick(ox, i), pick(oy, i)), 1),
      slope: boot(others.length, (i) => ols(pick(ox, i), pick(oy, i)).slope, 2),
      spearman_rho: boot(models.length, (i) => spearman(pick(ax, i), pick(ay, i)), 3),
      kendall_tau: boot(models.length, (i) => kendallTauB(pick(ax, i), pick(ay, i)), 4),
    },
  };
}

/** Every pair of models is ordered the same way on both sides (a tie on one side must be a tie on the other). */
export function sameRanking(x: readonly number[], y: readonly number[]): boolean {
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) if (Math.sign(x[i] - x[j]) !== Math.sign(y[i] - y[j])) return false;
  }
  return true;
}
