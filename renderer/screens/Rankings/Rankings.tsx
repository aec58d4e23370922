// Rankings: does the ranking of architectures on ImageNet carry over to this dataset? A scatter of relative
// improvement over AlexNet (ImageNet on x, this dataset on y) with the least-squares line and y = x, Pearson r and
// slope; both rankings side by side with Spearman and Kendall. Refreshes as training runs finish. Exports PNG/SVG/CSV.
import { useEffect, useRef } from 'react';
import { CartesianGrid, LabelList, ReferenceLine, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { useRankings, type RankingPoint } from '../../store/rankings.ts';
import { onJobFinished } from '../../store/events.ts';
import { attempt } from '../../store/app.ts';
import { EmptyState, ErrorBox, Panel, Stat, fmt, fmtPct } from '../../components/common.tsx';
import { exportCsv, exportPng, exportSvg } from '../../components/exportChart.ts';

/** 1, 2 or 5 times a power of ten, at least `raw`. */
function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= raw) ?? 10 * p;
}

const ciText = (ci: [number, number] | null | undefined) => (ci ? `; 95% bootstrap CI [${ci[0].toFixed(3)}, ${ci[1].toFixed(3)}]` : '');

type Plotted = RankingPoint & { imagenetRel: number; rel: number };

function rankOrder(points: RankingPoint[], key: 'imagenetTop1' | 'top1'): RankingPoint[] {
  return points.filter((p) => p[key] != null).sort((a, b) => (b[key] as number) - (a[key] as number));
}

