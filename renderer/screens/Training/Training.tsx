// Training: launch runs (architectures, profile, hyperparameters), the queue with cancel/resume, live loss and
// accuracy curves of the watched runs (streamed from `run.metric` worker events), and a comparison table.
import { useEffect, useMemo, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '../../api/client.ts';
import { attempt, useApp } from '../../store/app.ts';
import { useTraining } from '../../store/training.ts';
import { onJobFinished, onWorkerEvent } from '../../store/events.ts';
import { EmptyState, ErrorBox, Panel, fmtInt, fmtPct } from '../../components/common.tsx';
import { JobList } from '../../components/JobList.tsx';
import type { MetricPoint, RunView, TrainingProfile } from '../../api/types.ts';

export const TRAIN_KINDS = ['train'];
const PROFILES: TrainingProfile[] = ['local', 'paper'];
/** What the train job reports (workers/train.ts): per-step `loss`, per-epoch `train_accuracy`, and validation. */
const LOSS_METRICS = ['loss', 'val_loss'];
const ACCURACY_METRICS = ['train_accuracy', 'val_accuracy'];
const PALETTE = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#475569'];

interface MetricPayload {
  runId: number;
  step: number;
  epoch: number;
  name: string;
  value: number;
}

function isMetric(p: unknown): p is MetricPayload {
  const o = p as MetricPayload;
  return !!o && typeof o.runId === 'number' && typeof o.name === 'string' && typeof o.value === 'number' && typeof o.step === 'number';
}

function series(runs: RunView[], watched: number[], metrics: Record<number, MetricPoint[]>, pick: (name: string) => boolean) {
  const out: { key: string; color: string; dashed: boolean; data: { x: number; value: number }[] }[] = [];
  watched.forEach((id, i) => {
    const run = runs.find((r) => r.id === id);
    const points = (metrics[id] ?? []).filter((p) => pick(p.name));
    const names = [...new Set(points.map((p) => p.name))].sort();
    names.forEach((name) => {
      out.push({
        key: `${run?.arch ?? 'run'} #${id} ${name}`,
        color: PALETTE[i % PALETTE.length],
        dashed: name.startsWith('val_'),
        data: points.filter((p) => p.name === name).map((p) => ({ x: p.epoch, value: p.value })),
      });
    });
  });
  return out;
}

function MetricChart({ title, lines, unit }: { title: string; lines: ReturnType<typeof series>; unit?: string }) {
  return (
    <div className="chart-box" data-chart={title} data-points={lines.reduce((n, l) => n + l.data.length, 0)}>
      <div className="chart-title">{title}</div>
      {lines.length === 0 ? (
        <div className="chart-empty muted">No points yet.</div>
      ) : (
        <ResponsiveContainer width="100%" height={240}>
          <LineChart margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
            <CartesianGrid stroke="#e5e7eb" />
            <XAxis type="number" dataKey="x" domain={['dataMin', 'dataMax']} tickFormatter={(v: number) => v.toFixed(1)} label={{ value: 'epoch', position: 'insideBottomRight', offset: -2, fontSize: 11 }} fontSize={11} allowDuplicatedCategory={false} />
            <YAxis fontSize={11} width={48} unit={unit} />
            <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(4) : String(v))} labelFormatter={(l) => `epoch ${Number(l).toFixed(2)}`} />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            {lines.map((l) => (
              <Line key={l.key} name={l.key} data={l.data} dataKey="value" stroke={l.color} strokeDasharray={l.dashed ? '5 3' : undefined} dot={l.data.length < 30} isAnimationActive={false} strokeWidth={1.8} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
    </div>
  );
}

export function Training() {
  const { archs, runs, error, loaded, watched, metrics, load, loadRuns, toggleWatch, addMetric } = useTraining();
  const status = useApp((s) => s.status);
  const upsertJob = useApp((s) => s.upsertJob);
  const [chosen, setChosen] = useState<string[]>([]);
  const [form, setForm] = useState({ profile: 'local' as TrainingProfile, epochs: '', batch: '', lr: '', patience: '', seed: '0' });

  useEffect(() => {
    void load();
    const offEvents = onWorkerEvent((e) => {
      if (e.name === 'run.metric' && isMetric(e.payload)) addMetric(e.payload.runId, e.payload);
      else if (e.name.startsWith('run.')) void loadRuns();
    });
    const offJobs = onJobFinished((job) => {
      if (TRAIN_KINDS.includes(job.kind)) void loadRuns();
    });
    const poll = setInterval(() => {
      if (useTraining.getState().runs.some((r) => r.status === 'running' || r.status === 'queued')) void loadRuns();
    }, 5000);
    return () => {
      offEvents();
      offJobs();
      clearInterval(poll);
    };
  }, [load, loadRuns, addMetric]);

  const launch = () =>
    attempt('start training', async () => {
      const num = (s: string) => (s.trim() === '' ? undefined : Number(s));
      const req = { archs: chosen, profile: form.profile, epochs: num(form.epochs), batch: num(form.batch), lr: num(form.lr), patience: num(form.patience), seed: num(form.seed) };
      const jobs = await api().call('runs.start', Object.fromEntries(Object.entries(req).filter(([, v]) => v !== undefined)) as typeof req);
      jobs.forEach(upsertJob);
      useApp.getState().notify('info', `queued ${jobs.length} training job${jobs.length === 1 ? '' : 's'}`);
      setTimeout(() => void loadRuns(), 800);
    });

  const lossLines = useMemo(() => series(runs, watched, metrics, (n) => LOSS_METRICS.includes(n)), [runs, watched, metrics]);
  const accLines = useMemo(() => series(runs, watched, metrics, (n) => ACCURACY_METRICS.includes(n)), [runs, watched, metrics]);
  const sortedRuns = [...runs].sort((a, b) => b.id - a.id);

  return (
    <div className="screen" data-screen="Training">
      <div className="two-col wide-left">
        <Panel title="Launch runs">
          {status && status.classes_selected === 0 && (
            <div className="hint warn">No dataset yet: runs train on the latest export, so select classes and export them on the Dataset screen first.</div>
          )}
          <div className="arch-list">
            {archs.length === 0 && <div className="muted small-text">No architectures reported by the backend.</div>}
            {archs.map((a) => (
              <label key={a.arch} className="check arch">
                <input type="checkbox" checked={chosen.includes(a.arch)} onChange={(e) => setChosen(e.target.checked ? [...chosen, a.arch] : chosen.filter((x) => x !== a.arch))} />
                <span className="arch-text">
                  <span className="arch-name">{a.arch}</span>
                  <span className="muted small-text">
                    {(a.params / 1e6).toFixed(1)}M params · ImageNet {fmtPct(a.imagenetTop1)}
                  </span>
                </span>
              </label>
            ))}
          </div>
          <div className="row">
            <button className="btn small ghost" onClick={() => setChosen(archs.map((a) => a.arch))}>all</button>
            <button className="btn small ghost" onClick={() => setChosen([])}>none</button>
          </div>
          <div className="form-grid">
            <label>
              Profile
              <select value={form.profile} onChange={(e) => setForm({ ...form, profile: e.target.value as TrainingProfile })}>
                {PROFILES.map((p) => (
                  <option key={p} value={p}>{p}</option>
                ))}
              </select>
            </label>
            {(['epochs', 'batch', 'lr', 'patience', 'seed'] as const).map((k) => (
              <label key={k}>
                {k === 'lr' ? 'learning rate' : k}
                <input type="number" step={k === 'lr' ? 0.001 : 1} value={form[k]} placeholder="profile default" onChange={(e) => setForm({ ...form, [k]: e.target.value })} />
              </label>
            ))}
          </div>
          <div className="row">
            <span className="spacer" />
            <button className="btn primary" disabled={!chosen.length || !form.profile} onClick={launch}>
              Train {chosen.length || ''} model{chosen.length === 1 ? '' : 's'}
            </button>
          </div>
        </Panel>
        <Panel title="Queue">
          <JobList kinds={TRAIN_KINDS} limit={8} empty="No training jobs. Pick architectures and press Train." />
        </Panel>
      </div>
      <Panel title="Curves" actions={<span className="muted small-text">solid: training · dashed: validation · tick runs below to compare</span>}>
        <div className="two-col even">
          <MetricChart title="Loss" lines={lossLines} />
          <MetricChart title="Accuracy" lines={accLines} unit="%" />
        </div>
      </Panel>
      <Panel title="Runs">
        <ErrorBox error={error} what="Could not load runs" />
        {loaded && !error && runs.length === 0 ? (
          <EmptyState title="No runs yet">Choose architectures and a profile above and press Train. Curves appear here while they train.</EmptyState>
        ) : (
          runs.length > 0 && (
            <table className="table compact">
              <thead>
                <tr><th>compare</th><th>#</th><th>arch</th><th>profile</th><th>status</th><th className="num">epoch</th><th className="num">top-1</th><th className="num">top-5</th><th>backend</th><th>started</th><th>ended</th></tr>
              </thead>
              <tbody>
                {sortedRuns.map((r) => (
                  <tr key={r.id} data-run-id={r.id} data-run-status={r.status}>
                    <td><input type="checkbox" checked={watched.includes(r.id)} onChange={() => toggleWatch(r.id)} aria-label={`compare run ${r.id}`} /></td>
                    <td>{r.id}</td>
                    <td>{r.arch}</td>
                    <td>{r.profile}</td>
                    <td><span className={`badge state-${r.status}`}>{r.status}</span></td>
                    <td className="num">{fmtInt(r.epoch)}</td>
                    <td className="num">{fmtPct(r.top1, 2)}</td>
                    <td className="num">{fmtPct(r.top5, 2)}</td>
                    <td>{r.backend ?? '–'}</td>
                    <td className="muted">{r.startedAt ? new Date(r.startedAt).toLocaleTimeString() : '–'}</td>
                    <td className="muted">{r.endedAt ? new Date(r.endedAt).toLocaleTimeString() : '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        )}
      </Panel>
    </div>
  );
}
