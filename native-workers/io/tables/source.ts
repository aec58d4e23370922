// Opening a table file's bytes: format from the name (".gz" stripped), gzip recognised by its magic bytes, and a
// decompressed byte stream for the text formats.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { TableError, type TableFormat } from './types.ts';

const EXTENSIONS: Record<string, TableFormat> = {
  parquet: 'parquet',
  pq: 'parquet',
  csv: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  json: 'jsonl',
};

/** The table format named by a file's extension (after an optional .gz), or a TableError. */
export function tableFormatOf(path: string): TableFormat {
  const parts = basename(path).toLowerCase().split('.');
  if (parts[parts.length - 1] === 'gz') parts.pop();
  const ext = parts.length > 1 ? parts[parts.length - 1] : '';
  const format = EXTENSIONS[ext];
  if (!format) throw new TableError(path, `file ${path}: unknown table format '.${ext}' (expected .parquet, .csv, .tsv or .jsonl, optionally .gz)`);
  return format;
}

/** True when the file starts with the gzip magic bytes 1f 8b. */
export async function isGzipFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new TableError(path, `file ${path}: cannot open (${e.code ?? e.message})`);
  });
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/** The file's bytes, gunzipped when gzipped. Errors (corrupt gzip) surface on iteration. */
export function openByteStream(path: string, gzip: boolean): Readable {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  if (!gzip) return raw;
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  raw.on('error', (e) => gunzip.destroy(e));
  return raw.pipe(gunzip);
}
