// The candidates table (job kind `candidates`, and `imagenot candidates`): every candidate (a sample matched to one
// class), one row each, with source file, 0-based row, url, caption, wnid, lemmas, text/image similarity and their
// encoders, NSFW/OCR flags, manual decision, and whether it is kept (core/selection/kept.ts) at a threshold — for
// analysis elsewhere. CSV is streamed; parquet is written in one go. The job writes into exports/ by default.
import { z } from 'zod';
import { extname, join, resolve } from 'node:path';
import { defineWorker } from '../jobs/worker-context.ts';
import { countCandidates, iterateCandidates, type CandidateRow } from '../store/candidates.ts';
import { currentTextFilter } from '../store/meta.ts';
import { currentImageEncoder } from '../store/image-similarities.ts';
import { isKept } from '../core/selection/kept.ts';
import { CsvWriter } from '../io/dataset/csv.ts';
import { writeParquetFile, type ParquetColumnType } from '../io/dataset/parquet.ts';
import type { Workspace } from '../store/workspace.ts';

type Cell = string | number | boolean | null;

/** Column name, parquet type, and how to read it from a row (flags: null when their rule/job has not run). */
function columns(textEncoder: string | null, imageEncoder: string | null, threshold: number | null) {
  const bool = (v: number | null) => (v == null ? null : v === 1);
  const cols: [string, ParquetColumnType, (r: CandidateRow) => Cell][] = [
    ['sample_id', 'INT64', (r) => r.sampleId],
    ['source_file', 'STRING', (r) => r.sourceFile],
    ['row', 'INT64', (r) => r.row],
    ['url', 'STRING', (r) => r.url],
    ['caption', 'STRING', (r) => r.caption],
    ['wnid', 'STRING', (r) => r.wnid],
    ['lemmas', 'STRING', (r) => r.lemmas],
    ['text_similarity', 'DOUBLE', (r) => r.textSimilarity],
    ['text_encoder', 'STRING', () => textEncoder],
    ['image_similarity', 'DOUBLE', (r) => r.imageSimilarity],
    ['image_encoder', 'STRING', () => imageEncoder],
    ['sha256', 'STRING', (r) => r.sha256],
    ['nsfw_meta', 'STRING', (r) => r.nsfwMeta],
    ['nsfw_meta_flag', 'BOOLEAN', (r) => bool(r.nsfwMetaFlag)],
    ['nsfw_classifier_score', 'DOUBLE', (r) => r.nsfwClassifierScore],
    ['nsfw_classifier_flag', 'BOOLEAN', (r) => bool(r.nsfwClassifierFlag)],
    ['ocr_flag', 'BOOLEAN', (r) => bool(r.ocrFlag)],
    ['ocr_text', 'STRING', (r) => (r.ocrDetail ? ((JSON.parse(r.ocrDetail) as { text?: string }).text ?? null) : null)],
    ['decision', 'STRING', (r) => r.decision],
    [
      'kept',
      'BOOLEAN',
      (r) =>
        threshold != null &&
        isKept(
          {
            textSimilarity: r.textSimilarity,
            hasImage: r.sha256 != null,
            decision: r.decision,
            flagged: r.excluded === 1,
          },
          threshold,
        ),
    ],
  ];
  return cols;
}

export interface CandidatesTableResult {
  out: string;
  rows: number;
  /** The threshold the kept column was judged at (null before the text filter ran: kept is false). */
  threshold: number | null;
  textEncoder: string | null;
  imageEncoder: string | null;
}

/** Write the table to a .csv or .parquet file; `onRow` is called every 10,000 rows. */
export async function writeCandidatesTable(
  ws: Workspace,
  file: string,
  opts: { threshold?: number; onRows?: (n: number) => void } = {},
): Promise<CandidatesTableResult> {
  const ext = extname(file).toLowerCase();
  if (ext !== '.csv' && ext !== '.parquet')
    throw new Error(`the candidates table is written as .csv or .parquet, got '${file}'`);
  const filter = currentTextFilter(ws.db);
  const threshold = opts.threshold ?? filter?.threshold ?? null;
  const textEncoder = filter?.encoder ?? null;
  const imageEncoder = currentImageEncoder(ws.db);
  const cols = columns(textEncoder, imageEncoder, threshold);
  const out = resolve(file);
  let n = 0;
  const rows = iterateCandidates(ws.db, { textEncoder, imageEncoder });
  if (ext === '.csv') {
    const csv = new CsvWriter(
      out,
      cols.map((c) => c[0]),
    );
    for (const r of rows) {
      await csv.write(cols.map(([, , get]) => get(r)));
      if (++n % 10_000 === 0) opts.onRows?.(n);
    }
    await csv.close();
  } else {
    const data: Cell[][] = cols.map(() => []);
    for (const r of rows) {
      cols.forEach(([, , get], i) => data[i].push(get(r)));
      if (++n % 10_000 === 0) opts.onRows?.(n);
    }
    writeParquetFile(
      out,
      cols.map(([name, type], i) => ({ name, type, data: data[i] })),
    );
  }
  return { out, rows: n, threshold, textEncoder, imageEncoder };
}

const Params = z.object({
  format: z.enum(['csv', 'parquet']).default('csv'),
  /** Output file; default exports/candidates-<time>.<format> inside the workspace. */
  out: z.string().min(1).optional(),
  threshold: z.number().min(-1).max(1).optional(),
});

export default defineWorker({
  kind: 'candidates',
  params: Params,
  async run(ctx, p) {
    const file =
      p.out ?? join(ctx.ws.paths.exports, `candidates-${new Date().toISOString().replace(/[:.]/g, '-')}.${p.format}`);
    const total = countCandidates(ctx.ws.db);
    ctx.progress(0, total, `writing ${file}`);
    const result = await writeCandidatesTable(ctx.ws, file, {
      threshold: p.threshold,
      onRows: (n) => ctx.progress(n, total, `${n} of ${total} candidates`),
    });
    ctx.progress(result.rows, total, `${result.rows} candidates written to ${result.out}`);
    return result;
  },
});