export function Rankings() {
  const { view, error, loaded, updatedAt, load } = useRankings();
  const chartRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    void load();
    return onJobFinished((job) => {
      if (job.kind === 'train' || job.kind === 'evaluate') void load();
    });
  }, [load]);

  const plotted = (view?.points ?? []).filter((p): p is Plotted => p.imagenetRel != null && p.rel != null);
  const xs = plotted.map((p) => p.imagenetRel);
  const ys = plotted.map((p) => p.rel);
  // One square domain for both axes (so y = x is the diagonal), padded and rounded to a tick step.
  const lo = Math.min(0, ...xs, ...ys);
  const hi = Math.max(0.1, ...xs, ...ys);
  const step = niceStep((hi - lo) / 5);
  const domain: [number, number] = [Math.floor((lo - (hi - lo) * 0.05) / step) * step, Math.ceil((hi + (hi - lo) * 0.05) / step) * step];
  const ticks = Array.from({ length: Math.round((domain[1] - domain[0]) / step) + 1 }, (_, i) => Number((domain[0] + i * step).toFixed(6)));
  const meanX = xs.reduce((a, b) => a + b, 0) / (xs.length || 1);
  const meanY = ys.reduce((a, b) => a + b, 0) / (ys.length || 1);
  const slope = view?.slope ?? null;
  const intercept = slope == null ? null : (view?.intercept ?? meanY - slope * meanX);
  const fitSegment: [{ x: number; y: number }, { x: number; y: number }] | null =
    slope != null && intercept != null && xs.length >= 2
      ? [
          { x: Math.min(...xs), y: slope * Math.min(...xs) + intercept },
          { x: Math.max(...xs), y: slope * Math.max(...xs) + intercept },
        ]
      : null;
  const svg = () => chartRef.current?.querySelector('svg.recharts-surface') as SVGSVGElement | null;
  const csv = () =>
    exportCsv(
      ['arch', 'imagenet_top1', 'dataset_top1', 'imagenet_rel_over_alexnet', 'dataset_rel_over_alexnet'],
      (view?.points ?? []).map((p) => [p.arch, p.imagenetTop1, p.top1, p.imagenetRel, p.rel]),
      'imagenot-rankings.csv',
    );
  const imagenetOrder = rankOrder(view?.points ?? [], 'imagenetTop1');
  const datasetOrder = rankOrder(view?.points ?? [], 'top1');

  return (
    <div className="screen" data-screen="Rankings">
      <div className="stats-row">
        <Stat label="models compared" value={plotted.length} />
        <Stat label="Pearson r" value={fmt(view?.pearson)} hint={`correlation of relative improvements over AlexNet${ciText(view?.ci.pearson)}`} />
        <Stat label="slope" value={fmt(view?.slope)} hint={`least-squares slope, dataset vs ImageNet${ciText(view?.ci.slope)}`} />
        <Stat label="Spearman ρ" value={fmt(view?.spearman)} hint={`rank correlation${ciText(view?.ci.spearman)}`} />
        <Stat label="Kendall τ" value={fmt(view?.kendall)} hint={`pairwise rank agreement${ciText(view?.ci.kendall)}`} />
        <Stat label="same ranking" value={view?.sameRanking == null ? '–' : view.sameRanking ? 'yes' : 'no'} />
      </div>
      <ErrorBox error={error} what="Rankings are not available" />
      {view?.note && <div className="hint warn">{view.note}</div>}
      {view && plotted.length > 0 && plotted.length < 3 && (
        <div className="hint warn">
          {plotted.length} model{plotted.length === 1 ? '' : 's'} so far: the correlations need at least three (AlexNet and two others). Train more architectures on the Training screen.
        </div>
      )}
      <div className="two-col wide-left">
        <Panel
          title="Relative improvement over AlexNet"
          actions={
            <>
              <span className="muted small-text">{updatedAt ? `updated ${updatedAt}` : ''}</span>
              <button className="btn small" disabled={!plotted.length} onClick={() => { const s = svg(); if (s) exportSvg(s, 'imagenot-rankings.svg'); }}>SVG</button>
              <button className="btn small" disabled={!plotted.length} onClick={() => attempt('export PNG', async () => { const s = svg(); if (s) await exportPng(s, 'imagenot-rankings.png'); })}>PNG</button>
              <button className="btn small" disabled={!view?.points.length} onClick={csv}>CSV</button>
            </>
          }
        >
          {loaded && plotted.length === 0 ? (
            <EmptyState title="Nothing to compare yet">
              Train AlexNet and at least one other architecture on the Training screen. Each finished run adds a point:
              its gain over AlexNet here (y) against the same gain on ImageNet (x).
            </EmptyState>
          ) : (
            <div ref={chartRef} className="scatter" data-points={plotted.length}>
              <ResponsiveContainer width="100%" height={420}>
                <ScatterChart margin={{ top: 16, right: 24, bottom: 28, left: 8 }}>
                  <CartesianGrid stroke="#e5e7eb" />
                  <XAxis type="number" dataKey="imagenetRel" name="ImageNet" domain={domain} ticks={ticks} tickFormatter={(v: number) => v.toFixed(2)} fontSize={11} label={{ value: 'ImageNet: relative improvement over AlexNet', position: 'insideBottom', offset: -16, fontSize: 12 }} />
                  <YAxis type="number" dataKey="rel" name="this dataset" domain={domain} ticks={ticks} tickFormatter={(v: number) => v.toFixed(2)} fontSize={11} label={{ value: 'this dataset', angle: -90, position: 'insideLeft', fontSize: 12 }} />
                  <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(3) : String(v))} />
                  <ReferenceLine segment={[{ x: domain[0], y: domain[0] }, { x: domain[1], y: domain[1] }]} stroke="#9ca3af" strokeDasharray="4 4" label={{ value: 'y = x', position: 'insideTopLeft', fontSize: 11, fill: '#6b7280' }} />
                  {fitSegment && <ReferenceLine segment={fitSegment} stroke="#dc2626" strokeWidth={2} label={{ value: `fit: slope ${fmt(slope, 2)}, r ${fmt(view?.pearson, 2)}`, position: 'insideBottomRight', fontSize: 11, fill: '#dc2626' }} />}
                  <Scatter data={plotted} fill="#2563eb" isAnimationActive={false}>
                    <LabelList dataKey="arch" position="top" fontSize={11} />
                  </Scatter>
                </ScatterChart>
              </ResponsiveContainer>
            </div>
          )}
        </Panel>
        <Panel title="Both rankings">
          {imagenetOrder.length === 0 ? (
            <div className="muted">Rankings appear as runs finish.</div>
          ) : (
            <table className="table compact rank-table">
              <thead>
                <tr><th className="num">#</th><th>ImageNet</th><th className="num">top-1</th><th>this dataset</th><th className="num">top-1</th></tr>
              </thead>
              <tbody>
                {Array.from({ length: Math.max(imagenetOrder.length, datasetOrder.length) }, (_, i) => {
                  const a = imagenetOrder[i];
                  const b = datasetOrder[i];
                  return (
                    <tr key={i}>
                      <td className="num">{i + 1}</td>
                      <td className={a && b && a.arch === b.arch ? 'same-rank' : ''}>{a?.arch ?? ''}</td>
                      <td className="num">{fmtPct(a?.imagenetTop1)}</td>
                      <td className={a && b && a.arch === b.arch ? 'same-rank' : ''}>{b?.arch ?? ''}</td>
                      <td className="num">{fmtPct(b?.top1)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </Panel>
      </div>
    </div>
  );
}
