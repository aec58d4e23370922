// Ingesting metadata tables (LAION parquet/csv/tsv/jsonl) and URL lists (.txt): one sample per row, columns mapped to sample fields,
// batches of rows committed with the source's resume point. Also img2dataset per-shard status parquet files, whose
// failed rows become samples carrying the download error (the successful ones are in the shard itself).
import { basename } from 'node:path';
import type { WorkerContext } from '../../jobs/worker-context.ts';
import { captionText, openTable, requireTextColumn, TableError, type Table } from '../../io/tables.ts';
import { fileSha256 } from '../../io/folders.ts';
import { isGzipFile, unpackedLimitOf } from '../../io/tables/source.ts';
import { lineChunks } from '../../io/tables/lines.ts';
import { CountingUtf8StreamDecoder } from '../../io/tables/utf8.ts';
import { wellFormed } from '../../io/text.ts';
import { advanceSource, countSourceRejections, finishSource, openSource } from '../../store/sources.ts';
import { insertSamples, type NewSample } from '../../store/samples.ts';
import {
  alreadyIngested,
  describeFailure,
  emptyReport,
  findColumn,
  KNOWN_FIELDS,
  rejectedInput,
  rejectItem,
  toFloat,
  toInt,
  toText,
  type IngestOptions,
  type InputReport,
} from './common.ts';

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

