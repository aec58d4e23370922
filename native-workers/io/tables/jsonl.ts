// JSON Lines reader: one JSON object per line over the (optionally gunzipped) bytes, decoded with invalid UTF-8
// replaced and counted. Blank lines are skipped and take no row index; the columns are the keys of the first object;
// a line that is not a JSON object is a bad row naming its row and line.
import { CountingUtf8StreamDecoder } from './utf8.ts';
import { openByteStream } from './source.ts';
import { TableError, type ColumnBatch, type TableRowError, type TableSource, type TableStats } from './types.ts';

/** Non-blank lines with their 1-based line numbers. */
async function* lines(path: string, gzip: boolean, decoder: CountingUtf8StreamDecoder): AsyncGenerator<{ text: string; line: number }> {
  const bytes = openByteStream(path, gzip);
  let pending = '';
  let lineNo = 0;
  try {
    const emit = function* (text: string, final: boolean) {
      pending += text;
      let from = 0;
      for (let nl = pending.indexOf('\n'); nl !== -1; nl = pending.indexOf('\n', from)) {
        lineNo++;
        const line = pending.slice(from, nl);
        from = nl + 1;
        if (line.trim()) yield { text: line, line: lineNo };
      }
      pending = pending.slice(from);
      if (final && pending.trim()) {
        lineNo++;
        yield { text: pending, line: lineNo };
        pending = '';
      }
    };
    for await (const chunk of bytes) yield* emit(decoder.write(chunk as Buffer), false);
    yield* emit(decoder.end(), true);
  } catch (e) {
    const err = e as Error & { code?: string };
    if (err instanceof TableError) throw err;
    if (err.code === 'Z_DATA_ERROR' || err.code === 'Z_BUF_ERROR') throw new TableError(path, `file ${path}: corrupt gzip data (${err.message})`);
    throw new TableError(path, `file ${path}: ${err.code ?? err.message}`);
  } finally {
    bytes.destroy();
  }
}

function parseObject(text: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return `invalid JSON (${(e as Error).message})`;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  return value as Record<string, unknown>;
}

export async function openJsonl(path: string, gzip: boolean, hiddenColumn: (name: string) => boolean): Promise<TableSource> {
  const stats: TableStats = { invalidUtf8: 0 };
  const it = lines(path, gzip, new CountingUtf8StreamDecoder());
  const first = await it.next();
  await it.return(undefined);
  let columns: string[] = [];
  if (!first.done) {
    const obj = parseObject(first.value.text);
    if (typeof obj === 'string') throw new TableError(path, `file ${path}: row 0 (line ${first.value.line}): ${obj}`, 0, first.value.line);
    columns = Object.keys(obj).filter((c) => !hiddenColumn(c));
  }

  async function* columnBatches(wanted: string[], startRow: number, batchSize: number, badRows: 'throw' | 'skip'): AsyncIterable<ColumnBatch> {
    const decoder = new CountingUtf8StreamDecoder();
    let row = 0;
    let batch: ColumnBatch | null = null;
    for await (const { text, line } of lines(path, gzip, decoder)) {
      const r = row++;
      if (r < startRow) continue;
      batch ??= { startRow: r, length: 0, columns: Object.fromEntries(wanted.map((c) => [c, []])), errors: [] };
      const obj = parseObject(text);
      if (typeof obj === 'string') {
        const error: TableRowError = { file: path, row: r, line, message: `file ${path}: row ${r} (line ${line}): ${obj}` };
        if (badRows === 'throw') throw new TableError(path, error.message, r, line);
        batch.errors.push(error);
        for (const c of wanted) batch.columns[c].push(undefined);
      } else {
        for (const c of wanted) batch.columns[c].push(obj[c] ?? null);
      }
      batch.length++;
      if (batch.length >= batchSize) {
        stats.invalidUtf8 = decoder.replaced;
        yield batch;
        batch = null;
      }
    }
    stats.invalidUtf8 = decoder.replaced;
    if (batch && batch.length) yield batch;
  }

  return { format: 'jsonl', columns, stats, columnBatches, close: async () => {} };
}
