// From a stored metric series to the points a chart draws: x by step, epoch or time since the run's first point,
// TensorBoard's debiased exponential smoothing, values a log axis cannot show left out, and LTTB downsampling
// (the `downsample` package) to about as many points as the chart has pixels.
import { LTTB } from 'downsample';
import type { MetricSeries } from '../store/metric-series.ts';

export type XMode = 'step' | 'epoch' | 'time';

export interface LineOptions {
  x: XMode;
  /** 0 (raw) to 0.99: the weight of the running average (TensorBoard's slider). */
  smoothing: number;
  logY: boolean;
  /** At most this many points are drawn. */
  maxPoints: number;
  /** Time origin (seconds since 1970) for x = time: the run's first recorded point. */
  t0?: number;
}

export interface XY {
  x: number;
  y: number;
}

/** Debiased exponential moving average (as TensorBoard smooths scalars): starts at the first value, not at 0. */
export function smooth(values: readonly number[], weight: number): number[] {
  if (weight <= 0) return [...values];
  const out = new Array<number>(values.length);
  let last = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * weight + (1 - weight) * v;
    count++;
    out[i] = last / (1 - weight ** count);
  }
  return out;
}

/** The chart's points of one series: x chosen, smoothed, filtered for a log axis, downsampled. */
export function chartPoints(s: MetricSeries, o: LineOptions): XY[] {
  const ys = smooth(s.value, o.smoothing);
  const xs = o.x === 'step' ? s.step : o.x === 'epoch' ? s.epoch : s.time;
  const t0 = o.x === 'time' ? (o.t0 ?? firstTime(s)) : 0;
  const out: XY[] = [];
  for (let i = 0; i < ys.length; i++) {
    const x = o.x === 'time' ? (xs[i] - t0) / 60 : xs[i];
    const y = ys[i];
    if (!Number.isFinite(x) || !Number.isFinite(y) || (o.logY && y <= 0)) continue;
    out.push({ x, y });
  }
  if (out.length <= o.maxPoints) return out;
  return downsample(out, o.maxPoints);
}

/** LTTB keeps the points that shape the line (peaks, drops) where plain striding would skip them. */
export function downsample(points: readonly XY[], maxPoints: number): XY[] {
  if (points.length <= maxPoints || maxPoints < 3) return [...points];
  return LTTB(points as XY[], maxPoints) as XY[];
}

export function firstTime(s: MetricSeries): number {
  for (const t of s.time) if (Number.isFinite(t)) return t;
  return NaN;
}

/** Domain of a log axis: whole powers of ten around the data (recharts picks poor ticks otherwise). */
export function logDomain(lines: readonly XY[][]): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const l of lines) for (const p of l) if (p.y > 0) (lo = Math.min(lo, p.y)), (hi = Math.max(hi, p.y));
  if (!Number.isFinite(lo)) return undefined;
  return [10 ** Math.floor(Math.log10(lo)), 10 ** Math.ceil(Math.log10(hi))];
}
