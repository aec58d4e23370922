// Tabular row readers for LAION-style metadata: parquet, csv, tsv and jsonl, each optionally gzipped.
//
//   const table = await openTable('part-00000.parquet');         // format from the name, gzip from the magic bytes
//   table.columns                                                // ['URL', 'TEXT', ...] (pandas '__index_level_N__' hidden)
//   table.rowCount                                               // parquet only (from the footer); undefined otherwise
//   requireColumn(table, 'TEXT', 'caption');                     // TableError "file X: caption column 'TEXT' missing (columns: ...)"
//   for await (const { startRow, rows, errors } of table.rows({ columns: ['URL', 'TEXT'], startRow: 0, batchSize: 4096 })) {
//     // rows[i] is row startRow + i (0-based, header excluded; blank csv/jsonl lines take no index)
//   }
//   for await (const b of table.columnBatches({ columns: ['TEXT'] })) b.columns.TEXT[i]   // same, column-oriented (faster)
//   table.stats.invalidUtf8                                      // invalid UTF-8 sequences replaced by U+FFFD so far
//   await table.close();
//
// Memory stays bounded: parquet is read one row group at a time and only the requested columns; text formats stream.
// Errors are TableErrors whose message names the file (and row/line): truncated or garbage parquet, corrupt gzip, a
// csv record with the wrong field count, a jsonl line that is not an object, an unknown column. With
// `badRows: 'skip'` a bad row keeps its index, is `null` in `rows`, and is listed in the batch's `errors` so the caller
// can record it and go on. Resume: pass the next row index as `startRow` (text formats parse and skip up to it).
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { openParquet } from './tables/parquet.ts';
import { openDelimited } from './tables/delimited.ts';
import { openJsonl } from './tables/jsonl.ts';
import { isGzipFile, openByteStream, tableFormatOf } from './tables/source.ts';
import { TableError, type ColumnBatch, type ReadOptions, type RowBatch, type TableFormat, type TableSource, type TableStats } from './tables/types.ts';

export { TableError, tableFormatOf };
export type { ColumnBatch, ReadOptions, RowBatch, TableFormat, TableRowError, TableStats } from './tables/types.ts';

export interface Table {
  path: string;
  format: TableFormat;
  gzip: boolean;
  columns: string[];
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
    throw new TableError(table.path, `file ${table.path}: ${role} column '${column}' missing (columns: ${table.columns.join(', ') || 'none'})`);
  }
}

/** A gzipped parquet file is unpacked to a temp file (parquet needs random access); removed on close. */
async function gunzipToTemp(path: string): Promise<{ file: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'imagenot-parquet-'));
  const file = join(dir, 'table.parquet');
  try {
    await pipeline(openByteStream(path, true), createWriteStream(file));
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw new TableError(path, `file ${path}: corrupt gzip data (${(e as Error).message})`);
  }
  return { file, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function openTable(path: string, opts: { format?: TableFormat } = {}): Promise<Table> {
  const format = opts.format ?? tableFormatOf(path);
  const gzip = await isGzipFile(path);
  let source: TableSource;
  let cleanup = async () => {};
  if (format === 'parquet') {
    if (gzip) {
      const unpacked = await gunzipToTemp(path);
      cleanup = unpacked.cleanup;
      try {
        source = await openParquet(unpacked.file, isPandasIndexColumn);
      } catch (e) {
        await cleanup();
        if (e instanceof TableError) throw new TableError(path, e.message.replace(unpacked.file, path));
        throw e;
      }
    } else source = await openParquet(path, isPandasIndexColumn);
  } else if (format === 'jsonl') source = await openJsonl(path, gzip, isPandasIndexColumn);
  else source = await openDelimited(path, gzip, format, isPandasIndexColumn);

  const table: Table = {
    path,
    format,
    gzip,
    columns: source.columns,
    rowCount: source.rowCount,
    stats: source.stats,
    columnBatches(o: ReadOptions = {}) {
      const wanted = o.columns ?? source.columns;
      for (const c of wanted) requireColumn(table, c);
      const startRow = o.startRow ?? 0;
      if (!Number.isInteger(startRow) || startRow < 0) throw new TableError(path, `file ${path}: startRow must be a non-negative integer, got ${startRow}`);
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
