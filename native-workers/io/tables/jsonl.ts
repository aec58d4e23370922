// JSON Lines reader: one JSON object per line over the (optionally gunzipped) bytes, decoded with invalid UTF-8
// replaced and counted. Blank lines are skipped and take no row index; the columns are the keys of the first object;
// a line that is not a JSON object, or longer than the limit (not held: skipped to its end), is a bad row naming its
// row and line. A file that breaks (truncated gzip, unreadable) ends with a TableError after every row before it.
import { CountingUtf8StreamDecoder } from './utf8.ts';
import { lineChunks, type Line, type LineReadOptions } from './lines.ts';
import { TableError, type ColumnBatch, type TableRowError, type TableSource, type TableStats } from './types.ts';

function parseObject(text: string | null, max: number): Record<string, unknown> | string {
  if (text === null) return `line longer than ${max} characters (not read)`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return `invalid JSON (${(e as Error).message})`;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  return value as Record<string, unknown>;
}

export async function openJsonl(path: string, gzip: boolean, hiddenColumn: (name: string) => boolean, opts: LineReadOptions): Promise<TableSource> {
  const stats: TableStats = { invalidUtf8: 0, unpackedBytes: 0 };
  let first: Line | undefined;
  for await (const lines of lineChunks(path, gzip, opts, new CountingUtf8StreamDecoder(), { bytes: 0 })) {
    first = lines[0];
    break;
  }
  let columns: string[] = [];
  if (first) {
    const obj = parseObject(first.text, opts.maxRecordChars);
    if (typeof obj === 'string') throw new TableError(path, `file ${path}: row 0 (line ${first.line}): ${obj}`, 0, first.line);
    columns = Object.keys(obj).filter((c) => !hiddenColumn(c));
  }

  async function* columnBatches(wanted: string[], startRow: number, batchSize: number, badRows: 'throw' | 'skip'): AsyncIterable<ColumnBatch> {
    const decoder = new CountingUtf8StreamDecoder();
    const counter = { bytes: 0 };
    let row = 0;
    let batch: ColumnBatch | null = null;
    let failure: unknown;
    try {
      for await (const lines of lineChunks(path, gzip, opts, decoder, counter)) {
        stats.invalidUtf8 = decoder.replaced;
        stats.unpackedBytes = counter.bytes;
        for (const { text, line } of lines) {
          const r = row++;
          if (r < startRow) continue;
          batch ??= { startRow: r, length: 0, columns: Object.fromEntries(wanted.map((c) => [c, []])), errors: [] };
          const obj = parseObject(text, opts.maxRecordChars);
          if (typeof obj === 'string') {
            const error: TableRowError = { file: path, row: r, line, message: `file ${path}: row ${r} (line ${line}): ${obj}`, reason: `line ${line}: ${obj}`, tooLong: text === null };
            if (badRows === 'throw') throw new TableError(path, error.message, r, line);
            batch.errors.push(error);
            for (const c of wanted) batch.columns[c].push(undefined);
          } else {
            for (const c of wanted) batch.columns[c].push(obj[c] ?? null);
          }
          batch.length++;
          if (batch.length >= batchSize) {
            yield batch;
            batch = null;
          }
        }
      }
    } catch (e) {
      failure = e;
    }
    stats.invalidUtf8 = decoder.replaced;
    stats.unpackedBytes = counter.bytes;
    if (batch && batch.length) yield batch;
    if (failure !== undefined) throw failure;
  }

  return { format: 'jsonl', columns, columnKinds: {}, stats, columnBatches, close: async () => {} };
}
