// Text files read line by line (JSON Lines, URL lists) with bounded memory: the (optionally gunzipped) bytes decoded
// with invalid UTF-8 replaced and counted, split at '\n'; blank lines are skipped; a line longer than the limit is not
// held but reported (text null) and reading goes on after it.
import type { CountingUtf8StreamDecoder } from './utf8.ts';
import { byteChunks, type ByteReadOptions } from './source.ts';

export interface LineReadOptions {
  maxRecordChars: number;
  bytes: ByteReadOptions;
}

/** A non-blank line with its 1-based number, or a line too long to hold (text null). */
export interface Line {
  text: string | null;
  line: number;
}

/** Splits text chunks into lines; a line longer than `max` characters is not kept (see Line.text). */
export class LineSplitter {
  private pending = '';
  /** The current line passed the limit: its characters are dropped until its end. */
  private overLong = false;
  private lineNo = 0;
  constructor(private readonly max: number) {}

  push(text: string, out: Line[], final: boolean): void {
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      this.lineNo++;
      if (this.overLong) {
        out.push({ text: null, line: this.lineNo });
        this.overLong = false;
      } else {
        const line = this.pending.length ? this.pending + text.slice(from, nl) : text.slice(from, nl);
        this.pending = '';
        if (line.length > this.max) out.push({ text: null, line: this.lineNo });
        else if (line.trim()) out.push({ text: line, line: this.lineNo });
      }
      from = nl + 1;
    }
    if (!this.overLong) {
      if (this.pending.length + text.length - from > this.max) {
        this.overLong = true;
        this.pending = '';
      } else this.pending += text.slice(from);
    }
    if (final) {
      if (this.overLong) out.push({ text: null, line: ++this.lineNo });
      else if (this.pending.trim()) out.push({ text: this.pending, line: ++this.lineNo });
      this.pending = '';
      this.overLong = false;
    }
  }
}

/** Non-blank lines, a chunk's worth at a time. A stream error is thrown after the lines completed before it. */
export async function* lineChunks(
  path: string,
  gzip: boolean,
  opts: LineReadOptions,
  decoder: CountingUtf8StreamDecoder,
  counter: { bytes: number },
): AsyncGenerator<Line[]> {
  const splitter = new LineSplitter(opts.maxRecordChars);
  let out: Line[] = [];
  for await (const chunk of byteChunks(path, gzip, { ...opts.bytes, counter })) {
    splitter.push(decoder.write(chunk), out, false);
    if (out.length) {
      yield out;
      out = [];
    }
  }
  splitter.push(decoder.end(), out, true);
  if (out.length) yield out;
}
