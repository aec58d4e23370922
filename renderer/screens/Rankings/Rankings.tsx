// Rankings: does the ranking of architectures on ImageNet carry over to this dataset? The statistics with their 95%
// intervals and n; the paper's two figures side by side — accuracy on the line (top-1 here against ImageNet top-1)
// and relative improvement over AlexNet — with a binomial error bar per model; which run stands for each
// architecture (picker); both rankings. Runs still training appear provisionally at their latest validation accuracy,
// so the correlations move as they train. Exports PNG/SVG per figure and CSV.
import { useEffect, type ReactNode } from 'react';
import type { RankedModel, Rankings as RankingsObject } from '../../api/types.ts';
import { useRankings } from '../../store/rankings.ts';
import { onJobFinished, onWorkerEvent } from '../../store/events.ts';
import { TRAIN_KINDS } from '../../store/training.ts';
import { EmptyState, ErrorBox, Panel, Stat, fmt, fmtInt, fmtPct } from '../../components/common.tsx';
import { exportCsv } from '../../components/exportChart.ts';
import { ModelScatter, type ModelPoint } from './ModelScatter.tsx';
import { RunPicker } from './RunPicker.tsx';

type Interval = { low: number | null; high: number | null };
const ciText = (ci: Interval, d = 3) =>
  ci.low == null || ci.high == null ? 'no interval' : `[${ci.low.toFixed(d)}, ${ci.high.toFixed(d)}]`;

function StatWithCi({
  label,
  value,
  ci,
  n,
  hint,
}: {
  label: string;
  value: number | null;
  ci: Interval;
  n: number;
  hint: string;
}) {
  return (
    <Stat
      label={label}
      hint={`${hint}; 95% bootstrap interval over models`}
      value={
        <span className="stat-ci" data-stat={label}>
          {fmt(value)}
          <span className="ci">
            {ciText(ci)} · n {n}
          </span>
        </span>
      }
    />
  );
}

function details(m: RankedModel): string[] {
  const ci = m.top1_ci.low == null ? '' : ` [${m.top1_ci.low.toFixed(1)}, ${m.top1_ci.high!.toFixed(1)}]`;
  return [
    `${m.run_id != null ? `run #${m.run_id} · ` : ''}${m.provisional ? 'latest validation accuracy' : 'test top-1'} ${fmtPct(m.top1, 2)}${ci}${m.n != null ? ` on ${fmtInt(m.n)} images` : ''}`,
    `ImageNet top-1 ${fmtPct(m.reference_top1, 2)}`,
    `relative improvement over AlexNet: ${m.relative_improvement.toFixed(3)} here, ${m.reference_relative_improvement.toFixed(3)} on ImageNet`,
  ];
}

function accuracyPoints(r: RankingsObject): ModelPoint[] {
  return r.models.map((m) => ({
    arch: m.arch,
    x: m.reference_top1,
    y: m.top1,
    yLow: m.top1_ci.low,
    yHigh: m.top1_ci.high,
    provisional: m.provisional,
    details: details(m),
  }));
}

function relativePoints(r: RankingsObject): ModelPoint[] {
  return r.models.map((m) => ({
    arch: m.arch,
    x: m.reference_relative_improvement,
    y: m.relative_improvement,
    yLow: m.relative_improvement_ci.low,
    yHigh: m.relative_improvement_ci.high,
    provisional: m.provisional,
    details: details(m),
  }));
}

/** "Test set: 96 images per model" (or a range), and the validation sets of provisional models. */
function sampleSizeText(r: RankingsObject): string {
  const sizes = (provisional: boolean) =>
    [...new Set(r.models.filter((m) => m.provisional === provisional && m.n != null).map((m) => m.n!))].sort(
      (a, b) => a - b,
    );
  const range = (ns: number[]) => (ns.length === 1 ? fmtInt(ns[0]) : `${fmtInt(ns[0])}–${fmtInt(ns[ns.length - 1])}`);
  const test = sizes(false);
  const val = sizes(true);
  const parts = [];
  if (test.length) parts.push(`Test set: ${range(test)} images per model`);
  if (val.length) parts.push(`provisional points: validation set of ${range(val)} images`);
  return parts.length ? parts.join('; ') : 'Sample sizes not recorded';
}

