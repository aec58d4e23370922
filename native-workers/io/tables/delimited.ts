// CSV and TSV reader: the (optionally gunzipped) bytes decoded with invalid UTF-8 replaced and counted, then parsed
// by DelimitedParser (./delimited-parser.ts: pandas-style quoting, CRLF, quoted line breaks, over-long fields skipped
// without being held). The first record is the header, or with `header: false` the columns are named by position
// ('1', '2', ...). Empty lines are skipped and take no row index; a record whose field count differs from the
// header's is a bad row naming its row and line. A file that breaks (truncated gzip, unreadable) ends with a
// TableError after every row read before the damage.
import { CountingUtf8StreamDecoder } from './utf8.ts';
import { byteChunks, type ByteReadOptions } from './source.ts';
import { DelimitedParser, type ParsedRecord } from './delimited-parser.ts';
import { textColumnBatches } from './text-batches.ts';
import { TableError, type ColumnBatch, type ColumnKind, type TableSource, type TableStats } from './types.ts';

interface DelimitedOptions {
  header: boolean;
  maxRecordChars: number;
  bytes: ByteReadOptions;
}

/**
 * Parsed records of the whole file in order, a chunk's worth at a time, keeping the fields `slots` selects (null: all).
 * A stream error is thrown after the records completed before it.
 */
async function* recordChunks(
  path: string,
  gzip: boolean,
  delimiter: string,
  slots: Int32Array | null,
  slotCount: number,
  opts: DelimitedOptions,
  decoder: CountingUtf8StreamDecoder,
  counter: { bytes: number },
): AsyncGenerator<ParsedRecord[]> {
  const parser = new DelimitedParser({ delimiter, slots, slotCount, maxFieldChars: opts.maxRecordChars });
  let out: ParsedRecord[] = [];
  const emit = (r: ParsedRecord) => void out.push(r);
  for await (const chunk of byteChunks(path, gzip, { ...opts.bytes, counter })) {
    parser.write(decoder.write(chunk), emit);
    if (out.length) {
      yield out;
      out = [];
    }
  }
  parser.write(decoder.end(), emit);
  parser.end(emit);
  if (out.length) yield out;
}

export async function openDelimited(
  path: string,
  gzip: boolean,
  format: 'csv' | 'tsv',
  hiddenColumn: (name: string) => boolean,
  opts: DelimitedOptions,
): Promise<TableSource> {
  const delimiter = format === 'tsv' ? '\t' : ',';
  const stats: TableStats = { invalidUtf8: 0, unpackedBytes: 0 };
  // The first record: the header, or (header-less) what says how many columns there are. Leaving the loop closes the file.
  let first: ParsedRecord | undefined;
  for await (const records of recordChunks(path, gzip, delimiter, null, 0, opts, new CountingUtf8StreamDecoder(), {
    bytes: 0,
  })) {
    first = records[0];
    break;
  }
  if (!first)
    throw new TableError(path, `file ${path}: empty ${format} file (no ${opts.header ? 'header row' : 'rows'})`);
  if (opts.header && first.problem) {
    const what =
      first.problem.kind === 'too-long'
        ? `a name longer than ${opts.maxRecordChars} characters`
        : 'a quoted name that is never closed';
    throw new TableError(path, `file ${path}: the header (line ${first.line}) has ${what}`, undefined, first.line);
  }
  const width = first.fields;
  // (A name given twice in the header: the first such column is the one read.)
  const names = opts.header ? (first.values as string[]) : Array.from({ length: width }, (_, i) => String(i + 1));
  const columns = names.filter((c) => !hiddenColumn(c));
  const columnKinds: Record<string, ColumnKind> = Object.fromEntries(columns.map((c) => [c, 'text']));

  /** What is wrong with a record, or null. */
  function describeProblem(rec: ParsedRecord): string | null {
    if (rec.problem?.kind === 'too-long') {
      const f = rec.problem.field;
      return `field ${f + 1}${f < names.length && opts.header ? ` ('${names[f]}')` : ''} is longer than ${opts.maxRecordChars} characters (not read)`;
    }
    if (rec.problem?.kind === 'unclosed-quote') return 'has a quoted field that is never closed';
    if (rec.fields !== width) return `has ${rec.fields} fields, expected ${width}`;
    return null;
  }

  /** Records after the header (the header, when there is one, is the first record). */
  async function* rowRecords(chunks: AsyncIterable<ParsedRecord[]>): AsyncGenerator<ParsedRecord[]> {
    let header = opts.header;
    for await (const records of chunks) {
      if (header && records.length) {
        header = false;
        yield records.slice(1);
      } else yield records;
    }
  }

  function columnBatches(
    wanted: string[],
    startRow: number,
    batchSize: number,
    badRows: 'throw' | 'skip',
  ): AsyncIterable<ColumnBatch> {
    const slots = new Int32Array(width).fill(-1);
    wanted.forEach((c, k) => (slots[names.indexOf(c)] = k));
    const decoder = new CountingUtf8StreamDecoder();
    const counter = { bytes: 0 };
    const onChunk = () => {
      stats.invalidUtf8 = decoder.replaced;
      stats.unpackedBytes = counter.bytes;
    };
    const records = rowRecords(recordChunks(path, gzip, delimiter, slots, wanted.length, opts, decoder, counter));
    return textColumnBatches(records, { path, wanted, startRow, batchSize, badRows, onChunk }, (rec, r, values) => {
      const problem = describeProblem(rec);
      if (problem !== null) {
        const where = rec.line === rec.endLine ? `line ${rec.line}` : `lines ${rec.line}-${rec.endLine}`;
        return {
          file: path,
          row: r,
          line: rec.line,
          message: `file ${path}: row ${r} (${where}) ${problem}`,
          reason: `${where}: ${problem}`,
          tooLong: rec.problem?.kind === 'too-long',
        };
      }
      for (let k = 0; k < wanted.length; k++) values[k] = rec.values[k];
      return null;
    });
  }

  return { format, columns, columnKinds, stats, columnBatches, close: async () => {} };
}
