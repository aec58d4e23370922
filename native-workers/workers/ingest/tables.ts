// Ingesting metadata tables (LAION parquet/csv/tsv/jsonl) and URL lists (.txt): one sample per row, columns mapped to sample fields,
// batches of rows committed with the source's resume point. Also img2dataset per-shard status parquet files, whose
// failed rows become samples carrying the download error (the successful ones are in the shard itself).
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import type { WorkerContext } from '../../jobs/worker-context.ts';
import { openTable, TableError, type Table } from '../../io/tables.ts';
import { fileSha256 } from '../../io/folders.ts';
import { isGzipFile, openByteStream } from '../../io/tables/source.ts';
import { wellFormed } from '../../io/text.ts';
import { advanceSource, finishSource, openSource } from '../../store/sources.ts';
import { insertSamples, type NewSample } from '../../store/samples.ts';
import { alreadyIngested, emptyReport, findColumn, KNOWN_FIELDS, rejectItem, toFloat, toInt, toText, type IngestOptions, type InputReport } from './common.ts';

/** Rows per committed batch: big transactions, few commits. */
const BATCH_ROWS = 16384;

interface ColumnMap {
  caption?: string;
  url?: string;
  width?: string;
  height?: string;
  nsfw?: string;
  similarity?: string;
  punsafe?: string;
  /** For status files. */
  status?: string;
  errorMessage?: string;
  extra: string[];
}

function mapColumns(table: Table, opts: IngestOptions, statusFile: boolean): ColumnMap {
  const cols = table.columns;
  const m: ColumnMap = {
    caption: findColumn(cols, opts.captionCol) ?? (statusFile ? findColumn(cols, 'caption') : undefined),
    url: findColumn(cols, opts.urlCol) ?? (statusFile ? findColumn(cols, 'url') : undefined),
    width: findColumn(cols, KNOWN_FIELDS.width),
    height: findColumn(cols, KNOWN_FIELDS.height),
    nsfw: findColumn(cols, KNOWN_FIELDS.nsfw),
    similarity: findColumn(cols, KNOWN_FIELDS.similarity),
    punsafe: findColumn(cols, KNOWN_FIELDS.punsafe),
    extra: [],
  };
  if (statusFile) {
    m.status = findColumn(cols, 'status');
    m.errorMessage = findColumn(cols, 'error_message');
  }
  const used = new Set(Object.values(m).filter((v): v is string => typeof v === 'string'));
  m.extra = cols.filter((c) => !used.has(c));
  return m;
}

/** img2dataset's error message -> our fetch status. */
export function fetchStatusOfImg2datasetError(message: string | null): string {
  const m = (message ?? '').toLowerCase();
  if (/timed? ?out|timeout/.test(m)) return 'timeout';
  if (/opt.?out|noai|x-robots/.test(m)) return 'opted_out';
  if (/decod|cannot identify image|not an image|image file is truncated/.test(m)) return 'not_image';
  if (/too large|too big|size/.test(m)) return 'too_large';
  return 'http_error';
}

