// Turns the JobRunner's events into the API's events (`job.updated`, `job.progress`, `job.log`, `job.event`), each
// checked against its schema in api/contract.ts. Both transports (WebSocket here, IPC in electron/) use this.
import type { JobRunner } from '../jobs/runner.ts';
import { events, type EventName } from '../api/contract.ts';
import { publicJob } from '../store/jobs.ts';

export type EventSink = (name: EventName, payload: unknown) => void;

/** Relay every runner event to `sink`; returns a function that stops relaying. */
export function relayRunnerEvents(runner: JobRunner, sink: EventSink): () => void {
  const send = (name: EventName, payload: unknown) => {
    const checked = events[name].safeParse(payload);
    if (checked.success) sink(name, checked.data);
  };
  const onJob = (job: Parameters<typeof publicJob>[0]) => send('job.updated', publicJob(job));
  const onProgress = (p: unknown) => send('job.progress', p);
  const onLog = (l: unknown) => send('job.log', l);
  const onEvent = (e: unknown) => send('job.event', e);
  runner.on('job', onJob);
  runner.on('progress', onProgress);
  runner.on('log', onLog);
  runner.on('event', onEvent);
  return () => {
    runner.off('job', onJob);
    runner.off('progress', onProgress);
    runner.off('log', onLog);
    runner.off('event', onEvent);
  };
}
