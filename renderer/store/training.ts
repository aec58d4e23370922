// Training screen: architectures, runs, and each watched run's metric series (loaded once, then extended live from
// `run.metric` worker events).
import { create } from 'zustand';
import { api, errorText } from '../api/client.ts';
import type { ArchView, MetricPoint, RunView } from '../api/types.ts';

interface TrainingState {
  archs: ArchView[];
  runs: RunView[];
  error: string | null;
  loaded: boolean;
  /** Runs whose curves are drawn (the comparison). */
  watched: number[];
  metrics: Record<number, MetricPoint[]>;
  load(): Promise<void>;
  loadRuns(): Promise<void>;
  toggleWatch(runId: number): void;
  addMetric(runId: number, point: MetricPoint): void;
}

async function fetchMetrics(runId: number): Promise<MetricPoint[]> {
  return api().call('runs.metrics', { runId });
}

export const useTraining = create<TrainingState>((set, get) => ({
  archs: [],
  runs: [],
  error: null,
  loaded: false,
  watched: [],
  metrics: {},
  async load() {
    try {
      set({ archs: await api().call('arch.list', {}) });
    } catch (err) {
      set({ error: errorText(err) });
    }
    await get().loadRuns();
  },
  async loadRuns() {
    try {
      const runs = await api().call('runs.list', {});
      set({ runs, error: null, loaded: true });
      // Watch the newest runs by default so a launched run's curve shows up without a click.
      if (get().watched.length === 0 && runs.length) {
        const newest = [...runs].sort((a, b) => b.id - a.id).slice(0, 3).map((r) => r.id);
        for (const id of newest) get().toggleWatch(id);
      }
      for (const id of get().watched) {
        const run = runs.find((r) => r.id === id);
        if (run && !['running', 'queued'].includes(run.status)) {
          const points = await fetchMetrics(id);
          set((s) => ({ metrics: { ...s.metrics, [id]: points } }));
        }
      }
    } catch (err) {
      set({ error: errorText(err), loaded: true });
    }
  },
  toggleWatch(runId) {
    const watched = get().watched;
    if (watched.includes(runId)) {
      set({ watched: watched.filter((id) => id !== runId) });
      return;
    }
    set({ watched: [...watched, runId] });
    void fetchMetrics(runId).then(
      (points) => set((s) => ({ metrics: { ...s.metrics, [runId]: mergePoints(points, s.metrics[runId] ?? []) } })),
      (err) => set({ error: `metrics of run ${runId}: ${errorText(err)}` }),
    );
  },
  addMetric(runId, point) {
    if (!get().runs.some((r) => r.id === runId)) void get().loadRuns();
    if (!get().watched.includes(runId)) set((s) => ({ watched: [...s.watched, runId] }));
    set((s) => ({ metrics: { ...s.metrics, [runId]: mergePoints(s.metrics[runId] ?? [], [point]) } }));
  },
}));

/** Union of two series, one point per (name, step), in step order. */
function mergePoints(a: MetricPoint[], b: MetricPoint[]): MetricPoint[] {
  const byKey = new Map<string, MetricPoint>();
  for (const p of [...a, ...b]) byKey.set(`${p.name}\u0000${p.step}`, p);
  return [...byKey.values()].sort((x, y) => x.step - y.step);
}
