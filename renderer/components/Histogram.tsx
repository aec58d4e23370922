// The similarity histogram of one class with the threshold line: bars above the threshold are the kept ones.
import type { Histogram as HistogramData } from '../api/types.ts';

const W = 640;
const H = 170;
const PAD = { l: 40, r: 12, t: 12, b: 26 };

export function Histogram({ data, threshold }: { data: HistogramData; threshold: number }) {
  const { edges, counts } = data;
  if (!counts.length || edges.length !== counts.length + 1) return <div className="muted">No similarities for this class yet.</div>;
  // The axis always includes the threshold, so the line shows where it sits even outside the class's range.
  const lo = Math.min(edges[0], threshold);
  const hi = Math.max(edges[edges.length - 1], threshold);
  const span = hi - lo || 1;
  const digits = span < 0.05 ? 3 : 2;
  const max = Math.max(1, ...counts);
  const x = (v: number) => PAD.l + ((v - lo) / span) * (W - PAD.l - PAD.r);
  const y = (c: number) => H - PAD.b - (c / max) * (H - PAD.t - PAD.b);
  const ticks = Array.from({ length: 6 }, (_, i) => lo + (i * span) / 5);
  const tx = x(threshold);
  return (
    <svg className="histogram" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`similarity histogram, threshold ${threshold}`}>
      <line x1={PAD.l} x2={W - PAD.r} y1={H - PAD.b} y2={H - PAD.b} className="axis" />
      <line x1={PAD.l} x2={PAD.l} y1={PAD.t} y2={H - PAD.b} className="axis" />
      <text x={PAD.l - 6} y={PAD.t + 8} className="tick" textAnchor="end">
        {max}
      </text>
      <text x={PAD.l - 6} y={H - PAD.b} className="tick" textAnchor="end">
        0
      </text>
      {counts.map((c, i) => {
        const x0 = x(edges[i]);
        const x1 = x(edges[i + 1]);
        const kept = edges[i] >= threshold;
        return (
          <rect key={i} x={x0 + 0.5} width={Math.max(0.5, x1 - x0 - 1)} y={y(c)} height={H - PAD.b - y(c)} className={kept ? 'bar kept' : 'bar'}>
            <title>{`${edges[i].toFixed(3)} – ${edges[i + 1].toFixed(3)}: ${c}`}</title>
          </rect>
        );
      })}
      {ticks.map((t) => (
        <text key={t} x={x(t)} y={H - 8} className="tick" textAnchor="middle">
          {t.toFixed(digits)}
        </text>
      ))}
      <line x1={tx} x2={tx} y1={PAD.t - 4} y2={H - PAD.b} className="threshold-line" />
      <text x={tx + 4} y={PAD.t + 4} className="threshold-label">
        {threshold.toFixed(3)}
      </text>
    </svg>
  );
}
