// Job rows: the queue's state lives in SQLite so any process (CLI, server, Electron) sees the same jobs.
import { readFileSync } from 'node:fs';
import type { Db } from './workspace.ts';
import { nowIso } from './workspace.ts';
import { countRejections } from './rejections.ts';
import { jobAttention } from '../core/jobs/outcome.ts';

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export type JobState = (typeof JOB_STATES)[number];
export type Lane = 'data' | 'train';

export interface JobRow {
  id: number;
  kind: string;
  lane: Lane;
  params: unknown;
  state: JobState;
  done: number;
  total: number | null;
  message: string | null;
  error: string | null;
  cursor: unknown;
  result: unknown;
  pid: number | null;
  cancelRequested: boolean;
  attempts: number;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  /** Why a succeeded job still needs a look (rejected inputs, nothing produced); null when it ran clean. */
  attention: string | null;
}

interface RawJob {
  id: number;
  kind: string;
  lane: Lane;
  params: string;
  state: JobState;
  done: number;
  total: number | null;
  message: string | null;
  error: string | null;
  cursor: string | null;
  result: string | null;
  pid: number | null;
  cancel_requested: number;
  attempts: number;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  attention: string | null;
}

function parseJson(text: string | null): unknown {
  return text == null ? null : JSON.parse(text);
}

function toJob(r: RawJob): JobRow {
  return {
    id: r.id,
    kind: r.kind,
    lane: r.lane,
    params: parseJson(r.params),
    state: r.state,
    done: r.done,
    total: r.total,
    message: r.message,
    error: r.error,
    cursor: parseJson(r.cursor),
    result: parseJson(r.result),
    pid: r.pid,
    cancelRequested: r.cancel_requested === 1,
    attempts: r.attempts,
    createdAt: r.created_at,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    attention: r.attention ?? null,
  };
}

export function createJob(db: Db, kind: string, params: unknown, lane: Lane = 'data'): number {
  const info = db
    .prepare(`INSERT INTO jobs (kind, lane, params, state, created_at) VALUES (?, ?, ?, 'queued', ?)`)
    .run(kind, lane, JSON.stringify(params ?? {}), nowIso());
  return Number(info.lastInsertRowid);
}

export function getJob(db: Db, id: number): JobRow | undefined {
  const r = db.prepare(`SELECT * FROM jobs WHERE id = ?`).get(id) as RawJob | undefined;
  return r && toJob(r);
}

export function listJobs(db: Db, opts: { states?: JobState[]; limit?: number } = {}): JobRow[] {
  const where = opts.states?.length ? `WHERE state IN (${opts.states.map(() => '?').join(',')})` : '';
  const rows = db
    .prepare(`SELECT * FROM jobs ${where} ORDER BY id DESC LIMIT ?`)
    .all(...(opts.states ?? []), opts.limit ?? 1000) as RawJob[];
  return rows.map(toJob);
}

/** Atomically take the oldest queued job of a lane (so two runners never start the same job). */
export function claimNextJob(db: Db, lane: Lane, onlyIds?: number[]): JobRow | undefined {
  return db
    .transaction(() => {
      const filter = onlyIds ? `AND id IN (${onlyIds.map(() => '?').join(',') || 'NULL'})` : '';
      const r = db
        .prepare(`SELECT * FROM jobs WHERE state = 'queued' AND lane = ? ${filter} ORDER BY id LIMIT 1`)
        .get(lane, ...(onlyIds ?? [])) as RawJob | undefined;
      if (!r) return undefined;
      db.prepare(
        `UPDATE jobs SET state = 'running', attempts = attempts + 1, started_at = ?, ended_at = NULL, error = NULL,
       cancel_requested = 0, pid = ? WHERE id = ?`,
      ).run(nowIso(), process.pid, r.id);
      return getJob(db, r.id);
    })
    .immediate();
}

export function setJobPid(db: Db, id: number, pid: number | null): void {
  db.prepare(`UPDATE jobs SET pid = ? WHERE id = ?`).run(pid, id);
}

export function setJobProgress(db: Db, id: number, done: number, total: number | null, message: string | null): void {
  db.prepare(`UPDATE jobs SET done = ?, total = ?, message = COALESCE(?, message) WHERE id = ?`).run(
    done,
    total,
    message,
    id,
  );
}

