// One scatter of models (x: ImageNet, y: this dataset): 95% error bars per model, its own range per axis, the
// least-squares line, optionally y = x, labels placed so they do not overlap, the model's details in the tooltip,
// and runs still training drawn hollow as provisional. SVG and PNG export.
import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { CartesianGrid, ErrorBar, ReferenceLine, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { attempt } from '../../store/app.ts';
import { Panel } from '../../components/common.tsx';
import { exportPng, exportSvg } from '../../components/exportChart.ts';
import { niceAxis, placeLabels, type LabelPlacement } from './layout.ts';

export interface ModelPoint {
  arch: string;
  x: number;
  y: number;
  /** 95% interval of y (null: unknown). */
  yLow: number | null;
  yHigh: number | null;
  provisional: boolean;
  /** Tooltip lines under the model's name. */
  details: string[];
}

interface Plotted extends ModelPoint {
  err: [number, number];
  label: LabelPlacement;
}

const HEIGHT = 360;
const MARGIN = { top: 14, right: 18, bottom: 8, left: 8 };
const Y_AXIS_W = 58;
const X_AXIS_H = 40;

function useWidth(): [React.RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}

function PointShape(props: { cx?: number; cy?: number; payload?: Plotted }) {
  const { cx, cy, payload } = props;
  if (cx == null || cy == null || !payload) return <g />;
  const l = payload.label;
  // A label pushed away from its point gets a thin leader line back to it.
  const far = Math.hypot(l.dx, l.dy) > 14;
  return (
    <g className={`model-point ${payload.provisional ? 'provisional' : ''}`} data-arch={payload.arch}>
      {far && (
        <line
          x1={cx}
          y1={cy}
          x2={cx + l.dx * 0.75}
          y2={cy + l.dy * 0.75 - (l.dy > 0 ? 8 : 0)}
          stroke="#9ca3af"
          strokeWidth={0.8}
        />
      )}
      <circle
        cx={cx}
        cy={cy}
        r={4.5}
        fill={payload.provisional ? '#ffffff' : '#2563eb'}
        stroke={payload.provisional ? '#d97706' : '#1d4ed8'}
        strokeWidth={payload.provisional ? 2 : 1}
      />
      <text
        x={cx + l.dx}
        y={cy + l.dy}
        textAnchor={l.anchor}
        fontSize={11}
        fill={payload.provisional ? '#b45309' : '#1f2430'}
        className="model-label"
      >
        {payload.arch}
        {payload.provisional ? '*' : ''}
      </text>
    </g>
  );
}

function TooltipBody({ active, payload }: { active?: boolean; payload?: { payload?: Plotted }[] }) {
  const p = active ? payload?.[0]?.payload : undefined;
  if (!p) return null;
  return (
    <div className="chart-tooltip">
      <strong>{p.arch}</strong>
      {p.provisional && <span className="badge state-attention">provisional</span>}
      {p.details.map((d) => (
        <div key={d}>{d}</div>
      ))}
    </div>
  );
}

export function ModelScatter({
  title,
  points,
  xLabel,
  yLabel,
  format,
  fit,
  identity,
  exportName,
  footer,
}: {
  title: string;
  points: ModelPoint[];
  xLabel: string;
  yLabel: string;
  format: (v: number) => string;
  fit: { slope: number | null; intercept: number | null; label: string } | null;
  identity?: boolean;
  exportName: string;
  footer?: ReactNode;
}) {
  const [ref, width] = useWidth();
  const x = niceAxis(points.map((p) => p.x));
  const y = niceAxis(points.flatMap((p) => [p.y, p.yLow ?? p.y, p.yHigh ?? p.y]));
  const plotW = Math.max(1, width - MARGIN.left - MARGIN.right - Y_AXIS_W);
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom - X_AXIS_H;
  const px = (v: number) => ((v - x.domain[0]) / (x.domain[1] - x.domain[0])) * plotW;
  const py = (v: number) => (1 - (v - y.domain[0]) / (y.domain[1] - y.domain[0])) * plotH;
  const labels = placeLabels(
    points.map((p) => ({
      x: px(p.x),
      y: py(p.y),
      text: p.arch + (p.provisional ? '*' : ''),
      barTop: p.yHigh == null ? undefined : py(p.yHigh),
      barBottom: p.yLow == null ? undefined : py(p.yLow),
    })),
    plotW,
    plotH,
  );
  const plotted: Plotted[] = points.map((p, i) => ({
    ...p,
    err: [p.yLow == null ? 0 : Math.max(0, p.y - p.yLow), p.yHigh == null ? 0 : Math.max(0, p.yHigh - p.y)],
    label: labels[i],
  }));
  const fitSegment =
    fit && fit.slope != null && fit.intercept != null
      ? ([
          { x: x.domain[0], y: fit.slope * x.domain[0] + fit.intercept },
          { x: x.domain[1], y: fit.slope * x.domain[1] + fit.intercept },
        ] as const)
      : null;
  const idLo = Math.max(x.domain[0], y.domain[0]);
  const idHi = Math.min(x.domain[1], y.domain[1]);
  const svg = () => ref.current?.querySelector('svg.recharts-surface') as SVGSVGElement | null;
  return (
    <Panel
      title={title}
      actions={
        <>
          <button
            className="btn small"
            disabled={!points.length}
            onClick={() => {
              const s = svg();
              if (s) exportSvg(s, `${exportName}.svg`);
            }}
          >
            SVG
          </button>
          <button
            className="btn small"
            disabled={!points.length}
            onClick={() =>
              attempt('export PNG', async () => {
                const s = svg();
                if (s) await exportPng(s, `${exportName}.png`);
              })
            }
          >
            PNG
          </button>
        </>
      }
    >
      <div ref={ref} className="scatter" data-plot={exportName} data-points={points.length}>
        {width > 0 && (
          <ScatterChart width={width} height={HEIGHT} margin={MARGIN}>
            <CartesianGrid stroke="#e5e7eb" />
            <XAxis
              type="number"
              dataKey="x"
              name={xLabel}
              domain={x.domain}
              ticks={x.ticks}
              tickFormatter={format}
              fontSize={11}
              height={X_AXIS_H}
              allowDataOverflow
              label={{ value: xLabel, position: 'insideBottom', offset: 0, fontSize: 12 }}
            />
            <YAxis
              type="number"
              dataKey="y"
              name={yLabel}
              domain={y.domain}
              ticks={y.ticks}
              tickFormatter={format}
              fontSize={11}
              width={Y_AXIS_W}
              allowDataOverflow
              label={{
                value: yLabel,
                angle: -90,
                position: 'insideLeft',
                fontSize: 12,
                style: { textAnchor: 'middle' },
              }}
            />
            <Tooltip content={<TooltipBody />} isAnimationActive={false} cursor={{ strokeDasharray: '3 3' }} />
            {identity && idLo < idHi && (
              <ReferenceLine
                segment={[
                  { x: idLo, y: idLo },
                  { x: idHi, y: idHi },
                ]}
                stroke="#9ca3af"
                strokeDasharray="4 4"
                ifOverflow="hidden"
              />
            )}
            {fitSegment && (
              <ReferenceLine segment={[...fitSegment]} stroke="#dc2626" strokeWidth={1.5} ifOverflow="hidden" />
            )}
            <Scatter data={plotted} isAnimationActive={false} shape={<PointShape />}>
              <ErrorBar dataKey="err" direction="y" width={4} strokeWidth={1} stroke="#94a3b8" />
            </Scatter>
          </ScatterChart>
        )}
      </div>
      <div className="plot-key small-text">
        {fitSegment && (
          <span>
            <span className="key-line fit" /> least-squares {fit!.label}
          </span>
        )}
        {identity && (
          <span>
            <span className="key-line identity" /> y = x (same relative improvement as on ImageNet)
          </span>
        )}
        <span>
          <span className="key-dot" /> finished
        </span>
        {points.some((p) => p.provisional) && (
          <span>
            <span className="key-dot provisional" /> still training*
          </span>
        )}
      </div>
      {footer}
    </Panel>
  );
}
