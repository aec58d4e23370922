// The job runner: lives in the process that owns a workspace session (CLI command, browser-mode server, Electron
// main). It claims queued jobs, one at a time per lane, runs each in its own worker process, relays what the worker
// reports, and records how it ended. A worker that dies without saying why marks its job failed; the queue goes on.
// Several processes may share a workspace: a job waited for here may be claimed by another runner (a `serve` picks up
// what a CLI queued). Such a job is followed through its row in SQLite (progress, then its end) until it ends.
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import type { Workspace } from '../store/workspace.ts';
import {
  claimNextJob,
  createJob,
  finishJob,
  getJob,
  markDeadJobsInterrupted,
  requestCancel,
  requeueJob,
  setJobPid,
  type JobRow,
  type JobState,
  type Lane,
} from '../store/jobs.ts';
import { JobLogWriter, type LogLevel } from '../store/job-logs.ts';
import { WorkerToParent } from './protocol.ts';
import { removeJobTempDirs, type WorkerLoader } from './worker-context.ts';

export interface RunnerEvents {
  /** A job changed state (queued, running, finished). */
  job: [JobRow];
  progress: [{ jobId: number; done: number; total: number | null; message: string | null }];
  log: [{ jobId: number; level: 'info' | 'warn' | 'error'; message: string }];
  /** A worker's own live event (e.g. `run.metric`). */
  event: [{ jobId: number; name: string; payload: unknown }];
}

/** How long a worker gets to stop after a cancel before it is killed. */
const CANCEL_GRACE_MS = 5000;
/** How often rows of jobs waited for but run by another process are read. */
const FOLLOW_MS = 500;
/** How often a running job's progress is written to its log (the row always has the latest). */
const LOG_PROGRESS_MS = 60_000;

const isFinal = (state: JobState) => state !== 'queued' && state !== 'running';

function workerEntry(): { file: string; execArgv: string[] } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    // Running from source: the worker is TypeScript too, loaded through tsx.
    return {
      file: fileURLToPath(new URL('../workers/worker-host.ts', here)),
      execArgv: ['--import', import.meta.resolve('tsx')],
    };
  }
  const bundled = fileURLToPath(new URL('./worker-host.mjs', here));
  if (!existsSync(bundled)) throw new Error(`worker entry ${bundled} is missing from this build`);
  return { file: bundled, execArgv: [] };
}

export interface RunnerOptions {
  /** The job kinds (workers/registry.ts's `loadWorker`, given by the process that builds the runner). */
  workers: WorkerLoader;
  /** Only run these job ids (a CLI command running its own job); default: the whole queue. */
  onlyIds?: number[];
  /** Extra environment for worker processes. */
  env?: NodeJS.ProcessEnv;
}

export class JobRunner extends EventEmitter<RunnerEvents> {
  private readonly active = new Map<Lane, { job: JobRow; child: ChildProcess; log: JobLogWriter }>();
  private stopped = false;
  private onlyIds: number[] | undefined;
  private readonly waiters = new Map<number, ((job: JobRow) => void)[]>();
  private pollTimer: NodeJS.Timeout | undefined;
  private followTimer: NodeJS.Timeout | undefined;
  /** Jobs waited for that another process runs: the progress last reported for each. */
  private readonly followed = new Map<number, string>();

  constructor(
    private readonly ws: Workspace,
    private readonly opts: RunnerOptions,
  ) {
    super();
    this.onlyIds = opts.onlyIds;
    markDeadJobsInterrupted(ws.db);
    // Temporary files of jobs whose worker is gone (killed, crashed, cancelled) are not needed to resume them.
    removeJobTempDirs(ws.paths.root, (id) => getJob(ws.db, id)?.state === 'running');
  }

  /** Queue a job of `kind`; its lane comes from the worker definition. Validates params before queueing. */
  async enqueue(kind: string, params: unknown): Promise<JobRow> {
    const def = await this.opts.workers(kind);
    const parsed = def.params.safeParse(params);
    if (!parsed.success) throw new Error(`invalid parameters for ${kind}: ${parsed.error.message}`);
    const id = createJob(this.ws.db, kind, parsed.data, def.lane ?? 'data');
    if (this.onlyIds) this.onlyIds.push(id);
    const job = getJob(this.ws.db, id)!;
    this.emit('job', job);
    this.pump();
    return job;
  }

