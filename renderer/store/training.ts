// Training screen: architectures, the launch form's options (exports, resolved defaults), runs, and which runs' curves
// are drawn. Metric points live in `metrics` (metric-series.ts), appended as `run.metric` events stream in; the slice
// only carries `metricsVersion`, moved at most once a second (every two seconds while drawing takes longer than
// SLOW_CHART_MS), so a fast run redraws its charts that often instead of four times per step.
import { create } from 'zustand';
import { api, errorText } from '../api/client.ts';
import type { ArchView, RunOptions, RunView, TrainingEngine, TrainingProfile, WorkerEvent } from '../api/types.ts';
import { RunMetricStore } from './metric-series.ts';

/** The job kinds that train a run: `train` (tfjs) and `train-torch` (PyTorch). */
export const TRAIN_KINDS = ['train', 'train-torch'];
type MetricEvent = WorkerEvent & { name: 'run.metric' };

/** The metrics the curves draw: per-step training loss, per-epoch training accuracy and validation. */
export const CHART_METRICS = ['loss', 'val_loss', 'train_accuracy', 'val_accuracy'];
export const METRICS_FLUSH_MS = 1000;
export const SLOW_METRICS_FLUSH_MS = 2000;
export const SLOW_CHART_MS = 50;

/** Recent cost of drawing the curves (ms, smoothed), reported by the chart after each redraw. */
let chartMs = 0;
export function noteChartRender(ms: number): void {
  chartMs = 0.7 * chartMs + 0.3 * ms;
}
/** Runs whose curves are drawn by default: the newest few. */
const DEFAULT_WATCHED = 3;

export const metrics = new RunMetricStore();

interface TrainingState {
  archs: ArchView[];
  runs: RunView[];
  options: RunOptions | null;
  error: string | null;
  loaded: boolean;
  /** Runs whose curves are drawn, and runs the user unticked (never ticked again by themselves). */
  watched: number[];
  unticked: number[];
  /** Moves when new metric points are in `metrics`. */
  metricsVersion: number;
  load(): Promise<void>;
  loadRuns(): Promise<void>;
  loadOptions(profile: TrainingProfile, engine?: TrainingEngine): Promise<void>;
  setWatched(runId: number, on: boolean): void;
  addMetric(e: { runId: number; step: number; epoch: number; name: string; value: number }): void;
  setExcluded(runId: number, excluded: boolean): Promise<void>;
  deleteRun(runId: number): Promise<void>;
}

export function isMetricEvent(e: WorkerEvent): e is MetricEvent {
  const p = e.payload as Record<string, unknown> | null;
  return (
    e.name === 'run.metric' &&
    !!p &&
    typeof p.runId === 'number' &&
    typeof p.step === 'number' &&
    typeof p.epoch === 'number' &&
    typeof p.name === 'string' &&
    typeof p.value === 'number'
  );
}

const fetching = new Set<number>();
// biome-ignore lint/correctness/noUnusedVariables: read by `flushTimer ??=` (one pending flush at a time)
let flushTimer: ReturnType<typeof setTimeout> | undefined;
let runsReload: Promise<void> | undefined;

export const useTraining = create<TrainingState>((set, get) => {
  const fetchMetrics = async (runId: number) => {
    if (fetching.has(runId)) return;
    fetching.add(runId);
    try {
      metrics.load(runId, await api().call('runs.metrics', { runId, names: CHART_METRICS }));
      set((s) => ({ metricsVersion: s.metricsVersion + 1 }));
    } catch (err) {
      set({ error: `metrics of run ${runId}: ${errorText(err)}` });
    } finally {
      fetching.delete(runId);
    }
  };
  const scheduleFlush = () => {
    flushTimer ??= setTimeout(
      () => {
        flushTimer = undefined;
        set((s) => ({ metricsVersion: s.metricsVersion + 1 }));
      },
      chartMs > SLOW_CHART_MS ? SLOW_METRICS_FLUSH_MS : METRICS_FLUSH_MS,
    );
  };
  return {
    archs: [],
    runs: [],
    options: null,
    error: null,
    loaded: false,
    watched: [],
    unticked: [],
    metricsVersion: 0,
    async load() {
      try {
        set({ archs: await api().call('arch.list', {}) });
      } catch (err) {
        set({ error: errorText(err) });
      }
      await get().loadRuns();
      // Coming back to the screen: catch up on points streamed meanwhile.
      for (const id of get().watched) void fetchMetrics(id);
    },
    loadRuns() {
      // One request at a time: a burst of events from an unknown run asks once.
      runsReload ??= (async () => {
        try {
          const runs = await api().call('runs.list', {});
          const { watched, unticked } = get();
          const known = new Set(runs.map((r) => r.id));
          const fresh = runs
            .slice(0, DEFAULT_WATCHED)
            .map((r) => r.id)
            .filter((id) => !watched.includes(id) && !unticked.includes(id));
          const kept = watched.filter((id) => known.has(id));
          set({ runs, error: null, loaded: true, watched: [...kept, ...fresh] });
          for (const id of fresh) if (!metrics.has(id)) void fetchMetrics(id);
        } catch (err) {
          set({ error: errorText(err), loaded: true });
        } finally {
          runsReload = undefined;
        }
      })();
      return runsReload;
    },
    async loadOptions(profile, engine) {
      try {
        set({ options: await api().call('runs.options', { profile, engine }) });
      } catch (err) {
        set({ error: errorText(err) });
      }
    },
    setWatched(runId, on) {
      const { watched, unticked } = get();
      if (on) {
        set({
          watched: watched.includes(runId) ? watched : [...watched, runId],
          unticked: unticked.filter((id) => id !== runId),
        });
        void fetchMetrics(runId);
      } else {
        set({
          watched: watched.filter((id) => id !== runId),
          unticked: unticked.includes(runId) ? unticked : [...unticked, runId],
        });
      }
    },
    addMetric(e) {
      metrics.add(e.runId, e.name, { step: e.step, epoch: e.epoch, time: Date.now() / 1000, value: e.value });
      const { runs, watched, unticked } = get();
      if (!runs.some((r) => r.id === e.runId)) void get().loadRuns();
      // A run that starts streaming is drawn, unless the user unticked it.
      else if (!watched.includes(e.runId) && !unticked.includes(e.runId)) {
        set({ watched: [...watched, e.runId] });
        void fetchMetrics(e.runId); // its points from before this page saw it
      }
      if (get().watched.includes(e.runId)) scheduleFlush();
    },
    async setExcluded(runId, excluded) {
      const run = await api().call('runs.setExcluded', { runId, excluded });
      set((s) => ({ runs: s.runs.map((r) => (r.id === runId ? run : r)) }));
    },
    async deleteRun(runId) {
      await api().call('runs.delete', { runId });
      metrics.drop(runId);
      set((s) => ({ runs: s.runs.filter((r) => r.id !== runId), watched: s.watched.filter((id) => id !== runId) }));
    },
  };
});
