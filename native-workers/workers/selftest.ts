// The job system's own check: writes `rows` numbered rows in batches with a cursor, optionally slowly or crashing
// midway. `imagenot jobs selftest` runs it; the tests kill it with SIGKILL and resume it.
import { z } from 'zod';
import { defineWorker } from '../jobs/worker-context.ts';
import { insertSelftestRows } from '../store/selftest.ts';

const Params = z.object({
  rows: z.number().int().min(0).default(1000),
  batch: z.number().int().min(1).default(100),
  delayMs: z.number().int().min(0).default(0),
  crashAt: z.number().int().min(0).optional(),
});

export default defineWorker({
  kind: 'selftest',
  params: Params,
  async run(ctx, p) {
    let next = (ctx.cursor as { next?: number } | null)?.next ?? 0;
    while (next < p.rows) {
      const end = Math.min(p.rows, next + p.batch);
      if (p.crashAt != null && end > p.crashAt) throw new Error(`selftest crashed on purpose at row ${p.crashAt}`);
      ctx.commit({ next: end }, () => insertSelftestRows(ctx.ws.db, ctx.jobId, next, end));
      next = end;
      ctx.progress(next, p.rows, `row ${next} of ${p.rows}`);
      if (p.delayMs) await new Promise((r) => setTimeout(r, p.delayMs));
    }
    return { rows: p.rows };
  },
});