  /** Start processing the queue; keeps polling for jobs queued by other processes. */
  start(pollMs = 1000): this {
    this.pump();
    if (!this.pollTimer) {
      this.pollTimer = setInterval(() => this.pump(), pollMs);
      this.pollTimer.unref();
    }
    return this;
  }

  resume(id: number): JobRow {
    const job = requeueJob(this.ws.db, id);
    if (this.onlyIds && !this.onlyIds.includes(id)) this.onlyIds.push(id);
    this.emit('job', job);
    this.pump();
    return job;
  }

  cancel(id: number): JobRow | undefined {
    const job = requestCancel(this.ws.db, id);
    if (!job) return undefined;
    for (const { job: running, child } of this.active.values()) {
      if (running.id !== id) continue;
      child.send({ type: 'cancel' });
      setTimeout(() => {
        if (child.exitCode == null && child.signalCode == null) child.kill('SIGKILL');
      }, CANCEL_GRACE_MS).unref();
    }
    this.emit('job', job);
    return job;
  }

  /**
   * Resolves when the job reaches a final state, wherever it runs: a job run by another process is followed through
   * its row (its progress re-emitted as 'progress' events) and, while anything is waited for, a timer keeps this
   * process alive.
   */
  waitFor(id: number): Promise<JobRow> {
    const job = getJob(this.ws.db, id);
    if (job && isFinal(job.state)) return Promise.resolve(job);
    return new Promise((resolve) => {
      const list = this.waiters.get(id) ?? [];
      list.push(resolve);
      this.waiters.set(id, list);
      this.followTimer ??= setInterval(() => this.follow(), FOLLOW_MS);
    });
  }

  /** Jobs waited for here that this runner is not running: their rows say how they go and when they end. */
  private follow(): void {
    const mine = new Set([...this.active.values()].map((a) => a.job.id));
    for (const id of [...this.waiters.keys()]) {
      if (mine.has(id)) continue;
      let job = getJob(this.ws.db, id);
      if (job?.state === 'running' && markDeadJobsInterrupted(this.ws.db) > 0) job = getJob(this.ws.db, id);
      if (!job) continue;
      if (job.state === 'running') {
        if (!this.followed.has(id)) {
          this.emit('log', {
            jobId: id,
            level: 'info',
            message: `running in another process${job.pid ? ` (pid ${job.pid})` : ''}: following it here`,
          });
        }
        const seen = `${job.done}/${job.total}/${job.message}`;
        if (this.followed.get(id) !== seen) {
          this.followed.set(id, seen);
          this.emit('progress', { jobId: id, done: job.done, total: job.total, message: job.message });
        }
      } else if (isFinal(job.state)) this.settle(job);
    }
    if (!this.waiters.size && this.followTimer) {
      clearInterval(this.followTimer);
      this.followTimer = undefined;
    }
  }

  /** A job ended: tell whoever listens and waits. */
  private settle(final: JobRow): void {
    this.followed.delete(final.id);
    this.emit('job', final);
    for (const w of this.waiters.get(final.id) ?? []) w(final);
    this.waiters.delete(final.id);
  }

  /** Stop taking jobs and cancel what is running. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    const running = [...this.active.values()];
    for (const { job } of running) this.cancel(job.id);
    await Promise.all(running.map(({ job }) => this.waitFor(job.id)));
  }

  isBusy(): boolean {
    return this.active.size > 0;
  }

  private pump(): void {
    if (this.stopped) return;
    for (const lane of ['data', 'train'] as const) {
      if (this.active.has(lane)) continue;
      const job = claimNextJob(this.ws.db, lane, this.onlyIds);
      if (job) this.launch(lane, job);
    }
  }

  /** A line of a job run here: into its log file, and to listeners. */
  private logLine(log: JobLogWriter, jobId: number, level: LogLevel, message: string): void {
    log.write(level, message);
    this.emit('log', { jobId, level, message });
  }

