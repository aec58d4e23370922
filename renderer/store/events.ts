// Routes backend events into the slices: job state into the app slice, worker events (training metrics) to whoever
// listens, and finished jobs to the screens whose data they change. Progress and log lines come with every training
// step; they are coalesced per job and applied at most every PROGRESS_FLUSH_MS, so the job list and the activity
// strip re-render a few times a second however fast a worker reports.
import { api } from '../api/client.ts';
import type { Job, JobLog, JobProgress, WorkerEvent } from '../api/types.ts';
import { useApp } from './app.ts';

type Listener<T> = (value: T) => void;
const workerListeners = new Set<Listener<WorkerEvent>>();
const finishedListeners = new Set<Listener<Job>>();

export const PROGRESS_FLUSH_MS = 250;

export function onWorkerEvent(fn: Listener<WorkerEvent>): () => void {
  workerListeners.add(fn);
  return () => workerListeners.delete(fn);
}

/** Called when a job reaches a final state (succeeded, failed, cancelled, interrupted). */
export function onJobFinished(fn: Listener<Job>): () => void {
  finishedListeners.add(fn);
  return () => finishedListeners.delete(fn);
}

const FINAL = new Set(['succeeded', 'failed', 'cancelled', 'interrupted']);

export function connectEvents(): () => void {
  const app = useApp.getState();
  let statusTimer: ReturnType<typeof setTimeout> | undefined;
  const refreshStatusSoon = () => {
    clearTimeout(statusTimer);
    statusTimer = setTimeout(() => void useApp.getState().refreshStatus(), 300);
  };
  const progress = new Map<number, JobProgress>();
  const logs = new Map<number, JobLog>();
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    flushTimer = undefined;
    for (const p of progress.values()) app.progress(p);
    for (const l of logs.values()) app.log(l);
    progress.clear();
    logs.clear();
  };
  const flushSoon = () => {
    flushTimer ??= setTimeout(flush, PROGRESS_FLUSH_MS);
  };
  const off = api().subscribe(
    {
      'job.updated': (job) => {
        // A state change outranks progress still waiting to be applied (it would show a stale count).
        progress.delete(job.id);
        const before = useApp.getState().jobs[job.id];
        app.upsertJob(job);
        if (FINAL.has(job.state) && before?.state !== job.state) {
          for (const fn of finishedListeners) fn(job);
          if (job.state === 'failed')
            app.notify('error', `${job.kind} job #${job.id} failed: ${job.error ?? 'no reason given'}`);
        }
        refreshStatusSoon();
      },
      'job.progress': (p) => {
        progress.set(p.jobId, p);
        flushSoon();
      },
      'job.log': (l) => {
        // Warnings and errors are worth more than the info line after them.
        const prev = logs.get(l.jobId);
        if (!prev || prev.level === 'info' || l.level !== 'info') logs.set(l.jobId, l);
        flushSoon();
      },
      'job.event': (e) => {
        for (const fn of workerListeners) fn(e);
      },
    },
    (connected) => {
      app.setConnected(connected);
      // After a reconnect, catch up on whatever happened meanwhile.
      if (connected) void useApp.getState().refreshJobs();
    },
  );
  return () => {
    off();
    clearTimeout(flushTimer);
    clearTimeout(statusTimer);
  };
}
