// CSV and TSV reader: csv-parse in streaming mode over the (optionally gunzipped) bytes, decoded with invalid UTF-8
// replaced and counted. The first record is the header; empty lines are skipped and take no row index; a record
// whose field count differs from the header's is a bad row naming its row and line.
import { parse, type Parser } from 'csv-parse';
import { CountingUtf8StreamDecoder } from './utf8.ts';
import { openByteStream } from './source.ts';
import { TableError, type ColumnBatch, type TableRowError, type TableSource, type TableStats } from './types.ts';

interface RecordWithInfo {
  record: string[];
  info: { lines: number };
}

/** Parsed records of the whole file, in order, with the line each ended on. Parse errors name the file and line. */
async function* records(path: string, gzip: boolean, delimiter: string, decoderOut: { decoder?: CountingUtf8StreamDecoder }): AsyncGenerator<RecordWithInfo> {
  const decoder = new CountingUtf8StreamDecoder();
  decoderOut.decoder = decoder;
  const parser: Parser = parse({
    delimiter,
    bom: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
  });
  const bytes = openByteStream(path, gzip);
  const pump = (async () => {
    try {
      for await (const chunk of bytes) {
        const text = decoder.write(chunk as Buffer);
        if (text && !parser.write(text)) await new Promise<void>((r) => parser.once('drain', () => r()));
      }
      const rest = decoder.end();
      if (rest) parser.write(rest);
      parser.end();
    } catch (e) {
      parser.destroy(e as Error);
    }
  })();
  try {
    for await (const r of parser as AsyncIterable<RecordWithInfo>) yield r;
  } catch (e) {
    const err = e as Error & { code?: string; lines?: number };
    if (err.code === 'Z_DATA_ERROR' || err.code === 'Z_BUF_ERROR') throw new TableError(path, `file ${path}: corrupt gzip data (${err.message})`);
    if (err.code === 'ENOENT') throw new TableError(path, `file ${path}: cannot open (ENOENT)`);
    throw new TableError(path, `file ${path}${err.lines ? `, line ${err.lines}` : ''}: ${err.message}`, undefined, err.lines);
  } finally {
    bytes.destroy();
    await pump.catch(() => {});
  }
}

export async function openDelimited(path: string, gzip: boolean, format: 'csv' | 'tsv', hiddenColumn: (name: string) => boolean): Promise<TableSource> {
  const delimiter = format === 'tsv' ? '\t' : ',';
  const stats: TableStats = { invalidUtf8: 0 };
  // Header: read the first record, then stop.
  const headerHolder: { decoder?: CountingUtf8StreamDecoder } = {};
  const headerIt = records(path, gzip, delimiter, headerHolder);
  const first = await headerIt.next();
  await headerIt.return(undefined);
  if (first.done) throw new TableError(path, `file ${path}: empty ${format} file (no header row)`);
  const header = first.value.record;
  const columns = header.filter((c) => !hiddenColumn(c));

  async function* columnBatches(wanted: string[], startRow: number, batchSize: number, badRows: 'throw' | 'skip'): AsyncIterable<ColumnBatch> {
    const index = wanted.map((c) => header.indexOf(c));
    const holder: { decoder?: CountingUtf8StreamDecoder } = {};
    let row = -1;
    let batch: ColumnBatch | null = null;
    const fresh = (start: number): ColumnBatch => ({ startRow: start, length: 0, columns: Object.fromEntries(wanted.map((c) => [c, []])), errors: [] });
    for await (const { record, info } of records(path, gzip, delimiter, holder)) {
      if (row === -1) {
        row = 0; // the header
        continue;
      }
      const r = row++;
      if (r < startRow) continue;
      batch ??= fresh(r);
      let error: TableRowError | null = null;
      if (record.length !== header.length) {
        error = { file: path, row: r, line: info.lines, message: `file ${path}: row ${r} (line ${info.lines}) has ${record.length} fields, expected ${header.length}` };
        if (badRows === 'throw') throw new TableError(path, error.message, r, info.lines);
        batch.errors.push(error);
      }
      for (let k = 0; k < wanted.length; k++) batch.columns[wanted[k]].push(error ? undefined : record[index[k]]);
      batch.length++;
      if (batch.length >= batchSize) {
        stats.invalidUtf8 = holder.decoder?.replaced ?? 0;
        yield batch;
        batch = null;
      }
    }
    stats.invalidUtf8 = holder.decoder?.replaced ?? 0;
    if (batch && batch.length) yield batch;
  }

  return { format, columns, stats, columnBatches, close: async () => {} };
}
