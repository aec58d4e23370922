// The `ingest` job: every path of one `imagenot ingest` call, in order. Each input is a source identified by its
// content (re-ingesting the same bytes adds nothing) with its own resume point, so a killed job resumed — or the same
// command run again — continues each source where its last committed batch ended. Bad inputs are rejected by name
// and the good ones of the same call are kept: an input that cannot be read at all (permission denied, a value too
// deeply nested) is rejected by name and the next one is read.
import { z } from 'zod';
import { mkdirSync } from 'node:fs';
import { defineWorker, JobCancelled, jobTempDir, removeJobTempDirs } from '../jobs/worker-context.ts';
import { classifyInputs, type IngestInput } from '../io/inputs.ts';
import { DEFAULT_IMAGE_OPTIONS } from '../io/images.ts';
import { DEFAULT_MAX_RECORD_CHARS } from '../io/tables.ts';
import { describeFailure, rejectedInput, type IngestOptions, type InputReport } from './ingest/common.ts';
import { ingestTable, ingestUrlList } from './ingest/tables.ts';
import { ingestFolder, ingestTar } from './ingest/images.ts';

/** Captions longer than this are refused (LAION alt-texts are at most a few thousand characters). */
export const DEFAULT_MAX_CAPTION_CHARS = 65536;

export const IngestParams = z.object({
  /** Absolute paths (the CLI and API resolve them). */
  paths: z.array(z.string().min(1)).min(1),
  /** csv/tsv files have a header row; without one, columns are named '1', '2', ... (CC3M/CC12M TSV). */
  header: z.boolean().default(true),
  /** Default: 'TEXT', or '1' without a header. */
  captionCol: z.string().min(1).optional(),
  /** Default: 'URL', or '2' without a header. */
  urlCol: z.string().min(1).optional(),
  maxCaptionChars: z.number().int().min(1).default(DEFAULT_MAX_CAPTION_CHARS),
  maxRecordChars: z.number().int().min(1).default(DEFAULT_MAX_RECORD_CHARS),
  /** Most bytes a gzipped input may unpack to; default 100x its size, at least 64 MiB. */
  maxUnpackedBytes: z.number().int().min(1).optional(),
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
  overLimit: number;
  noCaption: number;
}

function kindOf(input: IngestInput): string {
  return input.kind === 'status'
    ? 'img2dataset-status'
    : input.kind === 'urls'
      ? 'url-list'
      : input.kind === 'unusable'
        ? input.item
          ? 'folder entry'
          : 'unknown'
        : input.kind;
}

export default defineWorker({
  kind: 'ingest',
  lane: 'data',
  params: IngestParams,
  async run(ctx, p): Promise<IngestResult> {
    const tempDir = jobTempDir(ctx.ws.paths.root, ctx.jobId);
    mkdirSync(tempDir, { recursive: true });
    // Anything a library writes to the temp folder stays inside the workspace; the runner removes it when the job ends.
    process.env.TMPDIR = tempDir;
    const opts: IngestOptions = {
      captionCol: p.captionCol ?? (p.header ? 'TEXT' : '1'),
      urlCol: p.urlCol ?? (p.header ? 'URL' : '2'),
      header: p.header,
      maxCaptionChars: p.maxCaptionChars,
      maxRecordChars: p.maxRecordChars,
      maxUnpackedBytes: p.maxUnpackedBytes,
      tempDir,
      image: {
        ...DEFAULT_IMAGE_OPTIONS,
        maxSide: p.maxSide,
        thumbSide: p.thumbSide,
        keepOriginal: p.keepOriginal,
        maxPixels: p.maxPixels,
      },
    };
    const inputs = classifyInputs(p.paths);
    const reports: InputReport[] = [];
    let rows = 0;
    const onRows = (n: number) => (rows += n);
    try {
      for (const input of inputs) {
        ctx.throwIfCancelled();
        ctx.progress(rows, null, `${input.path}`);
        let report: InputReport;
        try {
          report = await ingestInput(input);
        } catch (err) {
          if (err instanceof JobCancelled || ctx.signal.aborted) throw err;
          // One input that cannot be read costs only itself; what it committed before the failure stays.
          report = rejectedInput(ctx, input.path, kindOf(input), describeFailure(err));
        }
        reports.push(report);
      }
    } finally {
      removeJobTempDirs(ctx.ws.paths.root, (id) => id !== ctx.jobId);
    }

    async function ingestInput(input: IngestInput): Promise<InputReport> {
      switch (input.kind) {
        case 'unusable':
          return rejectedInput(
            ctx,
            input.path,
            kindOf(input),
            input.reason,
            input.source && input.item ? { source: input.source, item: input.item } : undefined,
          );
        case 'table':
        case 'status':
          return ingestTable(ctx, input.path, opts, input.kind === 'status', onRows);
        case 'urls':
          return ingestUrlList(ctx, input.path, opts, onRows);
        case 'tar':
          return ingestTar(ctx, input.path, input.label, opts, onRows);
        case 'folder':
          return ingestFolder(ctx, input.path, input.samples, input.cocoCaptions, opts, onRows);
      }
    }
    return {
      inputs: reports,
      samplesAdded: reports.reduce((a, r) => a + r.samples, 0),
      rejected: reports.reduce((a, r) => a + r.rejected, 0),
      replacedUtf8: reports.reduce((a, r) => a + r.replacedUtf8, 0),
      overLimit: reports.reduce((a, r) => a + r.overLimit, 0),
      noCaption: reports.reduce((a, r) => a + r.noCaption, 0),
    };
  },
});
