// A job kind for testing the job system itself: writes `rows` numbered rows in batches with a cursor, optionally
// slowly or crashing midway, so tests can crash, cancel, SIGKILL and resume it. It is no part of the product: worker
// processes load it only when IMAGENOT_TEST_WORKERS names this file (`useSelftestWorker()`), and it creates its own
// table in the workspace it runs in.
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { defineWorker } from '../../native-workers/jobs/worker-context.ts';
import type { Db } from '../../native-workers/store/workspace.ts';
import { config, SETTINGS } from '../../native-workers/config/settings.ts';

const Params = z.object({
  rows: z.number().int().min(0).default(1000),
  batch: z.number().int().min(1).default(100),
  delayMs: z.number().int().min(0).default(0),
  crashAt: z.number().int().min(0).optional(),
  /** Log a line every this many rows (exercises the job log). */
  logEvery: z.number().int().min(1).optional(),
});

function createTable(db: Db): void {
  db.exec(
    `CREATE TABLE IF NOT EXISTS selftest_rows (job_id INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (job_id, n))`,
  );
}

/** Plain INSERT (no OR IGNORE): a duplicated row fails loudly, which is what the resume tests rely on. */
function insertRows(db: Db, jobId: number, from: number, to: number): void {
  const ins = db.prepare(`INSERT INTO selftest_rows (job_id, n) VALUES (?, ?)`);
  for (let n = from; n < to; n++) ins.run(jobId, n);
}

export default defineWorker({
  kind: 'selftest',
  params: Params,
  async run(ctx, p) {
    createTable(ctx.ws.db);
    let next = (ctx.cursor as { next?: number } | null)?.next ?? 0;
    while (next < p.rows) {
      const end = Math.min(p.rows, next + p.batch);
      if (p.crashAt != null && end > p.crashAt) throw new Error(`selftest crashed on purpose at row ${p.crashAt}`);
      const from = next;
      ctx.commit({ next: end }, () => insertRows(ctx.ws.db, ctx.jobId, from, end));
      if (p.logEvery && Math.floor(end / p.logEvery) > Math.floor(from / p.logEvery))
        ctx.log(`wrote rows up to ${end}`);
      next = end;
      ctx.progress(next, p.rows, `row ${next} of ${p.rows}`);
      if (p.delayMs) await new Promise((r) => setTimeout(r, p.delayMs));
    }
    return { rows: p.rows };
  },
});

/** The rows a selftest job wrote, in order ([] before any selftest job ran in this workspace). */
export function selftestRows(db: Db, jobId: number): number[] {
  const exists = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'selftest_rows'`).get();
  if (!exists) return [];
  return (db.prepare(`SELECT n FROM selftest_rows WHERE job_id = ? ORDER BY n`).all(jobId) as { n: number }[]).map(
    (r) => r.n,
  );
}

/**
 * Make the `selftest` job kind available to this process and every process it starts (CLI commands, servers,
 * worker processes inherit the environment). Call at the top of a test file that runs selftest jobs.
 */
export function useSelftestWorker(): void {
  const self = fileURLToPath(import.meta.url);
  const listed = config.testWorkers;
  if (!listed.includes(self)) process.env[SETTINGS.testWorkers.name] = [...listed, self].join(delimiter);
}
