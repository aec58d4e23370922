// Tabular row readers for LAION-style metadata: parquet, csv, tsv and jsonl, each optionally gzipped.
//
//   const table = await openTable('part-00000.parquet');         // format from the name, gzip from the magic bytes
//   await openTable('cc3m.tsv', { header: false })               // header-less csv/tsv: columns '1', '2', ... by position
//   table.columns                                                // ['URL', 'TEXT', ...] (pandas '__index_level_N__' hidden)
//   table.columnKinds.TEXT                                       // 'text' | 'integer' | 'float' | ... where the format says
//   table.rowCount                                               // parquet only (from the footer); undefined otherwise
//   requireColumn(table, 'TEXT', 'caption');                     // TableError "file X: caption column 'TEXT' missing (columns: ...)"
//   for await (const { startRow, rows, errors } of table.rows({ columns: ['URL', 'TEXT'], startRow: 0, batchSize: 4096 })) {
//     // rows[i] is row startRow + i (0-based, header excluded; blank csv/jsonl lines take no index)
//   }
//   for await (const b of table.columnBatches({ columns: ['TEXT'] })) b.columns.TEXT[i]   // same, column-oriented (faster)
//   captionText(b.columns.TEXT[i])                               // the value as a caption: text, missing, or the wrong type
//   table.stats.invalidUtf8, table.stats.unpackedBytes           // invalid UTF-8 replaced so far; bytes after gunzip
//   await table.close();
//
// Memory stays bounded: parquet is read one row group at a time and only the requested columns; text formats stream,
// and a csv/tsv field or jsonl line longer than `maxRecordChars` is skipped without being held. Gzip data may unpack
// to at most `maxUnpackedBytes` (default 100x the file, at least 64 MiB). Errors are TableErrors whose message names
// the file (and row/line): truncated or garbage parquet, corrupt or truncated gzip, a csv record with the wrong field
// count, a jsonl line that is not an object, an unknown column. With `badRows: 'skip'` a bad row keeps its index, is
// `null` in `rows`, and is listed in the batch's `errors` so the caller can record it and go on. A file that breaks
// part-way throws after yielding every row read before the damage. Resume: pass the next row index as `startRow`
// (text formats parse and skip up to it).
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { openParquet } from './tables/parquet.ts';
import { openDelimited } from './tables/delimited.ts';
import { openJsonl } from './tables/jsonl.ts';
import { byteChunks, isGzipFile, tableFormatOf, unpackedLimitOf } from './tables/source.ts';
import {
  DEFAULT_MAX_RECORD_CHARS,
  TableError,
  type ColumnBatch,
  type ColumnKind,
  type OpenOptions,
  type ReadOptions,
  type RowBatch,
  type TableFormat,
  type TableSource,
  type TableStats,
} from './tables/types.ts';

export { DEFAULT_MAX_RECORD_CHARS, TableError, tableFormatOf };
export type {
  ColumnBatch,
  ColumnKind,
  OpenOptions,
  ReadOptions,
  RowBatch,
  TableFormat,
  TableRowError,
  TableStats,
} from './tables/types.ts';

export interface Table {
  path: string;
  format: TableFormat;
  gzip: boolean;
  columns: string[];
  columnKinds: Record<string, ColumnKind>;
  rowCount?: number;
  stats: TableStats;
  rows(opts?: ReadOptions): AsyncIterable<RowBatch>;
  columnBatches(opts?: ReadOptions): AsyncIterable<ColumnBatch>;
  close(): Promise<void>;
}

/** pandas writes its index as '__index_level_0__'; it is not data. */
export function isPandasIndexColumn(name: string): boolean {
  return /^__index_level_\d+__$/.test(name);
}

const DEFAULT_BATCH = 4096;

/** Throws a TableError when `column` is not one of the table's columns; `role` says what it is for ('caption'). */
export function requireColumn(table: { path: string; columns: string[] }, column: string, role = 'required'): void {
  if (!table.columns.includes(column)) {
    throw new TableError(
      table.path,
      `file ${table.path}: ${role} column '${column}' missing (columns: ${table.columns.join(', ') || 'none'})`,
    );
  }
}

/** What a cell is as a caption: its text, missing (null or absent), or a value of another type (described). */
export type CaptionValue = { text: string } | { missing: true } | { wrongType: string };

/** A caption cell: strings are text; null/undefined are missing; numbers, booleans, objects and arrays are not captions. */
export function captionText(v: unknown): CaptionValue {
  if (typeof v === 'string') return { text: v };
  if (v === null || v === undefined) return { missing: true };
  if (typeof v === 'number' || typeof v === 'bigint') return { wrongType: `a number (${String(v)})` };
  if (typeof v === 'boolean') return { wrongType: `a boolean (${v})` };
  if (Array.isArray(v)) return { wrongType: 'a JSON array' };
  if (v instanceof Uint8Array) return { wrongType: 'binary data' };
  return { wrongType: typeof v === 'object' ? 'a JSON object' : `a ${typeof v}` };
}

