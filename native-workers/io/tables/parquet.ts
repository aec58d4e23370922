// Parquet reader: hyparquet's lazy column scan, one row group at a time and only the requested columns, so memory is
// bounded by one row group of those columns. Strings are decoded with invalid UTF-8 replaced and counted.
import { asyncBufferFromFile, parquetMetadataAsync, parquetScan, parquetSchema } from 'hyparquet';
import type { FileMetaData, SchemaTree } from 'hyparquet';
import { decodeUtf8Counting } from './utf8.ts';
import { TableError, type ColumnBatch, type ColumnKind, type TableSource, type TableStats } from './types.ts';

type DecodedArray = ArrayLike<unknown>;

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** BigInt values become numbers when exactly representable (row ids, widths), else stay bigint. Arrays without
 * bigints (strings) are returned as they are: no copy per row group. */
function toPlainArray(data: DecodedArray): unknown[] {
  if (Array.isArray(data) && !data.some((v) => typeof v === 'bigint')) return data;
  const out = new Array<unknown>(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    out[i] =
      typeof v === 'bigint' && v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(v)
        : v;
  }
  return out;
}

/** What a top-level column holds, from its physical and converted type. */
function columnKind(node: SchemaTree): ColumnKind {
  const e = node.element;
  if (node.children.length || e.repetition_type === 'REPEATED') return 'other';
  switch (e.type) {
    case 'BYTE_ARRAY':
      return e.converted_type === 'JSON' || e.converted_type === 'BSON' ? 'other' : 'text';
    case 'INT32':
    case 'INT64':
    case 'INT96':
      return 'integer';
    case 'FLOAT':
    case 'DOUBLE':
      return 'float';
    case 'BOOLEAN':
      return 'boolean';
    default:
      return 'other';
  }
}

export async function openParquet(path: string, hiddenColumn: (name: string) => boolean): Promise<TableSource> {
  const stats: TableStats = { invalidUtf8: 0, unpackedBytes: 0 };
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const counter = { replaced: 0 };
  const parsers = { stringFromBytes: (bytes: Uint8Array) => bytes && decodeUtf8Counting(bytes, decoder, counter) };

  let file: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  let metadata: FileMetaData;
  try {
    file = await asyncBufferFromFile(path);
    metadata = await parquetMetadataAsync(file); // no counting parsers: statistics are not data
  } catch (e) {
    throw new TableError(path, `file ${path}: not a readable parquet file (${describe(e)})`);
  }
  const schema = parquetSchema(metadata).children;
  const columns = schema.map((c) => c.element.name).filter((c) => !hiddenColumn(c));
  const columnKinds: Record<string, ColumnKind> = Object.fromEntries(
    schema.map((c) => [c.element.name, columnKind(c)]),
  );
  const groups: { start: number; end: number }[] = [];
  let at = 0;
  for (const g of metadata.row_groups) {
    const n = Number(g.num_rows);
    groups.push({ start: at, end: at + n });
    at += n;
  }

  async function* columnBatches(wanted: string[], startRow: number, batchSize: number): AsyncIterable<ColumnBatch> {
    let scan: Awaited<ReturnType<typeof parquetScan>>;
    try {
      scan = await parquetScan({ file, metadata, columns: wanted, parsers, useOffsetIndex: false });
    } catch (e) {
      throw new TableError(path, `file ${path}: not a readable parquet file (${describe(e)})`);
    }
    for (const g of groups) {
      if (g.end <= startRow) continue;
      const from = Math.max(startRow, g.start);
      const data: Record<string, unknown[]> = {};
      for (const column of wanted) {
        try {
          data[column] = toPlainArray(await scan.readColumn({ column, rowStart: from, rowEnd: g.end }));
        } catch (e) {
          throw new TableError(
            path,
            `file ${path}: cannot read column '${column}' rows ${from}-${g.end - 1} (${describe(e)})`,
            from,
          );
        }
        if (data[column].length !== g.end - from) {
          throw new TableError(
            path,
            `file ${path}: column '${column}' has ${data[column].length} values for rows ${from}-${g.end - 1}`,
            from,
          );
        }
      }
      stats.invalidUtf8 = counter.replaced;
      for (let s = from; s < g.end; s += batchSize) {
        const e = Math.min(g.end, s + batchSize);
        const columnsOut: Record<string, unknown[]> = {};
        for (const column of wanted)
          columnsOut[column] = s === from && e === g.end ? data[column] : data[column].slice(s - from, e - from);
        yield { startRow: s, length: e - s, columns: columnsOut, errors: [] };
      }
    }
  }

  return {
    format: 'parquet',
    columns,
    columnKinds,
    rowCount: at,
    stats,
    columnBatches: (wanted, startRow, batchSize) => columnBatches(wanted, startRow, batchSize),
    close: async () => {},
  };
}
