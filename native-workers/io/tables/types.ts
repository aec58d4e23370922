// Shared types of the tabular row readers (see ../tables.ts for the documented entry point).

export type TableFormat = 'parquet' | 'csv' | 'tsv' | 'jsonl';

/** One bad row: the file, its 0-based row index and (text formats) its 1-based line, and what is wrong. */
export interface TableRowError {
  file: string;
  row: number;
  line?: number;
  /** The whole message: file, row, line and what is wrong. */
  message: string;
  /** What is wrong, with the line but without the file and row: "line 3: has 3 fields, expected 2". */
  reason: string;
  /** The row was refused for its size (a field or line over the limit), not for its form. */
  tooLong?: boolean;
}

/** A failure reading a table; the message always names the file (and the row when one row is at fault). */
export class TableError extends Error {
  constructor(
    readonly file: string,
    message: string,
    readonly row?: number,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'TableError';
  }
}

export interface ReadOptions {
  /** Columns to read (default: every column of the table). Unknown names -> TableError listing the columns. */
  columns?: string[];
  /** 0-based index of the first row to return (resume). Default 0. */
  startRow?: number;
  /** Rows per batch (default 4096). Parquet batches never cross a row-group boundary. */
  batchSize?: number;
  /**
   * 'throw' (default): a bad row (wrong field count, invalid JSON) throws a TableError naming file and row.
   * 'skip': the bad row keeps its index, appears as `null` in `rows` / `undefined` in `columns`, and is listed in the
   * batch's `errors`.
   */
  badRows?: 'throw' | 'skip';
}

/** Column-oriented batch: `columns[name][i]` is the value of row `startRow + i`. */
export interface ColumnBatch {
  startRow: number;
  length: number;
  columns: Record<string, unknown[]>;
  errors: TableRowError[];
}

/** Row-oriented batch: `rows[i]` is row `startRow + i` (null when it was a skipped bad row, see `errors`). */
export interface RowBatch {
  startRow: number;
  rows: (Record<string, unknown> | null)[];
  errors: TableRowError[];
}

export interface TableStats {
  /** Invalid UTF-8 sequences replaced by U+FFFD so far (in the values read). */
  invalidUtf8: number;
  /** Bytes read so far, after gunzip for gzipped files (csv/tsv/jsonl; a gzipped parquet: its unpacked copy). */
  unpackedBytes: number;
}

/** What a column holds, where the format says (parquet); text formats hold text, JSON Lines any JSON value. */
export type ColumnKind = 'text' | 'integer' | 'float' | 'boolean' | 'other';

/** How to open a table. */
export interface OpenOptions {
  format?: TableFormat;
  /**
   * csv/tsv: whether the first record names the columns (default true). Without a header the columns are named by
   * their 1-based position ('1', '2', ...) and the first record is row 0.
   */
  header?: boolean;
  /**
   * Longest field (csv/tsv) or line (jsonl) held, in characters (default 1 Mi). A longer one is a bad row: it is
   * skipped without being held and reading goes on after it.
   */
  maxRecordChars?: number;
  /** Most bytes a gzipped file may unpack to (default: 100x its size, at least 64 MiB). */
  maxUnpackedBytes?: number;
  /** Where a gzipped parquet file is unpacked (parquet needs random access); default os.tmpdir(). */
  tempDir?: string;
}

export const DEFAULT_MAX_RECORD_CHARS = 1 << 20;

/** A format reader's half of a Table: columns, optional row count, and column batches. */
export interface TableSource {
  format: TableFormat;
  columns: string[];
  /** Known kinds of columns (parquet: from the schema; csv/tsv: all text; jsonl: none known). */
  columnKinds: Record<string, ColumnKind>;
  rowCount?: number;
  stats: TableStats;
  columnBatches(
    columns: string[],
    startRow: number,
    batchSize: number,
    badRows: 'throw' | 'skip',
  ): AsyncIterable<ColumnBatch>;
  close(): Promise<void>;
}
