// Manual curation decisions (accept/reject a candidate for a class); they override the threshold. `decisions` holds
// the current one per (sample, class); every change is also appended to `decision_log` with the decision it replaced,
// grouped in a batch (one key press, or one bulk action), so the history can be shown and a batch undone. Every write
// bumps meta 'decisions_version' (cached per-class decision adjustments and selections' staleness read it).
import type { Db } from './workspace.ts';
import { nowIso } from './workspace.ts';
import { getMeta, setMeta } from './meta.ts';

export type Decision = 'accept' | 'reject';

const VERSION_KEY = 'decisions_version';

export function decisionsVersion(db: Db): string {
  return getMeta(db, VERSION_KEY) ?? '0';
}

export interface DecisionChange {
  sampleId: number;
  wnid: string;
  decision: Decision | null;
}

/** Apply changes as one batch (unchanged ones are skipped). Returns the batch number and how many changed. */
export function applyDecisions(db: Db, changes: readonly DecisionChange[]): { batch: number; changed: number } {
  return db.transaction(() => {
    const batch = ((db.prepare(`SELECT MAX(batch) b FROM decision_log`).get() as { b: number | null }).b ?? 0) + 1;
    const at = nowIso();
    const current = db.prepare(`SELECT decision FROM decisions WHERE sample_id = ? AND wnid = ?`).pluck();
    const del = db.prepare(`DELETE FROM decisions WHERE sample_id = ? AND wnid = ?`);
    const upsert = db.prepare(
      `INSERT INTO decisions (sample_id, wnid, decision, decided_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(sample_id, wnid) DO UPDATE SET decision = excluded.decision, decided_at = excluded.decided_at`,
    );
    const log = db.prepare(
      `INSERT INTO decision_log (batch, sample_id, wnid, decision, previous, decided_at) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    let changed = 0;
    for (const c of changes) {
      const previous = (current.get(c.sampleId, c.wnid) as Decision | undefined) ?? null;
      if (previous === c.decision) continue;
      if (c.decision == null) del.run(c.sampleId, c.wnid);
      else upsert.run(c.sampleId, c.wnid, c.decision, at);
      log.run(batch, c.sampleId, c.wnid, c.decision, previous, at);
      changed++;
    }
    if (changed) setMeta(db, VERSION_KEY, String(Number(decisionsVersion(db)) + 1));
    return { batch, changed };
  })();
}

export function setDecision(
  db: Db,
  sampleId: number,
  wnid: string,
  decision: Decision | null,
): { batch: number; changed: number } {
  return applyDecisions(db, [{ sampleId, wnid, decision }]);
}

/**
 * Undo a batch: every candidate it changed gets back the decision it had before, unless a later batch changed it
 * again (that later choice stands). The undo is itself a new batch.
 */
export function undoBatch(db: Db, batch: number): { batch: number; changed: number; skipped: number } {
  return db.transaction(() => {
    const rows = db
      .prepare(
        `SELECT l.sample_id sampleId, l.wnid, l.previous,
                NOT EXISTS (SELECT 1 FROM decision_log later WHERE later.sample_id = l.sample_id AND later.wnid = l.wnid AND later.batch > l.batch) latest
         FROM decision_log l WHERE l.batch = ?`,
      )
      .all(batch) as { sampleId: number; wnid: string; previous: Decision | null; latest: number }[];
    const restore = rows
      .filter((r) => r.latest === 1)
      .map((r) => ({ sampleId: r.sampleId, wnid: r.wnid, decision: r.previous }));
    const out = applyDecisions(db, restore);
    return { ...out, skipped: rows.length - restore.length };
  })();
}

export interface DecisionEvent {
  batch: number;
  decision: Decision | null;
  previous: Decision | null;
  at: string;
  /** How many candidates the batch changed (1 for a key press, more for a bulk action). */
  batchSize: number;
}

/** A candidate's decisions, oldest first (a decision older than the log shows as one event without a batch). */
export function decisionHistory(db: Db, sampleId: number, wnid: string): DecisionEvent[] {
  const events = db
    .prepare(
      `SELECT l.batch, l.decision, l.previous, l.decided_at at, (SELECT COUNT(*) FROM decision_log b WHERE b.batch = l.batch) batchSize
       FROM decision_log l WHERE l.sample_id = ? AND l.wnid = ? ORDER BY l.id`,
    )
    .all(sampleId, wnid) as DecisionEvent[];
  if (events.length) return events;
  const d = db
    .prepare(`SELECT decision, decided_at at FROM decisions WHERE sample_id = ? AND wnid = ?`)
    .get(sampleId, wnid) as { decision: Decision; at: string } | undefined;
  return d ? [{ batch: 0, decision: d.decision, previous: null, at: d.at, batchSize: 1 }] : [];
}

/** The current decisions of one class, by sample id. */
export function classDecisions(db: Db, wnid: string): Map<number, Decision> {
  const out = new Map<number, Decision>();
  for (const [id, d] of db
    .prepare(`SELECT sample_id, decision FROM decisions WHERE wnid = ?`)
    .raw()
    .iterate(wnid) as Iterable<[number, Decision]>) {
    out.set(id, d);
  }
  return out;
}

/** The newest log entry's id: a selection records it, and decisions made since make the selection stale. */
export function lastDecisionId(db: Db): number {
  return (db.prepare(`SELECT MAX(id) n FROM decision_log`).get() as { n: number | null }).n ?? 0;
}

export function decisionsSince(db: Db, afterId: number): number {
  return (db.prepare(`SELECT COUNT(*) n FROM decision_log WHERE id > ?`).get(afterId) as { n: number }).n;
}
