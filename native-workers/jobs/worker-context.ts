// What a job kind's worker gets. A worker is `defineWorker({ kind, params, run })`; `run` reads through io/store,
// computes with core, writes with store, and reports progress. Resumable stages write each batch together with their
// cursor through `ctx.commit`, so a SIGKILL between batches loses nothing and repeats nothing.
import { readdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import type { Workspace } from '../store/workspace.ts';
import type { Lane } from '../store/jobs.ts';
import { setJobCursor } from '../store/jobs.ts';
import { recordRejection } from '../store/rejections.ts';

export class JobCancelled extends Error {
  override name = 'JobCancelled';
  constructor() {
    super('cancelled');
  }
}

export interface WorkerContext {
  readonly ws: Workspace;
  readonly jobId: number;
  /** The cursor the last committed batch recorded (null on a first run). */
  readonly cursor: unknown;
  readonly signal: AbortSignal;
  /** Report progress; cheap to call often (throttled). Also checks for cancel. */
  progress(done: number, total?: number | null, message?: string): void;
  log(message: string, level?: 'info' | 'warn' | 'error'): void;
  /** A live event for listeners (UI charts, CLI), e.g. `run.metric`. */
  emit(name: string, payload: unknown): void;
  /** Run `write` and store `cursor` in one transaction. */
  commit<T>(cursor: unknown, write?: () => T): T | undefined;
  /** Record a rejected item (source file, row/entry, reason). Returns false if it was already recorded. */
  reject(source: string, item: string, reason: string): boolean;
  throwIfCancelled(): void;
}

/** Finds the definition of a job kind (workers/registry.ts's `loadWorker`; the runner is given it, not importing it). */
export type WorkerLoader = (kind: string) => Promise<WorkerDefinition<any>>;

export interface WorkerDefinition<P = unknown> {
  kind: string;
  lane?: Lane;
  params: z.ZodType<P>;
  run(ctx: WorkerContext, params: P): Promise<unknown>;
}

export function defineWorker<P>(def: WorkerDefinition<P>): WorkerDefinition<P> {
  return def;
}

/** A job's temporary folder inside the workspace (`.tmp/job-ID`); the runner removes it once the job's worker exits. */
export function jobTempDir(workspaceRoot: string, jobId: number): string {
  return join(workspaceRoot, '.tmp', `job-${jobId}`);
}

/** Remove the temporary folders of the given jobs (all but `keep`: jobs still running), and `.tmp` when empty. */
export function removeJobTempDirs(workspaceRoot: string, keep: (jobId: number) => boolean = () => false): void {
  const tmp = join(workspaceRoot, '.tmp');
  let names: string[];
  try {
    names = readdirSync(tmp);
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^job-(\d+)$/.exec(name);
    if (m && !keep(Number(m[1]))) rmSync(join(tmp, name), { recursive: true, force: true });
  }
  try {
    rmdirSync(tmp); // only when empty
  } catch {
    // still in use
  }
}

export interface ContextHooks {
  send(msg: { type: 'progress'; done: number; total: number | null; message: string | null }): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  emit(name: string, payload: unknown): void;
  persistProgress(done: number, total: number | null, message: string | null): void;
  pollCancel(): boolean;
}

const PROGRESS_INTERVAL_MS = 200;

export function createWorkerContext(
  ws: Workspace,
  jobId: number,
  cursor: unknown,
  controller: AbortController,
  hooks: ContextHooks,
): WorkerContext & { flushProgress(): void } {
  let last = 0;
  let pending: { done: number; total: number | null; message: string | null } | undefined;
  const flush = () => {
    if (!pending) return;
    hooks.persistProgress(pending.done, pending.total, pending.message);
    hooks.send({ type: 'progress', ...pending });
    pending = undefined;
  };
  let currentCursor = cursor;
  const ctx = {
    ws,
    jobId,
    get cursor() {
      return currentCursor;
    },
    signal: controller.signal,
    progress(done: number, total: number | null = null, message?: string) {
      pending = { done, total, message: message ?? null };
      const now = Date.now();
      if (now - last >= PROGRESS_INTERVAL_MS) {
        last = now;
        flush();
        if (!controller.signal.aborted && hooks.pollCancel()) controller.abort();
      }
      ctx.throwIfCancelled();
    },
    log(message: string, level: 'info' | 'warn' | 'error' = 'info') {
      hooks.log(level, message);
    },
    emit(name: string, payload: unknown) {
      hooks.emit(name, payload);
    },
    commit<T>(next: unknown, write?: () => T): T | undefined {
      const out = ws.db.transaction(() => {
        const r = write?.();
        setJobCursor(ws.db, jobId, next);
        return r;
      })();
      currentCursor = next;
      return out;
    },
    reject(source: string, item: string, reason: string) {
      return recordRejection(ws.db, { jobId, source, item, reason });
    },
    throwIfCancelled() {
      if (controller.signal.aborted) throw new JobCancelled();
    },
    flushProgress: flush,
  };
  return ctx;
}