/** Throws a TableError when the format says `column` holds no text (a parquet int/double/boolean column). */
export function requireTextColumn(table: Pick<Table, 'path' | 'columnKinds'>, column: string, role = 'caption'): void {
  const kind = table.columnKinds[column];
  if (kind && kind !== 'text') {
    throw new TableError(
      table.path,
      `file ${table.path}: ${role} column '${column}' holds ${kind === 'other' ? 'nested or binary' : kind} values, not text`,
    );
  }
}

/** A gzipped parquet file is unpacked to a temp file (parquet needs random access), within the size limit; removed on close. */
async function gunzipToTemp(
  path: string,
  opts: OpenOptions,
  counter: { bytes: number },
): Promise<{ file: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(opts.tempDir ?? tmpdir(), 'imagenot-parquet-'));
  const file = join(dir, 'table.parquet');
  const limit = await unpackedLimitOf(path, opts.maxUnpackedBytes);
  /** Unpacked bytes that do not start like a parquet file are refused before anything is written. */
  async function* parquetBytes() {
    let head = true;
    for await (const chunk of byteChunks(path, true, {
      maxUnpackedBytes: limit.bytes,
      explicitLimit: limit.explicit,
      counter,
    })) {
      if (head && chunk.length >= 4) {
        head = false;
        if (chunk.toString('latin1', 0, 4) !== 'PAR1')
          throw new TableError(
            path,
            `file ${path}: not a readable parquet file (the unpacked data does not start with PAR1)`,
          );
      }
      yield chunk;
    }
  }
  try {
    await pipeline(parquetBytes(), createWriteStream(file));
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e instanceof TableError ? e : new TableError(path, `file ${path}: cannot unpack (${(e as Error).message})`);
  }
  return { file, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function openTable(path: string, opts: OpenOptions = {}): Promise<Table> {
  const format = opts.format ?? tableFormatOf(path);
  const gzip = await isGzipFile(path);
  const maxRecordChars = opts.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
  const limit = gzip ? await unpackedLimitOf(path, opts.maxUnpackedBytes) : undefined;
  const bytes = { maxUnpackedBytes: limit?.bytes, explicitLimit: limit?.explicit };
  let source: TableSource;
  let cleanup = async () => {};
  if (format === 'parquet') {
    if (gzip) {
      const counter = { bytes: 0 };
      const unpacked = await gunzipToTemp(path, opts, counter);
      cleanup = unpacked.cleanup;
      try {
        source = await openParquet(unpacked.file, isPandasIndexColumn);
        source.stats.unpackedBytes = counter.bytes;
      } catch (e) {
        await cleanup();
        if (e instanceof TableError) throw new TableError(path, e.message.replace(unpacked.file, path));
        throw e;
      }
    } else source = await openParquet(path, isPandasIndexColumn);
  } else if (format === 'jsonl') source = await openJsonl(path, gzip, isPandasIndexColumn, { maxRecordChars, bytes });
  else
    source = await openDelimited(path, gzip, format, isPandasIndexColumn, {
      header: opts.header ?? true,
      maxRecordChars,
      bytes,
    });

  const table: Table = {
    path,
    format,
    gzip,
    columns: source.columns,
    columnKinds: source.columnKinds,
    rowCount: source.rowCount,
    stats: source.stats,
    columnBatches(o: ReadOptions = {}) {
      const wanted = o.columns ?? source.columns;
      for (const c of wanted) requireColumn(table, c);
      const startRow = o.startRow ?? 0;
      if (!Number.isInteger(startRow) || startRow < 0)
        throw new TableError(path, `file ${path}: startRow must be a non-negative integer, got ${startRow}`);
      return source.columnBatches(wanted, startRow, Math.max(1, o.batchSize ?? DEFAULT_BATCH), o.badRows ?? 'throw');
    },
    rows(o: ReadOptions = {}) {
      const batches = table.columnBatches(o);
      const wanted = o.columns ?? source.columns;
      return (async function* () {
        for await (const b of batches) {
          const bad = new Set(b.errors.map((e) => e.row));
          const rows: (Record<string, unknown> | null)[] = new Array(b.length);
          for (let i = 0; i < b.length; i++) {
            if (bad.has(b.startRow + i)) {
              rows[i] = null;
              continue;
            }
            const row: Record<string, unknown> = {};
            for (const c of wanted) row[c] = b.columns[c][i];
            rows[i] = row;
          }
          yield { startRow: b.startRow, rows, errors: b.errors };
        }
      })();
    },
    close: async () => {
      await source.close();
      await cleanup();
    },
  };
  return table;
}
