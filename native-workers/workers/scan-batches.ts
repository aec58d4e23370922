// The loop shared by the image-scanning flag jobs (nsfw classifier, OCR): visit matched candidates with an image in
// sample-id order, in batches, writing each batch's flags together with the cursor (resume = continue after the last
// committed sample). An image that cannot be read is recorded as a rejection and the scan goes on.
import type { WorkerContext } from '../jobs/worker-context.ts';
import {
  countScanItems,
  deleteFlags,
  nextScanBatch,
  writeFlags,
  type FlagKind,
  type FlagRow,
  type ScanItem,
} from '../store/flags.ts';
import { currentTextFilter } from '../store/meta.ts';
import { refreshWorkspaceIndex } from '../store/threshold-index.ts';

export type ScanScope = 'candidates' | 'kept';

export interface ScanCursor {
  after: number;
  done: number;
  flagged: number;
}

export async function scanCandidates(
  ctx: WorkerContext,
  opts: { kind: FlagKind; scope: ScanScope; batch: number; label: string; redo?: boolean },
  judge: (items: ScanItem[]) => Promise<(FlagRow | { error: string })[]>,
): Promise<ScanCursor & { scope: ScanScope }> {
  const above = opts.scope === 'kept' ? currentTextFilter(ctx.ws.db) : undefined;
  if (opts.scope === 'kept' && !above)
    ctx.log('scope "kept" needs a text filter (imagenot filter); scanning every candidate', 'warn');
  const resumed = ctx.cursor as ScanCursor | null;
  if (!resumed && opts.redo) ctx.commit({ after: 0, done: 0, flagged: 0 }, () => deleteFlags(ctx.ws.db, opts.kind));
  let cur: ScanCursor = resumed ?? { after: 0, done: 0, flagged: 0 };
  const total = cur.done + countScanItems(ctx.ws.db, { kind: opts.kind, above });
  ctx.progress(cur.done, total, `${opts.label}: ${cur.done} of ${total}`);
  for (;;) {
    const items = nextScanBatch(ctx.ws.db, { kind: opts.kind, afterSampleId: cur.after, limit: opts.batch, above });
    if (!items.length) break;
    const results = await judge(items);
    const rows: FlagRow[] = [];
    results.forEach((r, i) => {
      if ('error' in r) ctx.reject(opts.label, `sample ${items[i].sampleId} (image ${items[i].storedPath})`, r.error);
      else rows.push(r);
    });
    const next: ScanCursor = {
      after: items[items.length - 1].sampleId,
      done: cur.done + items.length,
      flagged: cur.flagged + rows.filter((r) => r.flagged).length,
    };
    ctx.commit(next, () => writeFlags(ctx.ws.db, rows));
    cur = next;
    ctx.progress(cur.done, total, `${opts.label}: ${cur.done} of ${total}, ${cur.flagged} flagged`);
  }
  // New flags change what is kept: the curation screen's stored index is rebuilt here, not in the app.
  if (cur.flagged) refreshWorkspaceIndex(ctx.ws.db);
  return { ...cur, scope: opts.scope };
}
