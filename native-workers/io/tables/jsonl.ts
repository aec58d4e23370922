// JSON Lines reader: one JSON object per line over the (optionally gunzipped) bytes, decoded with invalid UTF-8
// replaced and counted. Blank lines are skipped and take no row index; the columns are the keys of the first object;
// a line that is not a JSON object, or longer than the limit (not held: skipped to its end), is a bad row naming its
// row and line. A file that breaks (truncated gzip, unreadable) ends with a TableError after every row before it.
import { CountingUtf8StreamDecoder } from './utf8.ts';
import { lineChunks, type Line, type LineReadOptions } from './lines.ts';
import { textColumnBatches } from './text-batches.ts';
import { TableError, type ColumnBatch, type TableSource, type TableStats } from './types.ts';

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

export async function openJsonl(
  path: string,
  gzip: boolean,
  hiddenColumn: (name: string) => boolean,
  opts: LineReadOptions,
): Promise<TableSource> {
  const stats: TableStats = { invalidUtf8: 0, unpackedBytes: 0 };
  let first: Line | undefined;
  for await (const lines of lineChunks(path, gzip, opts, new CountingUtf8StreamDecoder(), { bytes: 0 })) {
    first = lines[0];
    break;
  }
  let columns: string[] = [];
  if (first) {
    const obj = parseObject(first.text, opts.maxRecordChars);
    if (typeof obj === 'string')
      throw new TableError(path, `file ${path}: row 0 (line ${first.line}): ${obj}`, 0, first.line);
    columns = Object.keys(obj).filter((c) => !hiddenColumn(c));
  }

  function columnBatches(
    wanted: string[],
    startRow: number,
    batchSize: number,
    badRows: 'throw' | 'skip',
  ): AsyncIterable<ColumnBatch> {
    const decoder = new CountingUtf8StreamDecoder();
    const counter = { bytes: 0 };
    const onChunk = () => {
      stats.invalidUtf8 = decoder.replaced;
      stats.unpackedBytes = counter.bytes;
    };
    const lines = lineChunks(path, gzip, opts, decoder, counter);
    return textColumnBatches(
      lines,
      { path, wanted, startRow, batchSize, badRows, onChunk },
      ({ text, line }, r, values) => {
        const obj = parseObject(text, opts.maxRecordChars);
        if (typeof obj === 'string')
          return {
            file: path,
            row: r,
            line,
            message: `file ${path}: row ${r} (line ${line}): ${obj}`,
            reason: `line ${line}: ${obj}`,
            tooLong: text === null,
          };
        for (let k = 0; k < wanted.length; k++) values[k] = obj[wanted[k]] ?? null;
        return null;
      },
    );
  }

  return { format: 'jsonl', columns, columnKinds: {}, stats, columnBatches, close: async () => {} };
}