function rankOrder(models: RankedModel[], key: 'reference_top1' | 'top1'): RankedModel[] {
  return [...models].sort((a, b) => b[key] - a[key]);
}

function exportRankingsCsv(r: RankingsObject) {
  exportCsv(
    [
      'arch',
      'imagenet_top1',
      'dataset_top1',
      'imagenet_rel_over_alexnet',
      'dataset_rel_over_alexnet',
      'dataset_top1_low',
      'dataset_top1_high',
      'dataset_rel_low',
      'dataset_rel_high',
      'n',
      'run_id',
      'provisional',
    ],
    r.models.map((m) => [
      m.arch,
      m.reference_top1,
      m.top1,
      m.reference_relative_improvement,
      m.relative_improvement,
      m.top1_ci.low,
      m.top1_ci.high,
      m.relative_improvement_ci.low,
      m.relative_improvement_ci.high,
      m.n,
      m.run_id,
      m.provisional,
    ]),
    'imagenot-rankings.csv',
  );
}

function Figures({ r, footer }: { r: RankingsObject; footer: ReactNode }) {
  const fitLabel = `fit: slope ${fmt(r.accuracy_fit.slope, 2)}, r ${fmt(r.accuracy_fit.pearson_r, 2)} (n ${r.accuracy_fit.n})`;
  return (
    <div className="two-col even figures">
      <ModelScatter
        title="Accuracy on the line"
        points={accuracyPoints(r)}
        xLabel="ImageNet top-1 (%)"
        yLabel="top-1 here (%)"
        format={(v) => String(Number(v.toFixed(1)))}
        fit={{ slope: r.accuracy_fit.slope, intercept: r.accuracy_fit.intercept, label: fitLabel }}
        exportName="imagenot-accuracy-on-the-line"
        footer={footer}
      />
      <ModelScatter
        title="Relative improvement over AlexNet"
        points={relativePoints(r)}
        xLabel="ImageNet: relative improvement"
        yLabel="here: relative improvement"
        format={(v) => v.toFixed(2)}
        fit={{
          slope: r.slope,
          intercept: r.intercept,
          label: `fit: slope ${fmt(r.slope, 2)}, r ${fmt(r.pearson_r, 2)} (n ${r.n_relative})`,
        }}
        identity
        exportName="imagenot-rankings"
        footer={footer}
      />
    </div>
  );
}

