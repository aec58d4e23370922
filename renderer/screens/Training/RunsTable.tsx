// Every run as a row, W&B-style: its config (epochs, batch, lr, seed, export, engine), how long it took, validation
// and test accuracy; sortable by any column, filtered by text and status; tick to draw its curves, leave it out of
// the rankings, or delete it (two clicks).
import { useEffect, useMemo, useState } from 'react';
import { attempt } from '../../store/app.ts';
import type { RunView } from '../../api/types.ts';
import { useTraining } from '../../store/training.ts';
import { fmtPct } from '../../components/common.tsx';
import { runColor } from './Curves.tsx';

type Key =
  | 'id'
  | 'arch'
  | 'engine'
  | 'profile'
  | 'status'
  | 'epoch'
  | 'batch'
  | 'lr'
  | 'seed'
  | 'dataset'
  | 'duration'
  | 'val'
  | 'top1'
  | 'top5';

export function durationSeconds(r: Pick<RunView, 'startedAt' | 'endedAt' | 'status'>, now = Date.now()): number | null {
  if (!r.startedAt) return null;
  const end = r.endedAt ? Date.parse(r.endedAt) : r.status === 'running' ? now : null;
  return end == null ? null : Math.max(0, (end - Date.parse(r.startedAt)) / 1000);
}

export function fmtDuration(s: number | null): string {
  if (s == null) return '–';
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.round((s % 3600) / 60)).padStart(2, '0')}m`;
}

const COLUMNS: { key: Key; label: string; num?: boolean; title?: string; value(r: RunView): string | number | null }[] =
  [
    { key: 'id', label: '#', num: true, value: (r) => r.id },
    { key: 'arch', label: 'arch', value: (r) => r.arch },
    { key: 'engine', label: 'engine', value: (r) => r.engine },
    { key: 'profile', label: 'profile', value: (r) => r.profile },
    { key: 'status', label: 'status', value: (r) => r.status },
    { key: 'epoch', label: 'epoch', num: true, title: 'epochs completed / planned', value: (r) => r.epoch },
    { key: 'batch', label: 'batch', num: true, value: (r) => r.config.batch },
    { key: 'lr', label: 'lr', num: true, value: (r) => r.config.lr },
    { key: 'seed', label: 'seed', num: true, value: (r) => r.config.seed },
    { key: 'dataset', label: 'export', value: (r) => r.dataset },
    { key: 'duration', label: 'duration', num: true, value: (r) => durationSeconds(r) },
    {
      key: 'val',
      label: 'val acc',
      num: true,
      title: 'best validation accuracy (held-out part of train)',
      value: (r) => r.bestVal,
    },
    { key: 'top1', label: 'top-1', num: true, title: 'test top-1', value: (r) => r.top1 },
    { key: 'top5', label: 'top-5', num: true, title: 'test top-5', value: (r) => r.top5 },
  ];

function compare(a: string | number | null, b: string | number | null): number {
  if (a == null && b == null) return 0;
  if (a == null) return 1; // empty cells last in either direction
  if (b == null) return -1;
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
}

function cell(r: RunView, key: Key): string {
  switch (key) {
    case 'epoch':
      return `${r.epoch}${r.config.epochs != null ? ` / ${r.config.epochs}` : ''}`;
    case 'lr':
      return r.config.lr == null ? '–' : String(Number(r.config.lr.toPrecision(3)));
    case 'dataset':
      return r.dataset.replace(/^exports\//, '');
    case 'duration':
      return fmtDuration(durationSeconds(r));
    case 'val':
      return fmtPct(r.bestVal, 1);
    case 'top1':
      return fmtPct(r.top1, 2);
    case 'top5':
      return fmtPct(r.top5, 2);
    default: {
      const v = COLUMNS.find((c) => c.key === key)!.value(r);
      return v == null ? '–' : String(v);
    }
  }
}

function DeleteButton({ run }: { run: RunView }) {
  const deleteRun = useTraining((s) => s.deleteRun);
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    if (!armed) return;
    const t = setTimeout(() => setArmed(false), 4000);
    return () => clearTimeout(t);
  }, [armed]);
  const busy = run.status === 'running' || run.status === 'queued';
  return (
    <button
      className={`btn small ${armed ? 'danger' : 'ghost'}`}
      disabled={busy}
      title={busy ? 'cancel the run before deleting it' : 'delete the run, its metrics and checkpoints'}
      aria-label={armed ? `confirm delete run ${run.id}` : `delete run ${run.id}`}
      onClick={() => (armed ? void attempt(`delete run #${run.id}`, () => deleteRun(run.id)) : setArmed(true))}
    >
      {armed ? 'Confirm delete' : 'Delete'}
    </button>
  );
}

