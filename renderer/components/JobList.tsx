// Jobs of some kinds with live progress, their last log line or error, and cancel/resume.
import { api } from '../api/client.ts';
import type { Job } from '../api/types.ts';
import { attempt, jobsOfKinds, useApp } from '../store/app.ts';
import { ProgressBar } from './common.tsx';

const RESUMABLE = new Set(['failed', 'cancelled', 'interrupted']);

export function JobRow({ job }: { job: Job }) {
  const lastLog = useApp((s) => s.lastLog[job.id]);
  const upsert = useApp((s) => s.upsertJob);
  const active = job.state === 'running' || job.state === 'queued';
  // A queued job's message may be left from an earlier attempt (e.g. "cancelled before it ran").
  const detail = job.state === 'queued' ? `waiting for the ${job.lane} lane` : (job.error ?? job.message ?? lastLog ?? '');
  return (
    <div className={`job job-${job.state}`} data-job-id={job.id} data-job-kind={job.kind} data-job-state={job.state}>
      <div className="job-line">
        <span className="job-kind">
          {job.kind} <span className="muted">#{job.id}</span>
        </span>
        <span className={`badge state-${job.state}`}>{job.state}</span>
        <span className="job-count">{job.total ? `${job.done.toLocaleString()} / ${job.total.toLocaleString()}` : job.done ? job.done.toLocaleString() : ''}</span>
        {active && (
          <button className="btn small ghost" onClick={() => attempt(`cancel job #${job.id}`, async () => upsert(await api().call('jobs.cancel', { id: job.id })))}>
            Cancel
          </button>
        )}
        {RESUMABLE.has(job.state) && (
          <button className="btn small ghost" onClick={() => attempt(`resume job #${job.id}`, async () => upsert(await api().call('jobs.resume', { id: job.id })))}>
            Resume
          </button>
        )}
      </div>
      {(job.state === 'running' || job.state === 'succeeded') && <ProgressBar done={job.state === 'succeeded' && !job.total ? 1 : job.done} total={job.state === 'succeeded' && !job.total ? 1 : job.total} state={job.state} />}
      {detail && <div className={`job-detail ${job.error ? 'error-text' : ''}`}>{detail}</div>}
    </div>
  );
}

/** `unfinished`: only jobs still queued/running, or that failed or stopped (where the user has something to do). */
export function JobList({ kinds, empty, limit = 6, unfinished = false }: { kinds: readonly string[]; empty?: string; limit?: number; unfinished?: boolean }) {
  const jobs = useApp((s) => s.jobs);
  const list = jobsOfKinds(jobs, kinds)
    .filter((j) => !unfinished || j.state !== 'succeeded')
    .slice(0, limit);
  if (!list.length) return empty ? <div className="muted small-text">{empty}</div> : null;
  return (
    <div className="job-list">
      {list.map((j) => (
        <JobRow key={j.id} job={j} />
      ))}
    </div>
  );
}