export function setJobCursor(db: Db, id: number, cursor: unknown): void {
  db.prepare(`UPDATE jobs SET cursor = ? WHERE id = ?`).run(JSON.stringify(cursor), id);
}

export function finishJob(
  db: Db,
  id: number,
  state: Exclude<JobState, 'queued' | 'running'>,
  fields: { error?: string | null; result?: unknown; message?: string | null } = {},
): void {
  const job = getJob(db, id);
  const attention =
    state === 'succeeded' && job ? jobAttention(job.kind, fields.result ?? job.result, countRejections(db, id)) : null;
  db.prepare(
    `UPDATE jobs SET state = ?, error = ?, result = COALESCE(?, result), message = COALESCE(?, message), ended_at = ?,
     pid = NULL, attention = ? WHERE id = ?`,
  ).run(
    state,
    fields.error ?? null,
    fields.result === undefined ? null : JSON.stringify(fields.result),
    fields.message ?? null,
    nowIso(),
    attention,
    id,
  );
}

export function requestCancel(db: Db, id: number): JobRow | undefined {
  const job = getJob(db, id);
  if (!job) return undefined;
  if (job.state === 'queued' || job.state === 'interrupted') {
    finishJob(db, id, 'cancelled', { message: 'cancelled before it ran' });
  } else if (job.state === 'running') {
    db.prepare(`UPDATE jobs SET cancel_requested = 1 WHERE id = ?`).run(id);
  }
  return getJob(db, id);
}

export function isCancelRequested(db: Db, id: number): boolean {
  const r = db.prepare(`SELECT cancel_requested FROM jobs WHERE id = ?`).get(id) as
    | { cancel_requested: number }
    | undefined;
  return r?.cancel_requested === 1;
}

/** Put an unfinished job back in the queue; its cursor is kept so the stage continues where it stopped. */
export function requeueJob(db: Db, id: number): JobRow {
  const job = getJob(db, id);
  if (!job) throw new Error(`no job ${id}`);
  if (job.state === 'running' || job.state === 'queued' || job.state === 'succeeded') {
    throw new Error(`job ${id} is ${job.state}; only interrupted, failed or cancelled jobs can be resumed`);
  }
  db.prepare(
    `UPDATE jobs SET state = 'queued', error = NULL, message = 'queued to resume', ended_at = NULL, cancel_requested = 0 WHERE id = ?`,
  ).run(id);
  return getJob(db, id)!;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed process whose parent died may linger as a zombie until reaped: it still answers signal 0.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS, Windows): trust signal 0
  }
}

/** Jobs left `running` by a process that no longer exists become `interrupted` (resumable). */
export function markDeadJobsInterrupted(db: Db): number {
  const running = db.prepare(`SELECT id, pid FROM jobs WHERE state = 'running'`).all() as {
    id: number;
    pid: number | null;
  }[];
  let n = 0;
  for (const j of running) {
    if (j.pid != null && processAlive(j.pid)) continue;
    db.prepare(
      `UPDATE jobs SET state = 'interrupted', pid = NULL, ended_at = ?, error = COALESCE(error, 'the process running it stopped') WHERE id = ? AND state = 'running'`,
    ).run(nowIso(), j.id);
    n++;
  }
  return n;
}

/**
 * Whether resuming can get further: an interrupted or cancelled job always; a failed one only if it had committed
 * work (a cursor). A job that failed before its first batch (no export to train on, a missing model) would fail the
 * same way again: start a new one once the cause is fixed.
 */
export function isResumable(j: Pick<JobRow, 'state' | 'cursor'>): boolean {
  return j.state === 'interrupted' || j.state === 'cancelled' || (j.state === 'failed' && j.cursor != null);
}

/** A job as shown to users and the API: without the runner's internals (pid, cursor, attempts). */
export function publicJob(j: JobRow) {
  return {
    id: j.id,
    kind: j.kind,
    lane: j.lane,
    params: j.params,
    state: j.state,
    done: j.done,
    total: j.total,
    message: j.message,
    error: j.error,
    result: j.result,
    createdAt: j.createdAt,
    startedAt: j.startedAt,
    endedAt: j.endedAt,
    attention: j.attention,
    resumable: isResumable(j),
  };
}
export type PublicJob = ReturnType<typeof publicJob>;