export function RunsTable() {
  const runs = useTraining((s) => s.runs);
  const watched = useTraining((s) => s.watched);
  const setWatched = useTraining((s) => s.setWatched);
  const setExcluded = useTraining((s) => s.setExcluded);
  const [sort, setSort] = useState<{ key: Key; dir: 1 | -1 }>({ key: 'id', dir: -1 });
  const [text, setText] = useState('');
  const [status, setStatus] = useState('all');
  const statuses = useMemo(() => [...new Set(runs.map((r) => r.status))].sort(), [runs]);

  const rows = useMemo(() => {
    const words = text.toLowerCase().split(/\s+/).filter(Boolean);
    const col = COLUMNS.find((c) => c.key === sort.key)!;
    return runs
      .filter((r) => status === 'all' || r.status === status)
      .filter((r) => {
        const hay =
          `#${r.id} ${r.arch} ${r.engine} ${r.profile} ${r.status} ${r.dataset} ${r.backend ?? ''} ${r.excluded ? 'excluded' : ''}`.toLowerCase();
        return words.every((w) => hay.includes(w));
      })
      .sort((a, b) => {
        const va = col.value(a);
        const vb = col.value(b);
        // Empty cells last in either direction; ties newest first.
        const c = va == null || vb == null ? compare(va, vb) : compare(va, vb) * sort.dir;
        return c || b.id - a.id;
      });
  }, [runs, text, status, sort]);

  return (
    <div className="runs-table">
      <div className="row">
        <input
          className="filter"
          type="search"
          placeholder="filter: arch, status, export, engine…"
          value={text}
          aria-label="filter runs"
          onChange={(e) => setText(e.target.value)}
        />
        <select value={status} aria-label="run status" onChange={(e) => setStatus(e.target.value)}>
          <option value="all">every status</option>
          {statuses.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <span className="muted small-text">
          {rows.length === runs.length ? `${runs.length} runs` : `${rows.length} of ${runs.length} runs`}
        </span>
      </div>
      <div className="table-scroll">
        <table className="table compact">
          <thead>
            <tr>
              <th title="draw its curves">curves</th>
              {COLUMNS.map((c) => (
                <th
                  key={c.key}
                  className={`${c.num ? 'num' : ''} sortable`}
                  title={c.title}
                  aria-sort={sort.key === c.key ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'}
                  data-sort={c.key}
                  onClick={() =>
                    setSort({ key: c.key, dir: sort.key === c.key ? (-sort.dir as 1 | -1) : c.num ? -1 : 1 })
                  }
                >
                  {c.label}
                  {sort.key === c.key ? (sort.dir === 1 ? ' ▲' : ' ▼') : ''}
                </th>
              ))}
              <th title="count this run in the rankings">rankings</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr
                key={r.id}
                data-run-id={r.id}
                data-run-status={r.status}
                className={r.excluded ? 'excluded' : ''}
                title={r.error ?? undefined}
              >
                <td>
                  <input
                    type="checkbox"
                    checked={watched.includes(r.id)}
                    onChange={(e) => setWatched(r.id, e.target.checked)}
                    aria-label={`compare run ${r.id}`}
                  />
                  <span
                    className="swatch"
                    style={{ background: watched.includes(r.id) ? runColor(r.id) : 'transparent' }}
                  />
                </td>
                {COLUMNS.map((c) => (
                  <td
                    key={c.key}
                    className={`${c.num ? 'num' : ''} ${c.key === 'dataset' ? 'ellipsis' : ''}`}
                    title={c.key === 'dataset' ? r.dataset : undefined}
                  >
                    {c.key === 'status' ? (
                      <span className={`badge state-${r.status}`}>{r.status}</span>
                    ) : (
                      cell(r, c.key)
                    )}
                  </td>
                ))}
                <td>
                  <label
                    className="check small-text"
                    title={r.excluded ? 'left out of the rankings' : 'counted in the rankings'}
                  >
                    <input
                      type="checkbox"
                      checked={!r.excluded}
                      aria-label={`rank run ${r.id}`}
                      onChange={(e) =>
                        void attempt(`${e.target.checked ? 'include' : 'exclude'} run #${r.id}`, () =>
                          setExcluded(r.id, !e.target.checked),
                        )
                      }
                    />
                    {r.excluded ? 'excluded' : 'in'}
                  </label>
                </td>
                <td>
                  <DeleteButton run={r} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
