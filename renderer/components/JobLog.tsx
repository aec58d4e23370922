// A job's log in a dialog: the workspace's logs/job-<id>.log read through `jobs.log` (the same lines as
// `imagenot jobs log WS ID`), levels coloured, filtered by level, and followed while the job runs: the dialog reads on
// from its cursor every second until the job has ended, and keeps the view at the newest line unless the user has
// scrolled up. At most MAX_LINES lines are kept on screen (the oldest go first); the file keeps them all.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { api } from '../api/client.ts';
import type { Job, JobLogLine, JobLogResponse } from '../api/types.ts';
import { useApp } from '../store/app.ts';
import { Modal } from './Modal.tsx';

const LEVELS = ['info', 'warn', 'error'] as const;
type Level = (typeof LEVELS)[number];
const POLL_MS = 1000;
/** The dialog starts with the log's last lines: a multi-hour run's log can hold tens of thousands. */
const INITIAL_TAIL = 2000;
const MAX_LINES = 5000;

/** The time of day of an ISO time, in the viewer's zone (the full time is in the line's tooltip). */
function clock(iso: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString([], { hour12: false });
}

export function JobLogDialog({ job, onClose }: { job: Pick<Job, 'id' | 'kind'>; onClose(): void }) {
  const state = useApp((s) => s.jobs[job.id]?.state);
  const running = state === 'running' || state === 'queued';
  const [lines, setLines] = useState<JobLogLine[]>([]);
  const [ended, setEnded] = useState(false);
  const [dropped, setDropped] = useState(0);
  const [truncated, setTruncated] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState<Record<Level, boolean>>({ info: true, warn: true, error: true });
  const [follow, setFollow] = useState(true);
  const cursor = useRef<JobLogResponse['next'] | null>(null);
  const box = useRef<HTMLDivElement>(null);

  // Read the tail once, then on from the cursor while the job may still write (again after a resume).
  // biome-ignore lint/correctness/useExhaustiveDependencies: `running` restarts the reader when a finished job is resumed
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      try {
        const first = cursor.current == null;
        const res = await api().call(
          'jobs.log',
          first ? { id: job.id, tail: INITIAL_TAIL } : { id: job.id, after: cursor.current!, limit: 2000 },
        );
        if (stopped) return;
        cursor.current = res.next;
        setDropped(res.dropped);
        setEnded(res.ended);
        setError(null);
        if (res.lines.length) {
          setLines((prev) => {
            const all = first ? res.lines : prev.concat(res.lines);
            if (all.length > MAX_LINES || (first && res.lines.length >= INITIAL_TAIL)) setTruncated(true);
            return all.length > MAX_LINES ? all.slice(all.length - MAX_LINES) : all;
          });
        }
        if (res.more) return void read();
        if (!res.ended) timer = setTimeout(() => void read(), POLL_MS);
      } catch (err) {
        if (stopped) return;
        setError((err as Error).message);
        timer = setTimeout(() => void read(), POLL_MS * 5);
      }
    };
    void read();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
    // `running` restarts the reader when a finished job is resumed while the dialog is open.
  }, [job.id, running]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: new lines and a changed level filter move the end of the log
  useLayoutEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines, follow, shown]);

  const onScroll = () => {
    const el = box.current;
    if (!el) return;
    const atEnd = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
    if (atEnd !== follow) setFollow(atEnd);
  };

  const counts = { info: 0, warn: 0, error: 0 };
  for (const l of lines) counts[l.level]++;
  const visible = lines.filter((l) => shown[l.level]);
  const live = running || !ended;

  return (
    <Modal title={`${job.kind} #${job.id}: log`} onClose={onClose} wide>
      <div className="job-log-bar" data-job-log-bar={job.id}>
        {LEVELS.map((level) => (
          <label key={level} className={`job-log-toggle log-${level}`}>
            <input
              type="checkbox"
              checked={shown[level]}
              data-log-filter={level}
              onChange={(e) => setShown((s) => ({ ...s, [level]: e.target.checked }))}
            />
            {level} <span className="muted">{counts[level].toLocaleString()}</span>
          </label>
        ))}
        <label className="job-log-toggle">
          <input type="checkbox" checked={follow} data-log-follow onChange={(e) => setFollow(e.target.checked)} />
          follow
        </label>
        <span className={`badge ${live ? 'state-running' : ''}`} data-log-live={live ? 'yes' : 'no'}>
          {live ? 'live' : 'ended'}
        </span>
      </div>
      {error && <div className="error-box">Cannot read the log: {error}</div>}
      {(truncated || dropped > 0) && (
        <div className="muted small-text">
          Showing the latest lines
          {dropped > 0 ? `; ${dropped.toLocaleString()} lines in the middle of this long log were not kept` : ''}. The
          whole file: <code>imagenot jobs log WS {job.id}</code>
        </div>
      )}
      <div className="job-log" ref={box} onScroll={onScroll} data-job-log={job.id} role="log" aria-live="off">
        {visible.length === 0 && (
          <div className="muted">
            {lines.length
              ? 'No lines at the chosen levels.'
              : ended
                ? 'This job wrote no log.'
                : 'Waiting for the first line…'}
          </div>
        )}
        {visible.map((l, i) => (
          <div key={i} className={`log-line log-${l.level}`} data-level={l.level}>
            <span className="log-time" title={l.time}>
              {clock(l.time)}
            </span>
            <span className="log-level">{l.level}</span>
            <span className="log-msg">{l.message}</span>
          </div>
        ))}
      </div>
    </Modal>
  );
}
