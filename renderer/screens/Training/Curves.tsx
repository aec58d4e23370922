// Loss and accuracy curves of the ticked runs: x by step, epoch or time; smoothing (raw curve kept faint behind);
// a log y axis for the loss (one diverging run must not flatten the others); one legend entry per run.
import { useDeferredValue, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Panel } from '../../components/common.tsx';
import { LiveChart, type ChartLine } from '../../components/LiveChart.tsx';
import { chartPoints, firstTime, type XMode } from '../../components/series.ts';
import type { RunView } from '../../api/types.ts';
import { metrics, noteChartRender, useTraining } from '../../store/training.ts';

const PALETTE = [
  '#2563eb',
  '#dc2626',
  '#059669',
  '#d97706',
  '#7c3aed',
  '#0891b2',
  '#db2777',
  '#65a30d',
  '#475569',
  '#b45309',
];
/** Drawn points per line (about one per two pixels of a chart half the screen wide), and for the faint raw curve. */
const MAX_POINTS = 300;
const MAX_RAW_POINTS = 150;
/** Series shorter than this (per-epoch validation) are drawn as they are. */
const SMOOTH_MIN_POINTS = 20;

export const runColor = (runId: number) => PALETTE[runId % PALETTE.length];

const LOSS = ['loss', 'val_loss'];
/** A loss axis spanning more powers of ten than this starts on a log scale (one diverging run flattens the rest). */
const LOG_AUTO_DECADES = 2;

/** Powers of ten between the smallest and largest positive loss of these runs (0 without points). */
function lossDecades(runs: RunView[]): number {
  let lo = Infinity;
  let hi = 0;
  for (const r of runs) {
    for (const n of LOSS) {
      for (const v of metrics.series(r.id, n)?.value ?? []) if (v > 0) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
    }
  }
  return hi > 0 ? Math.log10(hi / lo) : 0;
}
const ACCURACY = ['train_accuracy', 'val_accuracy'];

/** A run's time origin: the first recorded time of any charted metric (NaN when none was recorded). */
function timeOrigin(runId: number): number {
  const times = [...LOSS, ...ACCURACY]
    .map((n) => metrics.series(runId, n))
    .map((s) => (s ? firstTime(s) : NaN))
    .filter(Number.isFinite);
  return times.length ? Math.min(...times) : NaN;
}

function buildLines(runs: RunView[], names: string[], o: { x: XMode; smoothing: number; logY: boolean }) {
  const lines: ChartLine[] = [];
  let raw = 0;
  for (const run of runs) {
    const t0 = timeOrigin(run.id);
    for (const name of names) {
      const s = metrics.series(run.id, name);
      if (!s?.length) continue;
      raw += s.length;
      const base = { color: runColor(run.id), dashed: name.startsWith('val_'), name: `#${run.id} ${run.arch} ${name}` };
      const opts = { x: o.x, logY: o.logY, maxPoints: MAX_POINTS, t0 };
      const smoothed = o.smoothing > 0 && s.length >= SMOOTH_MIN_POINTS;
      if (smoothed)
        lines.push({
          ...base,
          key: `${run.id}-${name}-raw`,
          faint: true,
          name: `${base.name} (raw)`,
          points: chartPoints(s, { ...opts, smoothing: 0, maxPoints: MAX_RAW_POINTS }),
        });
      lines.push({
        ...base,
        key: `${run.id}-${name}`,
        points: chartPoints(s, { ...opts, smoothing: smoothed ? o.smoothing : 0 }),
      });
    }
  }
  return { lines, raw };
}