export async function ingestTable(ctx: WorkerContext, path: string, opts: IngestOptions, statusFile: boolean, onRows: (n: number) => void): Promise<InputReport> {
  const kind = statusFile ? 'img2dataset-status' : 'table';
  const report = emptyReport(path, kind);
  const rejectFile = (reason: string) => {
    rejectItem(ctx, path, 'file', reason);
    report.outcome = 'rejected';
    report.rejected++;
    report.error = reason;
    return report;
  };
  const hash = await fileSha256(path);
  const done = alreadyIngested(ctx, path, kind, hash);
  if (done) return done;

  let table: Table;
  try {
    table = await openTable(path);
  } catch (err) {
    return rejectFile(err instanceof TableError ? err.message.replace(`file ${path}: `, '') : String((err as Error).message ?? err));
  }
  try {
    const cols = mapColumns(table, opts, statusFile);
    if (!cols.caption && !statusFile) {
      return rejectFile(`no caption column '${opts.captionCol}' (columns: ${table.columns.join(', ') || 'none'}); name it with --caption-col`);
    }
    if (!cols.url) ctx.log(`${path}: no url column '${opts.urlCol}'; its samples have no URL to fetch`, 'warn');
    if (cols.extra.length) ctx.log(`${path}: extra columns kept in samples.extra: ${cols.extra.join(', ')}`);

    const source = openSource(ctx.ws.db, { path, kind, contentHash: hash, rows: table.rowCount ?? null });
    report.sourceId = source.id;
    if (source.nextRow > 0) ctx.log(`${path}: resuming at row ${source.nextRow}`);
    const wanted = [cols.caption, cols.url, cols.width, cols.height, cols.nsfw, cols.similarity, cols.punsafe, cols.status, cols.errorMessage, ...cols.extra].filter(
      (c): c is string => !!c,
    );
    const needsWellFormed = table.format === 'jsonl';
    let next = source.nextRow;
    let replacedBefore = table.stats.invalidUtf8;
    let error: string | null = null;
    try {
      for await (const b of table.columnBatches({ columns: wanted, startRow: next, batchSize: BATCH_ROWS, badRows: 'skip' })) {
        const c = b.columns;
        const bad = b.errors.length ? new Set(b.errors.map((e) => e.row)) : null;
        const samples: NewSample[] = [];
        let replaced = 0;
        for (let i = 0; i < b.length; i++) {
          const row = b.startRow + i;
          if (bad?.has(row)) continue;
          let status: string | null = null;
          let fetchError: string | null = null;
          if (statusFile) {
            const s = cols.status ? toText(c[cols.status][i]) : null;
            if (s === 'success') continue;
            fetchError = (cols.errorMessage ? toText(c[cols.errorMessage][i]) : null) ?? `img2dataset status ${s ?? 'unknown'}`;
            status = fetchStatusOfImg2datasetError(fetchError);
          }
          let caption = cols.caption ? (toText(c[cols.caption][i]) ?? '') : '';
          if (needsWellFormed) {
            const w = wellFormed(caption);
            caption = w.text;
            replaced += w.replaced;
          }
          const url = cols.url ? toText(c[cols.url][i]) : null;
          let extra: string | null = null;
          if (cols.extra.length) {
            const o: Record<string, unknown> = {};
            for (const e of cols.extra) {
              const v = c[e][i];
              if (v != null) o[e] = typeof v === 'bigint' ? Number(v) : v;
            }
            extra = JSON.stringify(o);
          }
          samples.push({
            sourceId: source.id,
            row,
            url: url || null,
            caption,
            width: cols.width ? toInt(c[cols.width][i]) : null,
            height: cols.height ? toInt(c[cols.height][i]) : null,
            nsfwMeta: cols.nsfw ? toText(c[cols.nsfw][i]) : null,
            laionSimilarity: cols.similarity ? toFloat(c[cols.similarity][i]) : null,
            punsafe: cols.punsafe ? toFloat(c[cols.punsafe][i]) : null,
            extra,
            imageSha256: null,
            fetchStatus: status,
            fetchError,
          });
        }
        let newlyRejected = 0;
        for (const e of b.errors) if (rejectItem(ctx, path, `row ${e.row}`, e.message.replace(`file ${path}: `, ''))) newlyRejected++;
        report.rejected += b.errors.length;
        replaced += table.stats.invalidUtf8 - replacedBefore;
        replacedBefore = table.stats.invalidUtf8;
        next = b.startRow + b.length;
        const nextRow = next;
        const added = ctx.commit({ source: source.id, next: nextRow }, () => {
          const n = insertSamples(ctx.ws.db, samples);
          advanceSource(ctx.ws.db, source.id, nextRow, { replacedUtf8: replaced, rejected: newlyRejected });
          return n;
        })!;
        report.samples += added;
        report.replacedUtf8 += replaced;
        onRows(b.length);
        ctx.progress(next, table.rowCount ?? null, `${basename(path)}: row ${next}`);
      }
    } catch (err) {
      if (!(err instanceof TableError)) throw err;
      // A damaged file after some good rows: keep those, report where it broke, and mark the source finished.
      error = err.message.replace(`file ${path}: `, '');
      rejectItem(ctx, path, err.row != null ? `row ${err.row}` : `after row ${next}`, error);
      report.rejected++;
      report.error = error;
    }
    finishSource(ctx.ws.db, source.id, next, error);
    report.rows = next;
    if (report.replacedUtf8) ctx.log(`${path}: ${report.replacedUtf8} invalid UTF-8 sequence(s) replaced by U+FFFD`, 'warn');
    return report;
  } finally {
    await table.close();
  }
}

// --- URL lists -------------------------------------------------------------------------------------------------

const HTTP_URL = /^https?:\/\/\S+$/i;

/** A text file of image URLs, one per line (blank lines take no row number): samples with a URL and no caption. */
export async function ingestUrlList(ctx: WorkerContext, path: string, onRows: (n: number) => void): Promise<InputReport> {
  const kind = 'url-list';
  const report = emptyReport(path, kind);
  const hash = await fileSha256(path);
  const done = alreadyIngested(ctx, path, kind, hash);
  if (done) return done;
  const source = openSource(ctx.ws.db, { path, kind, contentHash: hash });
  report.sourceId = source.id;
  let row = 0;
  let samples: NewSample[] = [];
  let newlyRejected = 0;
  const flush = () => {
    const batch = { samples, newlyRejected, next: row };
    report.samples += ctx.commit({ source: source.id, next: batch.next }, () => {
      const n = insertSamples(ctx.ws.db, batch.samples);
      advanceSource(ctx.ws.db, source.id, batch.next, { rejected: batch.newlyRejected });
      return n;
    })!;
    onRows(batch.samples.length);
    samples = [];
    newlyRejected = 0;
    ctx.progress(row, null, `${basename(path)}: line ${row}`);
  };
  const lines = createInterface({ input: openByteStream(path, await isGzipFile(path)), crlfDelay: Infinity });
  let error: string | null = null;
  try {
    for await (const raw of lines) {
      const line = raw.trim();
      if (!line) continue;
      const r = row++;
      if (r < source.nextRow) continue;
      if (HTTP_URL.test(line)) {
        samples.push({ sourceId: source.id, row: r, url: line, caption: '', width: null, height: null, nsfwMeta: null, laionSimilarity: null, punsafe: null, extra: null, imageSha256: null });
      } else {
        if (rejectItem(ctx, path, `row ${r}`, `not an http(s) URL: ${JSON.stringify(line.slice(0, 80))}`)) newlyRejected++;
        report.rejected++;
      }
      if (samples.length >= BATCH_ROWS) flush();
    }
  } catch (err) {
    // A corrupt .gz after some good lines: keep them and say where it broke.
    error = `cannot read past row ${row}: ${(err as Error).message}`;
    rejectItem(ctx, path, `after row ${row}`, error);
    report.rejected++;
    report.error = error;
  }
  flush();
  finishSource(ctx.ws.db, source.id, row, error);
  report.rows = row;
  return report;
}
