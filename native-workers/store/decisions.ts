// Manual curation decisions (accept/reject a candidate for a class); they override the threshold.
import type { Db } from './workspace.ts';
import { nowIso } from './workspace.ts';

export type Decision = 'accept' | 'reject';

export function setDecision(db: Db, sampleId: number, wnid: string, decision: Decision | null): void {
  if (decision == null) db.prepare(`DELETE FROM decisions WHERE sample_id = ? AND wnid = ?`).run(sampleId, wnid);
  else {
    db.prepare(
      `INSERT INTO decisions (sample_id, wnid, decision, decided_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(sample_id, wnid) DO UPDATE SET decision = excluded.decision, decided_at = excluded.decided_at`,
    ).run(sampleId, wnid, decision, nowIso());
  }
}