export function Curves() {
  const runs = useTraining((s) => s.runs);
  const watched = useTraining((s) => s.watched);
  const version = useTraining((s) => s.metricsVersion);
  const setWatched = useTraining((s) => s.setWatched);
  const [x, setX] = useState<XMode>('step');
  const [smoothing, setSmoothing] = useState(0.6);
  // null: decided by the data (log once the losses span more than LOG_AUTO_DECADES powers of ten).
  const [logChoice, setLogLoss] = useState<boolean | null>(null);

  const shown = useMemo(
    () => watched.map((id) => runs.find((r) => r.id === id)).filter((r): r is RunView => !!r),
    [runs, watched],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` moves when new points arrive in the mutable metric store
  const decades = useMemo(() => lossDecades(shown), [shown, version]);
  const logLoss = logChoice ?? decades > LOG_AUTO_DECADES;
  // New points and settings are drawn in a deferred (interruptible) render: the page keeps answering input and
  // painting frames while recharts works.
  const view = useDeferredValue(
    useMemo(() => ({ shown, version, x, smoothing, logLoss }), [shown, version, x, smoothing, logLoss]),
  );
  const loss = useMemo(
    () => buildLines(view.shown, LOSS, { x: view.x, smoothing: view.smoothing, logY: view.logLoss }),
    [view],
  );
  const accuracy = useMemo(
    () => buildLines(view.shown, ACCURACY, { x: view.x, smoothing: view.smoothing, logY: false }),
    [view],
  );
  // How long new points take from render to screen sets how often they are drawn (training.ts).
  const drawing = useRef({ view, since: performance.now() });
  if (drawing.current.view !== view) drawing.current = { view, since: performance.now() };
  // biome-ignore lint/correctness/useExhaustiveDependencies: the drawing cost is measured once per new view
  useLayoutEffect(() => noteChartRender(performance.now() - drawing.current.since), [view]);
  const untimed = x === 'time' ? shown.filter((r) => metrics.has(r.id) && Number.isNaN(timeOrigin(r.id))) : [];

  return (
    <Panel
      title="Curves"
      actions={
        <div className="chart-controls">
          <fieldset className="seg" aria-label="x axis">
            {(['step', 'epoch', 'time'] as const).map((m) => (
              <button
                key={m}
                className={`btn small ${x === m ? 'active' : 'ghost'}`}
                aria-pressed={x === m}
                onClick={() => setX(m)}
              >
                {m}
              </button>
            ))}
          </fieldset>
          <label
            className="check small-text"
            title="Exponential moving average, as TensorBoard smooths; the raw curve stays faint behind"
          >
            smoothing
            <input
              type="range"
              min={0}
              max={0.99}
              step={0.01}
              value={smoothing}
              aria-label="smoothing"
              onChange={(e) => setSmoothing(Number(e.target.value))}
            />
            <span className="mono">{smoothing.toFixed(2)}</span>
          </label>
          <label className="check small-text">
            <input
              type="checkbox"
              checked={logLoss}
              aria-label="log scale loss"
              onChange={(e) => setLogLoss(e.target.checked)}
            />
            log loss
            {logChoice == null && logLoss && (
              <span className="muted"> (auto: values span {Math.floor(decades)}+ decades)</span>
            )}
          </label>
        </div>
      }
    >
      <fieldset className="run-legend" aria-label="runs drawn">
        {shown.length === 0 && (
          <span className="muted small-text">Tick runs in the table below to draw their curves.</span>
        )}
        {shown.map((r) => (
          <span key={r.id} className="legend-item" data-legend-run={r.id}>
            <span className="swatch" style={{ background: runColor(r.id) }} />#{r.id} {r.arch}
            <span className={`badge state-${r.status}`}>{r.status}</span>
            <button className="close" aria-label={`hide run ${r.id}`} onClick={() => setWatched(r.id, false)}>
              ×
            </button>
          </span>
        ))}
        {shown.length > 0 && <span className="muted small-text legend-key">solid: training · dashed: validation</span>}
      </fieldset>
      {untimed.length > 0 && (
        <div className="hint">
          No recorded times for {untimed.map((r) => `#${r.id}`).join(', ')} (trained before times were kept): drawn by
          step or epoch only.
        </div>
      )}
      <div className="two-col even">
        <LiveChart title="Loss" lines={loss.lines} rawPoints={loss.raw} x={view.x} logY={view.logLoss} />
        <LiveChart title="Accuracy" lines={accuracy.lines} rawPoints={accuracy.raw} x={view.x} logY={false} unit="%" />
      </div>
    </Panel>
  );
}