  private relayOutput(
    log: JobLogWriter,
    jobId: number,
    stream: NodeJS.ReadableStream | null,
    level: 'info' | 'warn',
  ): void {
    if (!stream) return;
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      if (line.trim()) this.logLine(log, jobId, level, line);
    });
  }

  private launch(lane: Lane, job: JobRow): void {
    const log = new JobLogWriter(this.ws.paths.logs, job.id);
    let child: ChildProcess;
    try {
      const entry = workerEntry();
      child = fork(entry.file, [], {
        execArgv: entry.execArgv,
        env: { ...process.env, ...this.opts.env },
        // A library's console output inside a worker must not land in the CLI's stdout (it would break --json):
        // it becomes the job's log instead.
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        serialization: 'advanced',
      });
    } catch (err) {
      log.write('error', `could not start a worker process: ${(err as Error).message}`);
      log.close();
      throw err;
    }
    const params = JSON.stringify(job.params);
    log.write(
      'info',
      `${job.kind} job ${job.id} started, attempt ${job.attempts}${job.attempts > 1 ? ' (continues from its last committed batch)' : ''}, ` +
        `worker pid ${child.pid ?? '?'}, params ${params.length > 4000 ? `${params.slice(0, 4000)}...` : params}`,
    );
    this.relayOutput(log, job.id, child.stdout, 'info');
    this.relayOutput(log, job.id, child.stderr, 'warn');
    this.active.set(lane, { job, child, log });
    setJobPid(this.ws.db, job.id, child.pid ?? null);
    this.emit('job', getJob(this.ws.db, job.id)!);
    let progressLogged = Date.now();

    let outcome: WorkerToParent | undefined;
    child.on('message', (raw) => {
      const parsed = WorkerToParent.safeParse(raw);
      if (!parsed.success) {
        this.logLine(log, job.id, 'error', `malformed worker message: ${parsed.error.message}`);
        return;
      }
      const msg = parsed.data;
      switch (msg.type) {
        case 'progress':
          this.emit('progress', { jobId: job.id, done: msg.done, total: msg.total, message: msg.message });
          if (Date.now() - progressLogged >= LOG_PROGRESS_MS) {
            progressLogged = Date.now();
            log.write(
              'info',
              `progress ${msg.done}${msg.total != null ? `/${msg.total}` : ''}${msg.message ? `: ${msg.message}` : ''}`,
            );
          }
          break;
        case 'log':
          this.logLine(log, job.id, msg.level, msg.message);
          break;
        case 'event':
          this.emit('event', { jobId: job.id, name: msg.name, payload: msg.payload });
          break;
        default:
          outcome = msg;
      }
    });
    child.on('error', (err) => {
      outcome ??= { type: 'failed', error: `could not start worker: ${err.message}` };
    });
    child.once('close', (code, signal) => {
      this.active.delete(lane);
      removeJobTempDirs(this.ws.paths.root, (id) => id !== job.id);
      const current = getJob(this.ws.db, job.id);
      if (current?.state === 'running') {
        const end = endOf(outcome, current.cancelRequested, code, signal);
        // The log's last line is written before the row says the job ended: a reader following the log until the
        // job ends (`jobs log --follow`) reads it.
        log.write(end.level, end.line);
        finishJob(this.ws.db, job.id, end.state, end.fields);
      }
      log.close();
      this.settle(getJob(this.ws.db, job.id)!);
      this.pump();
    });
    child.send({ type: 'start', jobId: job.id, workspace: this.ws.paths.root, kind: job.kind });
  }
}

/** How an attempt ended, from what the worker said (if anything) and how its process exited; and the log's last line. */
function endOf(
  outcome: WorkerToParent | undefined,
  cancelRequested: boolean,
  code: number | null,
  signal: NodeJS.Signals | null,
): {
  state: 'succeeded' | 'cancelled' | 'failed';
  fields: { result?: unknown; message?: string; error?: string };
  level: LogLevel;
  line: string;
} {
  const exit = signal ? `worker killed by ${signal}` : `worker exit code ${code}`;
  if (outcome?.type === 'done') {
    const result = JSON.stringify(outcome.result) ?? 'null';
    const shown = result.length > 4000 ? `${result.slice(0, 4000)}...` : result;
    return {
      state: 'succeeded',
      fields: { result: outcome.result },
      level: 'info',
      line: `succeeded (${exit}), result ${shown}`,
    };
  }
  if (outcome?.type === 'cancelled' || cancelRequested) {
    return { state: 'cancelled', fields: { message: 'cancelled' }, level: 'warn', line: `cancelled (${exit})` };
  }
  const error =
    outcome?.type === 'failed'
      ? outcome.error
      : `worker process ${signal ? `was killed by ${signal}` : `exited with code ${code}`} before finishing`;
  return { state: 'failed', fields: { error }, level: 'error', line: `failed (${exit}): ${error}` };
}
