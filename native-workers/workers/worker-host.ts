// Entry point of a worker process (forked by jobs/runner.ts), and its composition root: the job kinds come from registry.ts. Opens the workspace, runs one job of one kind, reports
// through the protocol, exits. If the parent goes away, the worker stops too: its last committed batch stands and the
// job is found `interrupted` on the next open.
import { openWorkspace } from '../store/workspace.ts';
import { getJob, isCancelRequested, setJobProgress } from '../store/jobs.ts';
import { ParentToWorker, type WorkerToParent } from '../jobs/protocol.ts';
import { createWorkerContext, JobCancelled } from '../jobs/worker-context.ts';
import { loadWorker } from './registry.ts';

function send(msg: WorkerToParent): void {
  if (process.connected) process.send!(msg);
}

/** The final message must reach the parent before the process ends (process.send is asynchronous). */
function sendAndExit(msg: WorkerToParent, code: number): void {
  if (!process.connected) process.exit(code);
  process.send!(msg, () => process.exit(code));
}

const controller = new AbortController();
let started = false;

process.on('disconnect', () => {
  // Parent died (or was killed): stop now. Committed batches are safe; the rest is redone on resume.
  process.exit(70);
});

process.on('message', (raw) => {
  const parsed = ParentToWorker.safeParse(raw);
  if (!parsed.success) {
    send({ type: 'log', level: 'error', message: `worker ignored a malformed message: ${parsed.error.message}` });
    return;
  }
  const msg = parsed.data;
  if (msg.type === 'cancel') {
    controller.abort();
    return;
  }
  if (started) return;
  started = true;
  void runJob(msg.jobId, msg.workspace, msg.kind).then(
    (final) => sendAndExit(final, 0),
    (err) => sendAndExit({ type: 'failed', error: errorText(err) }, 1),
  );
});

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message || String(err);
  return String(err);
}

async function runJob(jobId: number, workspace: string, kind: string): Promise<WorkerToParent> {
  const ws = openWorkspace(workspace);
  try {
    const job = getJob(ws.db, jobId);
    if (!job) throw new Error(`job ${jobId} not found in ${workspace}`);
    const def = await loadWorker(kind);
    const params = def.params.safeParse(job.params);
    if (!params.success) throw new Error(`job ${jobId} (${kind}): invalid parameters: ${params.error.message}`);
    const ctx = createWorkerContext(ws, jobId, job.cursor, controller, {
      send,
      log: (level, message) => send({ type: 'log', level, message }),
      emit: (name, payload) => send({ type: 'event', name, payload }),
      persistProgress: (done, total, message) => setJobProgress(ws.db, jobId, done, total, message),
      pollCancel: () => isCancelRequested(ws.db, jobId),
    });
    try {
      const result = await def.run(ctx, params.data);
      ctx.flushProgress();
      return { type: 'done', result: result ?? null };
    } catch (err) {
      ctx.flushProgress();
      if (err instanceof JobCancelled || controller.signal.aborted) return { type: 'cancelled' };
      throw err;
    }
  } finally {
    ws.close();
  }
}
