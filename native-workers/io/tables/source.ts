// Opening a table file's bytes: format from the name (".gz" stripped), gzip recognised by its magic bytes, and the
// (decompressed) bytes as chunks, counted and bounded: gzip data that unpacks beyond the limit stops with an error
// naming the limit instead of filling memory or disk.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
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
  if (!format)
    throw new TableError(
      path,
      `file ${path}: unknown table format '.${ext}' (expected .parquet, .csv, .tsv or .jsonl, optionally .gz)`,
    );
  return format;
}

/** A file-system error as a short reason: "permission denied (EACCES)". */
export function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (!err?.code) return err?.message ?? String(e);
  const text = (err.message ?? '').replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
  return `${text || err.code} (${err.code})`;
}

/** True when the file starts with the gzip magic bytes 1f 8b. */
export async function isGzipFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new TableError(path, `file ${path}: cannot open: ${describeFsError(e)}`);
  });
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/** Gzip data of real tables unpacks to a few times its size; beyond this ratio it is a bomb (gzip's own limit is ~1032). */
export const MAX_GZIP_RATIO = 100;
/** ... except that small files may always unpack to this much. */
export const MIN_UNPACKED_LIMIT = 64 * 1024 * 1024;

/** The unpacked-size limit of a gzipped file: the explicit one, or 100x its size with a 64 MiB floor. */
export async function unpackedLimitOf(
  path: string,
  explicit: number | undefined,
): Promise<{ bytes: number; explicit: boolean }> {
  if (explicit != null) return { bytes: explicit, explicit: true };
  const { size } = await stat(path);
  return { bytes: Math.max(MIN_UNPACKED_LIMIT, MAX_GZIP_RATIO * size), explicit: false };
}

export interface ByteReadOptions {
  /** Stop with a TableError when the gunzipped bytes exceed this (gzipped files only). */
  maxUnpackedBytes?: number;
  /** Whether the limit was given by the user (the message says which option raises it). */
  explicitLimit?: boolean;
  /** Bytes produced so far (after gunzip), updated as chunks are read. */
  counter?: { bytes: number };
}

/** A TableError for a stream failure: corrupt or truncated gzip, an unreadable file. */
export function byteStreamError(path: string, e: unknown): TableError {
  if (e instanceof TableError) return e;
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(err.message ?? '')) {
    return new TableError(path, `file ${path}: gzip data ends early (the file is truncated)`);
  }
  if (err.code?.startsWith('Z_')) return new TableError(path, `file ${path}: corrupt gzip data (${err.message})`);
  if (err.syscall || err.code) return new TableError(path, `file ${path}: cannot read: ${describeFsError(err)}`);
  return new TableError(path, `file ${path}: ${err.message ?? String(e)}`);
}

/**
 * The file's bytes, gunzipped when gzipped, as chunks. Errors (unreadable file, corrupt or truncated gzip, the unpacked
 * limit) are TableErrors naming the file; they are thrown after the chunks read before them. Stopping the iteration
 * early closes the file.
 */
export async function* byteChunks(path: string, gzip: boolean, opts: ByteReadOptions = {}): AsyncGenerator<Buffer> {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  let stream: Readable = raw;
  if (gzip) {
    const gunzip = createGunzip({ chunkSize: 1 << 20 });
    raw.on('error', (e) => gunzip.destroy(e));
    gunzip.on('close', () => raw.destroy());
    stream = raw.pipe(gunzip);
  }
  const limit = gzip ? opts.maxUnpackedBytes : undefined;
  const counter = opts.counter ?? { bytes: 0 };
  try {
    for await (const chunk of stream) {
      counter.bytes += (chunk as Buffer).length;
      if (limit != null && counter.bytes > limit) {
        // The bytes up to the limit still count: the rows they complete are read.
        const within = (chunk as Buffer).length - (counter.bytes - limit);
        if (within > 0) yield (chunk as Buffer).subarray(0, within);
        const how = opts.explicitLimit
          ? '--max-unpacked-bytes'
          : `the default, ${MAX_GZIP_RATIO}x the file's size and at least ${MIN_UNPACKED_LIMIT} bytes; raise it with --max-unpacked-bytes`;
        throw new TableError(path, `file ${path}: gzip data unpacks to more than ${limit} bytes (limit: ${how})`);
      }
      yield chunk as Buffer;
    }
  } catch (e) {
    throw byteStreamError(path, e);
  } finally {
    stream.destroy();
    raw.destroy();
  }
}
