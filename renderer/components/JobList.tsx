// Jobs of some kinds with live progress, their last log line or error, cancel/resume, and their whole log (Log). A job that succeeded but
// rejected inputs or produced nothing shows amber with why (`attention`); Resume is offered only where resuming can
// get further (`resumable`: a job that failed before committing any work would fail the same way again).
import { useState } from 'react';
import { api } from '../api/client.ts';
import type { Job } from '../api/types.ts';
import { attempt, jobsOfKinds, useApp } from '../store/app.ts';
import { ProgressBar } from './common.tsx';
import { JobLogDialog } from './JobLog.tsx';

/** The badge a job shows: its state, or "needs a look" for a success with something to check. */
export function jobTone(job: Pick<Job, 'state' | 'attention'>): { cls: string; label: string } {
  if (job.state === 'succeeded' && job.attention) return { cls: 'state-attention', label: 'needs a look' };
  return { cls: `state-${job.state}`, label: job.state };
}

export function cancelJob(job: Pick<Job, 'id'>) {
  return attempt(`cancel job #${job.id}`, async () =>
    useApp.getState().upsertJob(await api().call('jobs.cancel', { id: job.id })),
  );
}

export function JobRow({ job }: { job: Job }) {
  const lastLog = useApp((s) => s.lastLog[job.id]);
  const upsert = useApp((s) => s.upsertJob);
  const [logOpen, setLogOpen] = useState(false);
  const active = job.state === 'running' || job.state === 'queued';
  const tone = jobTone(job);
  // A queued job's message may be left from an earlier attempt (e.g. "cancelled before it ran").
  const detail =
    job.state === 'queued'
      ? `waiting for the ${job.lane} lane`
      : (job.error ?? job.attention ?? job.message ?? lastLog ?? '');
  return (
    <div
      className={`job job-${job.state} ${job.attention ? 'job-attention' : ''}`}
      data-job-id={job.id}
      data-job-kind={job.kind}
      data-job-state={job.state}
      data-job-attention={job.attention ?? undefined}
    >
      <div className="job-line">
        <span className="job-kind">
          {job.kind} <span className="muted">#{job.id}</span>
        </span>
        <span className={`badge ${tone.cls}`}>{tone.label}</span>
        <span className="job-count">
          {job.total
            ? `${job.done.toLocaleString()} / ${job.total.toLocaleString()}`
            : job.done
              ? job.done.toLocaleString()
              : ''}
        </span>
        {active && (
          <button className="btn small ghost" onClick={() => void cancelJob(job)}>
            Cancel
          </button>
        )}
        <button
          className="btn small ghost"
          data-job-log-open={job.id}
          title={`the log of ${job.kind} #${job.id}`}
          onClick={() => setLogOpen(true)}
        >
          Log
        </button>
        {job.resumable && (
          <button
            className="btn small ghost"
            onClick={() =>
              attempt(`resume job #${job.id}`, async () => upsert(await api().call('jobs.resume', { id: job.id })))
            }
          >
            Resume
          </button>
        )}
      </div>
      {(job.state === 'running' || job.state === 'succeeded') && (
        <ProgressBar
          done={job.state === 'succeeded' && !job.total ? 1 : job.done}
          total={job.state === 'succeeded' && !job.total ? 1 : job.total}
          state={job.attention ? 'attention' : job.state}
        />
      )}
      {detail && (
        <div className={`job-detail ${job.error ? 'error-text' : job.attention ? 'warn-text' : ''}`}>{detail}</div>
      )}
      {job.state === 'failed' && !job.resumable && (
        <div className="job-detail muted">It stopped before doing any work: fix the cause and start it again.</div>
      )}
      {logOpen && <JobLogDialog job={job} onClose={() => setLogOpen(false)} />}
    </div>
  );
}

/** `unfinished`: only jobs still queued/running, or that failed or stopped (where the user has something to do). */
export function JobList({
  kinds,
  empty,
  limit = 6,
  unfinished = false,
}: {
  kinds: readonly string[];
  empty?: string;
  limit?: number;
  unfinished?: boolean;
}) {
  const jobs = useApp((s) => s.jobs);
  const list = jobsOfKinds(jobs, kinds)
    .filter((j) => !unfinished || j.state !== 'succeeded' || !!j.attention)
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
