// Rejected items: a bad row, entry or file becomes a row here with a reason a person understands.
import type { Db } from './workspace.ts';
import { nowIso } from './workspace.ts';

export interface Rejection {
  source: string;
  item: string;
  reason: string;
}

export function recordRejection(db: Db, r: Rejection & { jobId?: number | null }): boolean {
  const info = db
    .prepare(`INSERT OR IGNORE INTO rejections (job_id, source, item, reason, at) VALUES (?, ?, ?, ?, ?)`)
    .run(r.jobId ?? null, r.source, r.item, r.reason, nowIso());
  return info.changes > 0;
}

export function listRejections(db: Db, opts: { jobId?: number; limit?: number } = {}): Rejection[] {
  const where = opts.jobId != null ? 'WHERE job_id = ?' : '';
  const args: unknown[] = opts.jobId != null ? [opts.jobId] : [];
  return db
    .prepare(`SELECT source, item, reason FROM rejections ${where} ORDER BY id LIMIT ?`)
    .all(...args, opts.limit ?? 100000) as Rejection[];
}

export function countRejections(db: Db, jobId?: number): number {
  const r = (
    jobId != null
      ? db.prepare(`SELECT COUNT(*) n FROM rejections WHERE job_id = ?`).get(jobId)
      : db.prepare(`SELECT COUNT(*) n FROM rejections`).get()
  ) as { n: number };
  return r.n;
}

/** A rejection seen again by a later job (same source, item, reason) is attributed to that job, so it reports it too. */
export function reassignRejection(db: Db, r: Rejection & { jobId: number }): void {
  db.prepare(`UPDATE rejections SET job_id = ?, at = ? WHERE source = ? AND item = ? AND reason = ?`).run(
    r.jobId,
    nowIso(),
    r.source,
    r.item,
    r.reason,
  );
}

/** One page of rejections (oldest first) and how many there are in all. */
export function pageRejections(db: Db, offset: number, limit: number): { total: number; items: Rejection[] } {
  const items = db
    .prepare(`SELECT source, item, reason FROM rejections ORDER BY id LIMIT ? OFFSET ?`)
    .all(limit, offset) as Rejection[];
  return { total: countRejections(db), items };
}

/** Rejections recorded for a source file (by path), attributed to `jobId` so a repeated ingest reports them again. */
export function reassignSourceRejections(db: Db, jobId: number, sources: string[]): number {
  let n = 0;
  const st = db.prepare(`UPDATE rejections SET job_id = ? WHERE source = ?`);
  for (const s of new Set(sources)) n += st.run(jobId, s).changes;
  return n;
}
