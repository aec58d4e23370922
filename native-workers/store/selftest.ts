// Rows written by the job system's self-test (workers/selftest.ts).
import type { Db } from './workspace.ts';

/** Plain INSERT (no OR IGNORE): a duplicated row would fail loudly, which is what the resume test relies on. */
export function insertSelftestRows(db: Db, jobId: number, from: number, to: number): void {
  const ins = db.prepare(`INSERT INTO selftest_rows (job_id, n) VALUES (?, ?)`);
  for (let n = from; n < to; n++) ins.run(jobId, n);
}

export function selftestRows(db: Db, jobId: number): number[] {
  return (db.prepare(`SELECT n FROM selftest_rows WHERE job_id = ? ORDER BY n`).all(jobId) as { n: number }[]).map((r) => r.n);
}
