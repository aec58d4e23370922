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
  /** Why the comparison is incomplete (e.g. AlexNet has not finished), from the backend. */
  note: string | null;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function num(o: Obj, ...keys: string[]): number | null {
  for (const k of keys) {
    const v = o[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (isObj(v)) {
      const inner = num(v, 'value', 'r', 'rho', 'tau', 'estimate');
      if (inner != null) return inner;
    }
  }
  return null;
}

function str(o: Obj, ...keys: string[]): string | null {
  for (const k of keys) if (typeof o[k] === 'string') return o[k] as string;
  return null;
}

/** Reads the rankings object; tolerant of naming (camelCase or snake_case) so the chart survives small changes. */
export function readRankings(raw: unknown): RankingsView | { error: string } {
  if (!isObj(raw)) return { error: 'rankings: the backend returned no object' };
  if (typeof raw.error === 'string') return { error: raw.error };
  const rowsRaw = (['rows', 'models', 'archs', 'points', 'runs'] as const).map((k) => raw[k]).find(Array.isArray) as unknown[] | undefined;
  const points: RankingPoint[] = (rowsRaw ?? []).filter(isObj).map((r) => ({
    arch: str(r, 'arch', 'name', 'model') ?? '?',
    imagenetTop1: num(r, 'imagenetTop1', 'imagenet_top1', 'referenceTop1', 'reference_top1', 'imagenet'),
    top1: num(r, 'top1', 'imagenotTop1', 'imagenot_top1', 'datasetTop1', 'dataset_top1', 'ours'),
    imagenetRel: num(r, 'imagenetRel', 'imagenet_rel', 'imagenetRelative', 'imagenet_relative', 'relImagenet', 'rel_imagenet', 'x'),
    rel: num(r, 'rel', 'datasetRel', 'dataset_rel', 'imagenotRel', 'imagenot_rel', 'relative', 'relDataset', 'rel_dataset', 'y'),
  }));
  const stats = isObj(raw.stats) ? { ...raw, ...raw.stats } : isObj(raw.fit) ? { ...raw, ...raw.fit } : raw;
  return {
    points,
    pearson: num(stats, 'pearson', 'r', 'pearsonR', 'pearson_r'),
    slope: num(stats, 'slope'),
    intercept: num(stats, 'intercept'),
    spearman: num(stats, 'spearman', 'spearmanRho', 'spearman_rho', 'rho'),
    kendall: num(stats, 'kendall', 'kendallTau', 'kendall_tau', 'tau'),
    note: str(raw, 'note', 'message', 'warning'),
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
