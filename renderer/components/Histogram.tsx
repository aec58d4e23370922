// The similarity histogram of one class with the threshold line. The x range is the encoder's (the same for every
// class, fixed while the slider moves), so classes can be compared at a glance; bars right of the line are the ones
// the threshold keeps (a bar the line crosses is split where it crosses).
// While the slider moves only the bar the line crosses changes: bars are memoised, so a move redraws the line and
// one bar instead of every bar's rects and titles.
import { memo } from 'react';
import type { Histogram as HistogramData } from '../api/types.ts';
import { fmtInt } from './common.tsx';

const W = 560;
const H = 170;
const PAD = { l: 46, r: 12, t: 14, b: 38 };

/** Tick values at a round step covering [lo, hi]. */
function ticksOf(lo: number, hi: number, target: number): number[] {
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9; v += step) out.push(Number(v.toFixed(6)));
  return out;
}

export function Histogram({ data, threshold }: { data: HistogramData; threshold: number }) {
  const { edges, counts } = data;
  if (!counts.length || edges.length !== counts.length + 1)
    return <div className="muted">No similarities for this class yet.</div>;
  const lo = edges[0];
  const hi = edges[edges.length - 1];
  const span = hi - lo || 1;
  const max = Math.max(1, ...counts);
  const x = (v: number) => PAD.l + ((Math.min(hi, Math.max(lo, v)) - lo) / span) * (W - PAD.l - PAD.r);
  const y = (c: number) => H - PAD.b - (c / max) * (H - PAD.t - PAD.b);
  const xTicks = ticksOf(lo, hi, 8);
  const yTicks = ticksOf(0, max, 3).filter((t) => Number.isInteger(t));
  const tx = x(threshold);
  const digits = xTicks.length > 1 && xTicks[1] - xTicks[0] < 0.1 ? 2 : 1;
  const outside = threshold < lo || threshold > hi;
  return (
    <svg
      className="histogram"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={`similarity histogram, threshold ${threshold}`}
    >
      {yTicks.map((t) => (
        <g key={`y${t}`}>
          <line x1={PAD.l} x2={W - PAD.r} y1={y(t)} y2={y(t)} className="grid-line" />
          <text x={PAD.l - 6} y={y(t) + 3} className="tick" textAnchor="end">
            {fmtInt(t)}
          </text>
        </g>
      ))}
      <line x1={PAD.l} x2={W - PAD.r} y1={H - PAD.b} y2={H - PAD.b} className="axis" />
      <line x1={PAD.l} x2={PAD.l} y1={PAD.t} y2={H - PAD.b} className="axis" />
      {counts.map((c, i) => {
        if (!c) return null;
        const x0 = x(edges[i]) + 0.5;
        const x1 = Math.max(x0 + 0.5, x(edges[i + 1]) - 0.5);
        return (
          <Bar
            key={i}
            x0={x0}
            x1={x1}
            split={Math.min(x1, Math.max(x0, tx))}
            top={y(c)}
            bottom={H - PAD.b}
            title={`${edges[i].toFixed(3)} – ${edges[i + 1].toFixed(3)}: ${fmtInt(c)}`}
          />
        );
      })}
      {xTicks.map((t) => (
        <text key={`x${t}`} x={x(t)} y={H - PAD.b + 14} className="tick" textAnchor="middle">
          {t.toFixed(digits)}
        </text>
      ))}
      <text x={(PAD.l + W - PAD.r) / 2} y={H - 6} className="axis-title" textAnchor="middle">
        text similarity (caption ↔ “name which is definition”)
      </text>
      <text
        x={12}
        y={(PAD.t + H - PAD.b) / 2}
        className="axis-title"
        textAnchor="middle"
        transform={`rotate(-90 12 ${(PAD.t + H - PAD.b) / 2})`}
      >
        candidates
      </text>
      {!outside && <line x1={tx} x2={tx} y1={PAD.t - 6} y2={H - PAD.b} className="threshold-line" />}
      <text
        x={outside ? (threshold < lo ? PAD.l + 4 : W - PAD.r - 4) : tx + 4}
        y={PAD.t + 2}
        className="threshold-label"
        textAnchor={outside && threshold > hi ? 'end' : 'start'}
      >
        {outside
          ? `${threshold < lo ? '◀' : ''} ${threshold.toFixed(3)} ${threshold > hi ? '▶' : ''}`
          : threshold.toFixed(3)}
      </text>
    </svg>
  );
}

/** One bar, split where the threshold line crosses it: left part dropped, right part kept. */
const Bar = memo(function Bar({
  x0,
  x1,
  split,
  top,
  bottom,
  title,
}: {
  x0: number;
  x1: number;
  split: number;
  top: number;
  bottom: number;
  title: string;
}) {
  return (
    <g>
      {split > x0 && (
        <rect x={x0} width={split - x0} y={top} height={bottom - top} className="bar">
          <title>{title}</title>
        </rect>
      )}
      {x1 > split && (
        <rect x={split} width={x1 - split} y={top} height={bottom - top} className="bar kept">
          <title>{title}</title>
        </rect>
      )}
    </g>
  );
});
