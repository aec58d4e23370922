// Launch runs: architectures, the export to train on, engine, profile and overrides. Each field shows the recipe's
// value it replaces and checks what is typed as it is typed; the values every chosen architecture will train with are
// listed before anything is queued. Train stays disabled (and says why) without an export or with an invalid field.
import { useEffect, useMemo, useState } from 'react';
import { attempt, useApp } from '../../store/app.ts';
import { api } from '../../api/client.ts';
import type { TrainingEngine, TrainingProfile } from '../../api/types.ts';
import { useTraining } from '../../store/training.ts';
import { fmtInt, fmtPct } from '../../components/common.tsx';
import { FIELDS, LABELS, formErrors, placeholder, resolved, startRequest, type FormValues } from './form.ts';

const ENGINES: { value: TrainingEngine; label: string }[] = [
  { value: 'tfjs', label: 'TensorFlow.js (in this app)' },
  { value: 'torch', label: 'PyTorch (torchvision)' },
];

export function LaunchForm() {
  const archs = useTraining((s) => s.archs);
  const options = useTraining((s) => s.options);
  const loadOptions = useTraining((s) => s.loadOptions);
  const loadRuns = useTraining((s) => s.loadRuns);
  const upsertJob = useApp((s) => s.upsertJob);
  const setScreen = useApp((s) => s.setScreen);
  const [chosen, setChosen] = useState<string[]>([]);
  const [profile, setProfile] = useState<TrainingProfile>('local');
  const [engine, setEngine] = useState<TrainingEngine>('tfjs');
  const [dataset, setDataset] = useState<string | null>(null);
  const [values, setValues] = useState<FormValues>({ epochs: '', batch: '', lr: '', patience: '', seed: '' });
  const [sending, setSending] = useState(false);

  useEffect(() => void loadOptions(profile, engine), [profile, engine, loadOptions]);
  const exportPath = dataset ?? options?.latest ?? null;
  const errors = formErrors(values);
  const defaults = options?.defaults ?? [];
  const plan = useMemo(() => resolved(defaults, chosen, values), [defaults, chosen, values]);
  const blocker = !options
    ? 'loading…'
    : !exportPath
      ? 'no dataset export to train on'
      : !chosen.length
        ? 'choose at least one architecture'
        : Object.keys(errors).length
          ? 'fix the fields marked in red'
          : null;

  const launch = () =>
    attempt('start training', async () => {
      setSending(true);
      try {
        const jobs = await api().call('runs.start', startRequest(chosen, profile, engine, exportPath, values));
        jobs.forEach(upsertJob);
        useApp.getState().notify('info', `queued ${jobs.length} training job${jobs.length === 1 ? '' : 's'}`);
        setTimeout(() => void loadRuns(), 800);
      } finally {
        setSending(false);
      }
    });

  return (
    <div className="launch-form">
      {options && !options.exports.length && (
        <div className="hint warn" role="status">
          No dataset export yet: runs train on an export. Select classes and export them on the Dataset screen first.{' '}
          <button className="btn small" onClick={() => setScreen('Dataset')}>
            Go to Dataset
          </button>
        </div>
      )}
      <div className="arch-list">
        {archs.length === 0 && <div className="muted small-text">No architectures reported by the backend.</div>}
        {archs.map((a) => (
          <label key={a.arch} className="check arch">
            <input
              type="checkbox"
              checked={chosen.includes(a.arch)}
              onChange={(e) => setChosen(e.target.checked ? [...chosen, a.arch] : chosen.filter((x) => x !== a.arch))}
            />
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
        <button className="btn small ghost" onClick={() => setChosen(archs.map((a) => a.arch))}>
          all
        </button>
        <button className="btn small ghost" onClick={() => setChosen([])}>
          none
        </button>
      </div>
      <div className="form-grid">
        <label className="wide">
          Export
          <select
            value={exportPath ?? ''}
            disabled={!options?.exports.length}
            onChange={(e) => setDataset(e.target.value)}
          >
            {!options?.exports.length && <option value="">none yet</option>}
            {options?.exports.map((x) => (
              <option key={x.path} value={x.path}>
                {x.path.replace(/^exports\//, '')}
                {x.classes != null ? ` · ${fmtInt(x.classes)} classes` : ''}
                {x.train != null ? ` · ${fmtInt(x.train)} train / ${fmtInt(x.test)} test` : ''}
                {x.path === options.latest ? ' (newest)' : ''}
              </option>
            ))}
          </select>
        </label>
        <label>
          Engine
          <select value={engine} onChange={(e) => setEngine(e.target.value as TrainingEngine)}>
            {ENGINES.map((x) => (
              <option key={x.value} value={x.value}>
                {x.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Profile
          <select
            value={profile}
            onChange={(e) => setProfile(e.target.value as TrainingProfile)}
            title="local: scaled to train on a CPU in minutes; paper: torchvision's recipe at full size"
          >
            <option value="local">local</option>
            <option value="paper">paper</option>
          </select>
        </label>
        {FIELDS.map((f) => (
          <label key={f} className={errors[f] ? 'invalid' : ''}>
            {LABELS[f]}
            <input
              type="text"
              inputMode={f === 'lr' ? 'decimal' : 'numeric'}
              value={values[f]}
              placeholder={placeholder(defaults, chosen.length ? chosen : archs.map((a) => a.arch), f)}
              aria-invalid={!!errors[f]}
              aria-label={LABELS[f]}
              onChange={(e) => setValues({ ...values, [f]: e.target.value })}
            />
            {errors[f] && (
              <span className="field-error" role="alert">
                {errors[f]}
              </span>
            )}
          </label>
        ))}
      </div>
      {plan.length > 0 && (
        <table className="table compact resolved" aria-label="resolved hyperparameters">
          <thead>
            <tr>
              <th>will train</th>
              <th className="num">epochs</th>
              <th className="num">batch</th>
              <th className="num">lr</th>
              <th className="num">patience</th>
              <th className="num">seed</th>
              <th className="num">input</th>
            </tr>
          </thead>
          <tbody>
            {plan.map((p) => (
              <tr key={p.arch}>
                <td>{p.arch}</td>
                {FIELDS.map((f) => (
                  <td key={f} className={`num ${p.overridden.includes(f) ? 'overridden' : ''}`}>
                    {String(p[f])}
                  </td>
                ))}
                <td className="num">{p.inputSize} px</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="row">
        <span className="muted small-text">
          {blocker && blocker !== 'choose at least one architecture' ? blocker : ''}
        </span>
        <span className="spacer" />
        <button className="btn primary" disabled={!!blocker || sending} title={blocker ?? undefined} onClick={launch}>
          {chosen.length ? `Train ${chosen.length} model${chosen.length === 1 ? '' : 's'}` : 'Train'}
        </button>
      </div>
    </div>
  );
}