export function Rankings() {
  const { data, error, loaded, updatedAt, load, reloadSoon } = useRankings();

  useEffect(() => {
    void load();
    const offJobs = onJobFinished((job) => {
      if (TRAIN_KINDS.includes(job.kind)) void load();
    });
    // A new validation accuracy moves a provisional position.
    const offEvents = onWorkerEvent((e) => {
      if (e.name === 'run.metric' && (e.payload as { name?: string } | null)?.name === 'val_accuracy') reloadSoon();
    });
    return () => {
      offJobs();
      offEvents();
    };
  }, [load, reloadSoon]);

  const r = data?.rankings ?? null;
  const footer = r && (
    <div className="muted small-text plot-foot">
      Error bars: 95% binomial (Wilson) intervals of each top-1; relative improvements by the delta method.{' '}
      {sampleSizeText(r)}.{r.n_provisional > 0 && ' * provisional: still training, latest validation accuracy.'}
    </div>
  );

  return (
    <div className="screen" data-screen="Rankings">
      <div className="stats-row">
        <Stat
          label="models compared"
          value={r ? `${r.n}${r.n_provisional ? ` (${r.n_provisional} provisional)` : ''}` : '–'}
        />
        {r ? (
          <>
            <StatWithCi
              label="Pearson r"
              value={r.pearson_r}
              ci={r.ci.pearson_r}
              n={r.n_relative}
              hint="correlation of relative improvements over AlexNet (models other than AlexNet)"
            />
            <StatWithCi
              label="slope"
              value={r.slope}
              ci={r.ci.slope}
              n={r.n_relative}
              hint="least-squares slope of relative improvement here on ImageNet's"
            />
            <StatWithCi
              label="Spearman ρ"
              value={r.spearman_rho}
              ci={r.ci.spearman_rho}
              n={r.n}
              hint="rank correlation of top-1"
            />
            <StatWithCi
              label="Kendall τ"
              value={r.kendall_tau}
              ci={r.ci.kendall_tau}
              n={r.n}
              hint="pairwise rank agreement (tau-b)"
            />
          </>
        ) : (
          ['Pearson r', 'slope', 'Spearman ρ', 'Kendall τ'].map((l) => <Stat key={l} label={l} value="–" />)
        )}
        <Stat label="same ranking" value={r && r.n >= 2 ? (r.same_ranking ? 'yes' : 'no') : '–'} />
      </div>
      <ErrorBox error={error} what="Could not load the rankings" />
      {data && r && r.n_provisional > 0 && (
        <div className="hint" data-testid="provisional-note">
          {r.n_provisional} of {r.n} model{r.n === 1 ? ' is' : 's are'} still training: each stands in with its latest
          validation accuracy (hollow, marked *), and the statistics include them. They update as epochs finish.
        </div>
      )}
      {data?.notes.map((n) => (
        <div key={n} className="hint warn">
          {n}
        </div>
      ))}
      {r && r.n < 3 && (
        <div className="hint warn">
          {r.n} model{r.n === 1 ? '' : 's'} so far: the correlations need at least three (AlexNet and two others).
        </div>
      )}
      {loaded && data && !r ? (
        <Panel title="Rankings">
          <EmptyState title="Nothing to compare yet">
            {data.unavailable ? `${data.unavailable[0].toUpperCase()}${data.unavailable.slice(1)}. ` : ''}
            Train AlexNet and at least two other architectures on the Training screen: each finished run (and each run
            still training, provisionally) adds a point.
          </EmptyState>
        </Panel>
      ) : (
        r && <Figures r={r} footer={footer} />
      )}
      <div className="two-col wide-left">
        <Panel
          title="Runs compared"
          actions={
            <>
              <span className="muted small-text">{updatedAt ? `updated ${updatedAt}` : ''}</span>
              <button className="btn small" disabled={!r} onClick={() => r && exportRankingsCsv(r)}>
                CSV
              </button>
            </>
          }
        >
          {data?.archs.length ? <RunPicker data={data} /> : <div className="muted">No runs yet.</div>}
        </Panel>
        <Panel title="Both rankings">
          {!r ? (
            <div className="muted">Rankings appear as runs finish.</div>
          ) : (
            <table className="table compact rank-table">
              <thead>
                <tr>
                  <th className="num">#</th>
                  <th>ImageNet</th>
                  <th className="num">top-1</th>
                  <th>this dataset</th>
                  <th className="num">top-1</th>
                </tr>
              </thead>
              <tbody>
                {rankOrder(r.models, 'reference_top1').map((a, i) => {
                  const b = rankOrder(r.models, 'top1')[i];
                  const same = a.arch === b.arch ? 'same-rank' : '';
                  return (
                    <tr key={a.arch}>
                      <td className="num">{i + 1}</td>
                      <td className={same}>{a.arch}</td>
                      <td className="num">{fmtPct(a.reference_top1)}</td>
                      <td className={same}>
                        {b.arch}
                        {b.provisional ? '*' : ''}
                      </td>
                      <td
                        className="num"
                        title={b.top1_ci.low == null ? undefined : `95% interval ${ciText(b.top1_ci, 1)}`}
                      >
                        {fmtPct(b.top1)}
                      </td>
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
