// Routes backend events into the slices: job state and progress into the app slice, worker events (training
// metrics) to whoever listens, and finished jobs to the screens whose data they change.
import { api } from '../api/client.ts';
import type { Job } from '../api/types.ts';
import { useApp, type WorkerEvent } from './app.ts';

type Listener<T> = (value: T) => void;
const workerListeners = new Set<Listener<WorkerEvent>>();
const finishedListeners = new Set<Listener<Job>>();

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
  return api().subscribe(
    {
      'job.updated': (job) => {
        const before = useApp.getState().jobs[job.id];
        app.upsertJob(job);
        if (FINAL.has(job.state) && before?.state !== job.state) {
          for (const fn of finishedListeners) fn(job);
          if (job.state === 'failed') app.notify('error', `${job.kind} job #${job.id} failed: ${job.error ?? 'no reason given'}`);
        }
        refreshStatusSoon();
      },
      'job.progress': (p) => app.progress(p),
      'job.log': (l) => app.log(l),
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
}
