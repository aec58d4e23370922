// A line chart of already prepared (smoothed, downsampled) series: recharts without animation, a linear or log y
// axis, x labelled by what it measures. The legend is drawn by the caller (one entry per run, not per line).
import { memo } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { logDomain, type XMode, type XY } from './series.ts';

export interface ChartLine {
  key: string;
  /** Tooltip name, e.g. "#12 resnet152 val_loss". */
  name: string;
  color: string;
  dashed: boolean;
  /** Drawn faint behind its smoothed twin. */
  faint?: boolean;
  points: XY[];
}

const X_LABEL: Record<XMode, string> = { step: 'step', epoch: 'epoch', time: 'minutes since the run started' };

function tick(x: XMode) {
  return (v: number) =>
    x === 'step'
      ? Math.round(v).toLocaleString('en-US')
      : x === 'epoch'
        ? v.toFixed(1)
        : `${v.toFixed(v < 10 ? 1 : 0)}m`;
}

function yTick(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a < 0.01 || a >= 1e5)) return v.toExponential(0);
  return String(Number(v.toPrecision(3)));
}

export const LiveChart = memo(function LiveChart({
  title,
  lines,
  x,
  logY,
  unit,
  rawPoints,
  height = 240,
}: {
  title: string;
  lines: ChartLine[];
  x: XMode;
  logY: boolean;
  unit?: string;
  /** Points in the series before downsampling (shown in the corner and used by tests). */
  rawPoints: number;
  height?: number;
}) {
  const drawn = lines.reduce((n, l) => n + l.points.length, 0);
  const domain = logY ? logDomain(lines.map((l) => l.points)) : undefined;
  return (
    <div className="chart-box" data-chart={title} data-points={rawPoints} data-drawn={drawn}>
      <div className="chart-title">
        {title}
        {rawPoints > drawn && (
          <span className="muted small-text">
            {' '}
            · {rawPoints.toLocaleString('en-US')} points, {drawn.toLocaleString('en-US')} drawn
          </span>
        )}
      </div>
      {drawn === 0 ? (
        <div className="chart-empty muted" style={{ height }}>
          No points yet.
        </div>
      ) : (
        <ResponsiveContainer width="100%" height={height}>
          <LineChart margin={{ top: 8, right: 16, bottom: 18, left: 4 }}>
            <CartesianGrid stroke="#e5e7eb" />
            <XAxis
              type="number"
              dataKey="x"
              domain={['dataMin', 'dataMax']}
              tickFormatter={tick(x)}
              label={{ value: X_LABEL[x], position: 'insideBottom', offset: -10, fontSize: 11 }}
              fontSize={11}
              allowDuplicatedCategory={false}
            />
            <YAxis
              type="number"
              dataKey="y"
              fontSize={11}
              width={52}
              unit={unit}
              scale={logY ? 'log' : 'linear'}
              domain={domain ?? ['auto', 'auto']}
              allowDataOverflow={logY}
              tickFormatter={yTick}
            />
            <Tooltip
              isAnimationActive={false}
              formatter={(v) => (typeof v === 'number' ? v.toPrecision(4) : String(v))}
              labelFormatter={(l) => `${X_LABEL[x]} ${tick(x)(Number(l))}`}
            />
            {lines.map((l) => (
              <Line
                key={l.key}
                name={l.name}
                data={l.points}
                dataKey="y"
                stroke={l.color}
                strokeOpacity={l.faint ? 0.25 : 1}
                strokeDasharray={l.dashed ? '5 3' : undefined}
                dot={l.points.length < 30 && !l.faint ? { r: 2 } : false}
                activeDot={l.faint ? false : { r: 3 }}
                isAnimationActive={false}
                strokeWidth={l.faint ? 1 : 1.8}
                legendType="none"
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
    </div>
  );
});
