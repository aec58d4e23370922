// RFC 4180 CSV, streamed to a file: header first, then one line per row (fields quoted only when needed).
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

export function csvField(value: unknown): string {
  if (value == null) return '';
  const s = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export class CsvWriter {
  private readonly out: WriteStream;
  constructor(path: string, header: readonly string[]) {
    this.out = createWriteStream(path);
    this.out.write(header.map(csvField).join(',') + '\n');
  }

  async write(fields: readonly unknown[]): Promise<void> {
    if (!this.out.write(fields.map(csvField).join(',') + '\n')) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    this.out.end();
    await once(this.out, 'finish');
  }
}
