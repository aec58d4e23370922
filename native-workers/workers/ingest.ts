// The `ingest` job: every path of one `imagenot ingest` call, in order. Each input is a source identified by its
// content (re-ingesting the same bytes adds nothing) with its own resume point, so a killed job resumed — or the same
// command run again — continues each source where its last committed batch ended. Bad inputs are rejected by name
// and the good ones of the same call are kept.
import { z } from 'zod';
import { mkdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { defineWorker } from '../jobs/worker-context.ts';
import { classifyInputs } from '../io/inputs.ts';
import { DEFAULT_IMAGE_OPTIONS } from '../io/images.ts';
import { rejectItem, type IngestOptions, type InputReport } from './ingest/common.ts';
import { ingestTable, ingestUrlList } from './ingest/tables.ts';
import { ingestFolder, ingestTar } from './ingest/images.ts';

export const IngestParams = z.object({
  /** Absolute paths (the CLI and API resolve them). */
  paths: z.array(z.string().min(1)).min(1),
  captionCol: z.string().min(1).default('TEXT'),
  urlCol: z.string().min(1).default('URL'),
  maxSide: z.number().int().min(16).max(16384).default(DEFAULT_IMAGE_OPTIONS.maxSide),
  thumbSide: z.number().int().min(16).max(2048).default(DEFAULT_IMAGE_OPTIONS.thumbSide),
  keepOriginal: z.boolean().default(false),
  maxPixels: z.number().int().min(1).default(DEFAULT_IMAGE_OPTIONS.maxPixels),
});
export type IngestParams = z.infer<typeof IngestParams>;

export interface IngestResult {
  inputs: InputReport[];
  samplesAdded: number;
  rejected: number;
  replacedUtf8: number;
}

export default defineWorker({
  kind: 'ingest',
  lane: 'data',
  params: IngestParams,
  async run(ctx, p): Promise<IngestResult> {
    const opts: IngestOptions = {
      captionCol: p.captionCol,
      urlCol: p.urlCol,
      image: { ...DEFAULT_IMAGE_OPTIONS, maxSide: p.maxSide, thumbSide: p.thumbSide, keepOriginal: p.keepOriginal, maxPixels: p.maxPixels },
    };
    // Anything a library writes to the temp folder (e.g. a gunzipped parquet) stays inside the workspace.
    const tmp = join(ctx.ws.paths.root, '.tmp', `ingest-${ctx.jobId}`);
    mkdirSync(tmp, { recursive: true });
    process.env.TMPDIR = tmp;
    const inputs = classifyInputs(p.paths);
    const reports: InputReport[] = [];
    let rows = 0;
    const onRows = (n: number) => (rows += n);
    try {
      for (const input of inputs) {
        ctx.throwIfCancelled();
        ctx.progress(rows, null, `${input.path}`);
        let report: InputReport;
        switch (input.kind) {
          case 'unusable':
            rejectItem(ctx, input.path, 'file', input.reason);
            report = { path: input.path, kind: 'unknown', sourceId: null, outcome: 'rejected', samples: 0, rows: 0, rejected: 1, replacedUtf8: 0, error: input.reason };
            break;
          case 'table':
          case 'status':
            report = await ingestTable(ctx, input.path, opts, input.kind === 'status', onRows);
            break;
          case 'urls':
            report = await ingestUrlList(ctx, input.path, onRows);
            break;
          case 'tar':
            report = await ingestTar(ctx, input.path, input.label, opts, onRows);
            break;
          case 'folder':
            report = await ingestFolder(ctx, input.path, input.samples, input.cocoCaptions, opts, onRows);
            break;
        }
        reports.push(report);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
      try {
        rmdirSync(join(ctx.ws.paths.root, '.tmp')); // only when empty (another job may be using it)
      } catch {
        // not empty or already gone
      }
    }
    return {
      inputs: reports,
      samplesAdded: reports.reduce((a, r) => a + r.samples, 0),
      rejected: reports.reduce((a, r) => a + r.rejected, 0),
      replacedUtf8: reports.reduce((a, r) => a + r.replacedUtf8, 0),
    };
  },
});
