// Rankings screen: the `rankings.get` object (the same as `imagenot rankings --json`), read into the view the chart
// needs. The statistics (r, slope, Spearman, Kendall) come from the backend; the renderer only draws them.
import { create } from 'zustand';
import { api, errorText } from '../api/client.ts';

export interface RankingPoint {
  arch: string;
  /** Top-1 on ImageNet (reference) and on this dataset, percent. */
  imagenetTop1: number | null;
  top1: number | null;
  /** Relative improvement over AlexNet: (acc - acc_alexnet) / acc_alexnet. */
  imagenetRel: number | null;
  rel: number | null;
}

export interface RankingsView {
  points: RankingPoint[];
  pearson: number | null;
  slope: number | null;
  intercept: number | null;
  spearman: number | null;
  kendall: number | null;
  sameRanking: boolean | null;
  /** Bootstrap confidence intervals, when the backend computed them. */
  ci: { pearson: [number, number] | null; slope: [number, number] | null; spearman: [number, number] | null; kendall: [number, number] | null };
  /** Why the comparison is incomplete (e.g. AlexNet has not finished), from the backend. */
  note: string | null;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const numOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * Reads the rankings object of core/stats/rankings.ts (`models[]` with top1, reference_top1, relative_improvement,
 * reference_relative_improvement; pearson_r, slope, intercept, spearman_rho, kendall_tau, ci) or `{error}`.
 */
export function readRankings(raw: unknown): RankingsView | { error: string } {
  if (!isObj(raw)) return { error: 'rankings: the backend returned no object' };
  if (typeof raw.error === 'string') return { error: raw.error };
  const models = Array.isArray(raw.models) ? raw.models.filter(isObj) : [];
  const ci = isObj(raw.ci) ? raw.ci : {};
  const interval = (k: string): [number, number] | null => {
    const v = ci[k];
    if (!isObj(v)) return null;
    const lo = numOrNull(v.low);
    const hi = numOrNull(v.high);
    return lo == null || hi == null ? null : [lo, hi];
  };
  return {
    points: models.map((m) => ({
      arch: typeof m.arch === 'string' ? m.arch : '?',
      imagenetTop1: numOrNull(m.reference_top1),
      top1: numOrNull(m.top1),
      imagenetRel: numOrNull(m.reference_relative_improvement),
      rel: numOrNull(m.relative_improvement),
    })),
    pearson: numOrNull(raw.pearson_r),
    slope: numOrNull(raw.slope),
    intercept: numOrNull(raw.intercept),
    spearman: numOrNull(raw.spearman_rho),
    kendall: numOrNull(raw.kendall_tau),
    sameRanking: typeof raw.same_ranking === 'boolean' ? raw.same_ranking : null,
    ci: { pearson: interval('pearson_r'), slope: interval('slope'), spearman: interval('spearman_rho'), kendall: interval('kendall_tau') },
    note: typeof raw.note === 'string' ? raw.note : null,
  };
}

interface RankingsState {
  view: RankingsView | null;
  error: string | null;
  loaded: boolean;
  updatedAt: string | null;
  load(): Promise<void>;
}

export const useRankings = create<RankingsState>((set) => ({
  view: null,
  error: null,
  loaded: false,
  updatedAt: null,
  async load() {
    try {
      const out = readRankings(await api().call('rankings.get', {}));
      if ('error' in out) set({ error: out.error, loaded: true, view: null });
      else set({ view: out, error: null, loaded: true, updatedAt: new Date().toLocaleTimeString() });
    } catch (err) {
      set({ error: errorText(err), loaded: true });
    }
  },
}));
