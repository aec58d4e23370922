// A streaming CSV/TSV record parser fed text chunks of any size. It follows what pandas/Python's csv module read and
// write (RFC 4180 quoting): a field that starts with `"` is quoted and may hold delimiters, `""` and line breaks;
// a quote elsewhere in an unquoted field is kept as text; text after a closing quote is appended as is. Records end
// at `\n` or `\r\n`; lines with nothing on them are skipped. Only the fields a caller asked for are built as strings,
// and a field longer than `maxFieldChars` is not held: the record is reported as too long and the parser reads on to
// the record's end, so one bad record costs neither memory nor the records after it.
//
// It is hand-written for speed and for that bound. On 1M LAION rows (158 MB), per CPU-second: csv-parse, the library
// it replaces, parsed 0.19M records with the line numbers we report (0.33M without them), which made `match
// --captions` on a CSV 2.7x the CPU time of the same captions as JSONL; papaparse, the fastest library tried, 1.06M;
// this parser 2.7M (bench/tables.bench.ts measures it against csv-parse in every run). Neither library has a way to
// drop an over-long field while reading on: csv-parse's max_record_size ends the parse, papaparse holds the record.

const QUOTE = 0x22;
const CR = 0x0d;

export interface ParsedRecord {
  /** Values of the requested fields (by slot); undefined where the record has no such field. */
  values: (string | undefined)[];
  /** How many fields the record has. */
  fields: number;
  /** 1-based line where the record starts, and where it ends. */
  line: number;
  endLine: number;
  /** Why the record cannot be used, or null: a field over the limit (0-based index), or a quote never closed. */
  problem: { kind: 'too-long'; field: number } | { kind: 'unclosed-quote' } | null;
}

export interface DelimitedParserOptions {
  delimiter: string;
  /** Field index -> slot in `values`, or -1 to skip the field; fields past the end are skipped. Null: keep every field. */
  slots: Int32Array | null;
  /** Number of slots (ignored when `slots` is null). */
  slotCount: number;
  maxFieldChars: number;
}

export class DelimitedParser {
  private readonly delim: number;
  private readonly delimText: string;
  private readonly slots: Int32Array | null;
  private readonly slotCount: number;
  private readonly maxFieldChars: number;
  // State of the record being read (it may span chunks).
  private values: (string | undefined)[];
  private fieldIndex = 0;
  private field = '';
  private fieldLength = 0;
  /** Last character added to the current field (a `\r` before `\n` belongs to the line break). */
  private lastChar = 0;
  private fieldQuoted = false;
  /** Inside a quoted field. */
  private inQuotes = false;
  /** A `"` ended the last chunk inside a quoted field: a closing quote or the first half of `""`. */
  private quoteAtChunkEnd = false;
  private problem: ParsedRecord['problem'] = null;
  private recordStarted = false;
  private line = 1;
  private recordLine = 1;
  private bomChecked = false;

  constructor(opts: DelimitedParserOptions) {
    if (opts.delimiter.length !== 1) throw new Error('the delimiter must be one character');
    this.delim = opts.delimiter.charCodeAt(0);
    this.delimText = opts.delimiter;
    this.slots = opts.slots;
    this.slotCount = opts.slotCount;
    this.values = this.freshValues();
    this.maxFieldChars = opts.maxFieldChars;
  }

  private freshValues(): (string | undefined)[] {
    return this.slots === null ? [] : new Array(this.slotCount);
  }

