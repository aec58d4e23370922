// RFC 4180 CSV, streamed to a file: header first, then one line per row (fields quoted only when needed).
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

/** One RFC 4180 field: quoted only when it holds a quote, comma or line break; null and non-finite numbers empty. */
export function csvField(value: unknown): string {
  if (value == null) return '';
  const s = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export class CsvWriter {
  private readonly out: WriteStream;
  private error: Error | undefined;
  constructor(
    private readonly path: string,
    header: readonly string[],
  ) {
    this.out = createWriteStream(path);
    this.out.on('error', (err) => (this.error = err));
    this.out.write(header.map(csvField).join(',') + '\n');
  }

  private check(): void {
    if (this.error) throw new Error(`cannot write ${this.path}: ${this.error.message}`);
  }

  async write(fields: readonly unknown[]): Promise<void> {
    this.check();
    if (!this.out.write(fields.map(csvField).join(',') + '\n'))
      await Promise.race([once(this.out, 'drain'), once(this.out, 'close')]);
  }

  async close(): Promise<void> {
    this.check();
    this.out.end();
    await once(this.out, 'close');
    this.check();
  }
}