/** Looks like a number or a missing-value marker written as text ("1", "0.5", "NaN", "None"). */
const NUMBER_LIKE = /^\s*(?:[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|nan|NaN|None|null|inf|-inf)\s*$/;

function openOptions(opts: IngestOptions) {
  return {
    header: opts.header,
    maxRecordChars: opts.maxRecordChars,
    maxUnpackedBytes: opts.maxUnpackedBytes,
    tempDir: opts.tempDir,
  };
}

/** One row of a table as a sample, or why the row is refused (`overLimit`: for its size). */
type RowOutcome =
  | { sample: NewSample; noCaption: boolean; numberLike: boolean }
  | { refused: string; overLimit: boolean };

export async function ingestTable(
  ctx: WorkerContext,
  path: string,
  opts: IngestOptions,
  statusFile: boolean,
  onRows: (n: number) => void,
): Promise<InputReport> {
  const kind = statusFile ? 'img2dataset-status' : 'table';
  const report = emptyReport(path, kind);
  const rejectFile = (reason: string) => rejectedInput(ctx, path, kind, reason);
  let hash: string;
  try {
    hash = await fileSha256(path);
  } catch (err) {
    return rejectFile(describeFailure(err));
  }
  const done = alreadyIngested(ctx, path, kind, hash);
  if (done) return done;

  let table: Table;
  try {
    table = await openTable(path, openOptions(opts));
  } catch (err) {
    return rejectFile(err instanceof TableError ? err.message.replace(`file ${path}: `, '') : describeFailure(err));
  }
  try {
    const cols = mapColumns(table, opts, statusFile);
    if (!cols.caption && !statusFile) {
      const hint =
        table.format === 'csv' || table.format === 'tsv'
          ? opts.header
            ? '; name it with --caption-col (header-less files: --no-header --caption-col N)'
            : '; name it with --caption-col N (1-based)'
          : '; name it with --caption-col';
      return rejectFile(
        `no caption column '${opts.captionCol}' (columns: ${table.columns.join(', ') || 'none'})${hint}`,
      );
    }
    if (cols.caption) {
      try {
        requireTextColumn(table, cols.caption);
      } catch (err) {
        return rejectFile(
          `${(err as Error).message.replace(`file ${path}: `, '')}; name the caption column with --caption-col`,
        );
      }
    }
    if (!cols.url) ctx.log(`${path}: no url column '${opts.urlCol}'; its samples have no URL to fetch`, 'warn');
    if (cols.extra.length) ctx.log(`${path}: extra columns kept in samples.extra: ${cols.extra.join(', ')}`);

    const source = openSource(ctx.ws.db, { path, kind, contentHash: hash, rows: table.rowCount ?? null });
    report.sourceId = source.id;
    if (source.nextRow > 0) ctx.log(`${path}: resuming at row ${source.nextRow}`);
    const wanted = [
      cols.caption,
      cols.url,
      cols.width,
      cols.height,
      cols.nsfw,
      cols.similarity,
      cols.punsafe,
      cols.status,
      cols.errorMessage,
      ...cols.extra,
    ].filter((c): c is string => !!c);
    const needsWellFormed = table.format === 'jsonl';
    let next = source.nextRow;
    let replacedBefore = table.stats.invalidUtf8;
    let error: string | null = null;
    let numberLike = 0;
    let captioned = 0;

    /** Row `i` of batch `c` as a sample; throws only on a value it cannot handle (caught per row below). */
    const toRow = (c: Record<string, unknown[]>, i: number, row: number): RowOutcome | null => {
      let status: string | null = null;
      let fetchError: string | null = null;
      if (statusFile) {
        const s = cols.status ? toText(c[cols.status][i]) : null;
        if (s === 'success') return null;
        fetchError =
          (cols.errorMessage ? toText(c[cols.errorMessage][i]) : null) ?? `img2dataset status ${s ?? 'unknown'}`;
        status = fetchStatusOfImg2datasetError(fetchError);
      }
      let caption = '';
      if (cols.caption) {
        const v = captionText(c[cols.caption][i]);
        if ('wrongType' in v)
          return { refused: `caption column '${cols.caption}' holds ${v.wrongType}, not text`, overLimit: false };
        if ('text' in v) caption = v.text;
      }
      if (caption.length > opts.maxCaptionChars) {
        return {
          refused: `caption of ${caption.length} characters exceeds the limit of ${opts.maxCaptionChars} (--max-caption-chars)`,
          overLimit: true,
        };
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
      const sample: NewSample = {
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
      };
      return { sample, noCaption: !caption.trim(), numberLike: NUMBER_LIKE.test(caption) };
    };

    try {
      for await (const b of table.columnBatches({
        columns: wanted,
        startRow: next,
        batchSize: BATCH_ROWS,
        badRows: 'skip',
      })) {
        const c = b.columns;
        const bad = b.errors.length ? new Map(b.errors.map((e) => [e.row, e])) : null;
        const samples: NewSample[] = [];
        const counts = { replacedUtf8: 0, rejected: 0, overLimit: 0, noCaption: 0 };
        const refuse = (row: number, reason: string, overLimit: boolean) => {
          if (rejectItem(ctx, path, `row ${row}`, reason)) {
            counts.rejected++;
            if (overLimit) counts.overLimit++;
          }
          report.rejected++;
          if (overLimit) report.overLimit++;
        };
        for (let i = 0; i < b.length; i++) {
          const row = b.startRow + i;
          const badRow = bad?.get(row);
          if (badRow) {
            refuse(row, badRow.reason, !!badRow.tooLong);
            continue;
          }
          let out: RowOutcome | null;
          try {
            out = toRow(c, i, row);
          } catch (err) {
            out = { refused: describeFailure(err), overLimit: false };
          }
          if (out === null) continue;
          if ('refused' in out) {
            refuse(row, out.refused, out.overLimit);
            continue;
          }
          if (needsWellFormed) {
            const w = wellFormed(out.sample.caption);
            out.sample.caption = w.text;
            counts.replacedUtf8 += w.replaced;
          }
          if (out.noCaption) counts.noCaption++;
          else captioned++;
          if (out.numberLike) numberLike++;
          samples.push(out.sample);
        }
        counts.replacedUtf8 += table.stats.invalidUtf8 - replacedBefore;
        replacedBefore = table.stats.invalidUtf8;
        next = b.startRow + b.length;
        const nextRow = next;
        const added = ctx.commit({ source: source.id, next: nextRow }, () => {
          const n = insertSamples(ctx.ws.db, samples);
          advanceSource(ctx.ws.db, source.id, nextRow, counts);
          return n;
        })!;
        report.samples += added;
        report.replacedUtf8 += counts.replacedUtf8;
        report.noCaption += counts.noCaption;
        onRows(b.length);
        ctx.progress(next, table.rowCount ?? null, `${basename(path)}: row ${next}`);
      }
    } catch (err) {
      if (!(err instanceof TableError)) throw err;
      // A damaged file after some good rows: those are kept; the damage is named and the source marked finished.
      error = err.message.replace(`file ${path}: `, '');
      if (rejectItem(ctx, path, err.row != null ? `row ${err.row}` : `after row ${next}`, error))
        countSourceRejections(ctx.ws.db, source.id, 1);
      report.rejected++;
      report.error = error;
    }
    if (table.gzip) report.unpackedBytes = table.stats.unpackedBytes;
    finishSource(ctx.ws.db, source.id, next, error, table.gzip ? table.stats.unpackedBytes : null);
    report.rows = next;
    if (report.replacedUtf8)
      ctx.log(`${path}: ${report.replacedUtf8} invalid UTF-8 sequence(s) replaced by U+FFFD`, 'warn');
    if (report.noCaption)
      ctx.log(
        `${path}: ${report.noCaption} sample(s) without a caption (empty or null in column '${cols.caption ?? opts.captionCol}')`,
        'warn',
      );
    if (captioned >= 20 && numberLike > captioned / 2) {
      ctx.log(
        `${path}: ${numberLike} of ${captioned} captions in column '${cols.caption}' look like numbers: is --caption-col the caption column?`,
        'warn',
      );
    }
    return report;
  } finally {
    await table.close();
  }
}

// --- URL lists -------------------------------------------------------------------------------------------------

const HTTP_URL = /^https?:\/\/\S+$/i;

/** A text file of image URLs, one per line (blank lines take no row number): samples with a URL and no caption. */
export async function ingestUrlList(
  ctx: WorkerContext,
  path: string,
  opts: IngestOptions,
  onRows: (n: number) => void,
): Promise<InputReport> {
  const kind = 'url-list';
  const report = emptyReport(path, kind);
  let hash: string;
  let gzip: boolean;
  try {
    hash = await fileSha256(path);
    gzip = await isGzipFile(path);
  } catch (err) {
    return rejectedInput(
      ctx,
      path,
      kind,
      err instanceof TableError ? err.message.replace(`file ${path}: `, '') : describeFailure(err),
    );
  }
  const done = alreadyIngested(ctx, path, kind, hash);
  if (done) return done;
  const source = openSource(ctx.ws.db, { path, kind, contentHash: hash });
  report.sourceId = source.id;
  let row = 0;
  let samples: NewSample[] = [];
  let newlyRejected = 0;
  let newlyOverLimit = 0;
  const flush = () => {
    const batch = { samples, newlyRejected, newlyOverLimit, next: row };
    report.samples += ctx.commit({ source: source.id, next: batch.next }, () => {
      const n = insertSamples(ctx.ws.db, batch.samples);
      advanceSource(ctx.ws.db, source.id, batch.next, {
        rejected: batch.newlyRejected,
        overLimit: batch.newlyOverLimit,
      });
      return n;
    })!;
    onRows(batch.samples.length);
    samples = [];
    newlyRejected = 0;
    newlyOverLimit = 0;
    ctx.progress(row, null, `${basename(path)}: line ${row}`);
  };
  const limit = gzip ? await unpackedLimitOf(path, opts.maxUnpackedBytes) : undefined;
  const counter = { bytes: 0 };
  const lines = lineChunks(
    path,
    gzip,
    { maxRecordChars: opts.maxRecordChars, bytes: { maxUnpackedBytes: limit?.bytes, explicitLimit: limit?.explicit } },
    new CountingUtf8StreamDecoder(),
    counter,
  );
  let error: string | null = null;
  try {
    for await (const chunk of lines) {
      for (const { text, line: lineNo } of chunk) {
        const r = row++;
        if (r < source.nextRow) continue;
        const line = text?.trim();
        if (line == null) {
          if (
            rejectItem(
              ctx,
              path,
              `row ${r}`,
              `line ${lineNo} is longer than ${opts.maxRecordChars} characters (not read)`,
            )
          )
            newlyRejected++, newlyOverLimit++;
          report.rejected++;
          report.overLimit++;
        } else if (HTTP_URL.test(line)) {
          samples.push({
            sourceId: source.id,
            row: r,
            url: line,
            caption: '',
            width: null,
            height: null,
            nsfwMeta: null,
            laionSimilarity: null,
            punsafe: null,
            extra: null,
            imageSha256: null,
          });
        } else {
          if (rejectItem(ctx, path, `row ${r}`, `not an http(s) URL: ${JSON.stringify(line.slice(0, 80))}`))
            newlyRejected++;
          report.rejected++;
        }
        if (samples.length >= BATCH_ROWS) flush();
      }
    }
  } catch (err) {
    // A corrupt .gz after some good lines: keep them and say where it broke.
    error = `cannot read past row ${row}: ${err instanceof TableError ? err.message.replace(`file ${path}: `, '') : describeFailure(err)}`;
    if (rejectItem(ctx, path, `after row ${row}`, error)) newlyRejected++;
    report.rejected++;
    report.error = error;
  }
  flush();
  if (gzip) report.unpackedBytes = counter.bytes;
  finishSource(ctx.ws.db, source.id, row, error, gzip ? counter.bytes : null);
  report.rows = row;
  return report;
}