  /** Parse a chunk; `emit` gets each complete record in order (the record object is the caller's to keep). */
  write(text: string, emit: (r: ParsedRecord) => void): void {
    let s = text;
    if (!this.bomChecked && s.length) {
      this.bomChecked = true;
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    }
    const n = s.length;
    let i = 0;
    if (this.quoteAtChunkEnd && n) {
      this.quoteAtChunkEnd = false;
      if (s.charCodeAt(0) === QUOTE) {
        this.append('"', 1);
        i = 1;
      } else {
        this.inQuotes = false;
        this.lastChar = QUOTE;
      }
    }
    const delim = this.delim;
    // Next delimiter and next line feed at or after i (-1: none in this chunk); recomputed only when passed.
    let nextDelim = -2;
    let nextLf = -2;
    while (i < n) {
      if (this.inQuotes) {
        const q = s.indexOf('"', i);
        if (q === -1) {
          this.appendCounting(s, i, n);
          return;
        }
        this.appendCounting(s, i, q);
        if (q + 1 === n) {
          this.quoteAtChunkEnd = true;
          return;
        }
        if (s.charCodeAt(q + 1) === QUOTE) {
          this.append('"', 1);
          i = q + 2;
        } else {
          this.inQuotes = false;
          this.lastChar = QUOTE;
          i = q + 1;
        }
        continue;
      }
      if (!this.recordStarted) {
        this.recordStarted = true;
        this.recordLine = this.line;
      }
      if (this.fieldLength === 0 && !this.fieldQuoted && s.charCodeAt(i) === QUOTE) {
        this.fieldQuoted = true;
        this.inQuotes = true;
        i++;
        continue;
      }
      if (nextDelim !== -1 && nextDelim < i) nextDelim = s.indexOf(this.delimText, i);
      if (nextLf !== -1 && nextLf < i) nextLf = s.indexOf('\n', i);
      const end = nextLf === -1 ? nextDelim : nextDelim === -1 ? nextLf : Math.min(nextDelim, nextLf);
      if (end === -1) {
        this.append(s, n - i, i, n);
        return;
      }
      this.append(s, end - i, i, end);
      if (s.charCodeAt(end) === delim) {
        this.endField();
        i = end + 1;
      } else {
        this.endRecord(emit, true);
        this.line++;
        i = end + 1;
      }
    }
  }

  /** The input ended: the last record (without a final line break) is complete, or its quote was never closed. */
  end(emit: (r: ParsedRecord) => void): void {
    if (this.quoteAtChunkEnd) {
      this.quoteAtChunkEnd = false;
      this.inQuotes = false;
    }
    if (this.inQuotes) {
      this.problem ??= { kind: 'unclosed-quote' };
      this.inQuotes = false;
    }
    if (this.recordStarted || this.fieldIndex > 0 || this.fieldLength > 0 || this.fieldQuoted)
      this.endRecord(emit, false);
  }

  private slotOf(index: number): number {
    if (this.slots === null) return index;
    return index < this.slots.length ? this.slots[index] : -1;
  }

  /** Adds s[from, to) (or the string `s` when from is undefined) to the current field, within the limit. */
  private append(s: string, length: number, from?: number, to?: number): void {
    if (length === 0) return;
    this.fieldLength += length;
    this.lastChar = from === undefined ? s.charCodeAt(s.length - 1) : s.charCodeAt(to! - 1);
    if (this.problem !== null) return;
    if (this.fieldLength > this.maxFieldChars) {
      this.problem = { kind: 'too-long', field: this.fieldIndex };
      this.field = '';
      return;
    }
    if (this.slotOf(this.fieldIndex) < 0) return;
    const piece = from === undefined ? s : s.slice(from, to);
    this.field = this.field.length ? this.field + piece : piece;
  }

  /** append() for quoted text, which may hold line breaks: they are counted for line numbers. */
  private appendCounting(s: string, from: number, to: number): void {
    for (let k = s.indexOf('\n', from); k !== -1 && k < to; k = s.indexOf('\n', k + 1)) this.line++;
    this.append(s, to - from, from, to);
  }

  private endField(): void {
    const slot = this.slotOf(this.fieldIndex);
    if (slot >= 0 && this.problem === null) {
      if (this.slots === null) this.values.push(this.field);
      else this.values[slot] = this.field;
    }
    this.fieldIndex++;
    this.field = '';
    this.fieldLength = 0;
    this.fieldQuoted = false;
    this.lastChar = 0;
  }

  private endRecord(emit: (r: ParsedRecord) => void, atLineFeed: boolean): void {
    // `\r\n`: the `\r` is part of the line break, not of the last field.
    if (atLineFeed && this.lastChar === CR) {
      if (this.field.length) this.field = this.field.slice(0, -1);
      this.fieldLength--;
    }
    const empty = this.fieldIndex === 0 && this.fieldLength === 0 && !this.fieldQuoted && this.problem === null;
    this.endField();
    const record: ParsedRecord = {
      values: this.values,
      fields: this.fieldIndex,
      line: this.recordLine,
      endLine: this.line,
      problem: this.problem,
    };
    this.values = this.freshValues();
    this.fieldIndex = 0;
    this.problem = null;
    this.recordStarted = false;
    if (!empty) emit(record);
  }
}
