// Column batches from the rows of a text table (csv/tsv records, jsonl lines) that arrive a chunk at a time: row
// indices, resume from a row, bad rows thrown or skipped, and a failure of the stream thrown only after the batch of
// the rows read before it.
import { TableError, type ColumnBatch, type TableRowError } from './types.ts';

export interface TextBatchOptions {
  path: string;
  wanted: string[];
  startRow: number;
  batchSize: number;
  badRows: 'throw' | 'skip';
  /** Called after each chunk and at the end (stats such as invalid UTF-8 and bytes read). */
  onChunk(): void;
}

/**
 * `read(item, row, values)` puts the item's value of `wanted[k]` into `values[k]` and returns null, or returns what is
 * wrong with the row.
 */
export async function* textColumnBatches<T>(
  chunks: AsyncIterable<T[]>,
  opts: TextBatchOptions,
  read: (item: T, row: number, values: unknown[]) => TableRowError | null,
): AsyncGenerator<ColumnBatch> {
  const { wanted, startRow, batchSize } = opts;
  const values = new Array<unknown>(wanted.length);
  let row = 0;
  let batch: ColumnBatch | null = null;
  let failure: unknown;
  try {
    for await (const items of chunks) {
      opts.onChunk();
      for (const item of items) {
        const r = row++;
        if (r < startRow) continue;
        batch ??= { startRow: r, length: 0, columns: Object.fromEntries(wanted.map((c) => [c, []])), errors: [] };
        const error = read(item, r, values);
        if (error) {
          if (opts.badRows === 'throw') throw new TableError(opts.path, error.message, r, error.line);
          batch.errors.push(error);
          for (const c of wanted) batch.columns[c].push(undefined);
        } else {
          for (let k = 0; k < wanted.length; k++) batch.columns[wanted[k]].push(values[k]);
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
  opts.onChunk();
  // The rows read before a failure still come out, then the failure.
  if (batch?.length) yield batch;
  if (failure !== undefined) throw failure;
}
