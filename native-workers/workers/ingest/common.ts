// What the ingest readers share: parameters, rejection recording, storing images into the workspace, metadata values.
import { join } from 'node:path';
import type { WorkerContext } from '../../jobs/worker-context.ts';
import { reassignRejection, reassignSourceRejections } from '../../store/rejections.ts';
import { findSourceByHash } from '../../store/sources.ts';
import { getImage, insertImage, type ImageRow } from '../../store/images.ts';
import { storeImage, sha256Hex, type ImageDirs, type ImageOptions } from '../../io/images.ts';
import { describeFsError } from '../../io/tables/source.ts';
import type { Workspace } from '../../store/workspace.ts';

export interface IngestOptions {
  captionCol: string;
  urlCol: string;
  /** csv/tsv files have a header row (false: columns are named '1', '2', ... by position). */
  header: boolean;
  /** A longer caption is refused (the row is rejected, counted as over the limit). */
  maxCaptionChars: number;
  /** Longest csv/tsv field or jsonl/URL-list line held while reading. */
  maxRecordChars: number;
  /** Most bytes a gzipped input may unpack to (undefined: 100x its size, at least 64 MiB). */
  maxUnpackedBytes?: number;
  /** This job's temporary folder (inside the workspace). */
  tempDir: string;
  image: ImageOptions;
}

/** What one input added, for the job result and the command's summary. */
export interface InputReport {
  path: string;
  kind: string;
  sourceId: number | null;
  /** 'added' (read now), 'already' (same content ingested before), 'rejected' (unreadable). */
  outcome: 'added' | 'already' | 'rejected';
  samples: number;
  rows: number;
  rejected: number;
  replacedUtf8: number;
  /** Rows/entries refused for their size (also in `rejected`). */
  overLimit: number;
  /** Samples kept without a caption. */
  noCaption: number;
  /** Bytes after gunzip, for a gzipped input. */
  unpackedBytes?: number;
  error?: string;
}

/** Record a rejected item; one seen before (same file, item, reason) is attributed to this job again. */
export function rejectItem(ctx: WorkerContext, source: string, item: string, reason: string): boolean {
  if (ctx.reject(source, item, reason)) return true;
  reassignRejection(ctx.ws.db, { jobId: ctx.jobId, source, item, reason });
  return false;
}

export function emptyReport(path: string, kind: string): InputReport {
  return {
    path,
    kind,
    sourceId: null,
    outcome: 'added',
    samples: 0,
    rows: 0,
    rejected: 0,
    replacedUtf8: 0,
    overLimit: 0,
    noCaption: 0,
  };
}

/**
 * An input that could not be read at all, reported by name: recorded as item 'file' of the input, or as `entry.item`
 * of `entry.source` for an entry of a folder (a link out of it).
 */
export function rejectedInput(
  ctx: WorkerContext,
  path: string,
  kind: string,
  reason: string,
  entry?: { source: string; item: string },
): InputReport {
  rejectItem(ctx, entry?.source ?? path, entry?.item ?? 'file', reason);
  return { ...emptyReport(path, kind), outcome: 'rejected', rejected: 1, error: reason };
}

/** Why reading an input failed, in words: file-system errors by their code, a stack overflow as nesting. */
export function describeFailure(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e instanceof RangeError && /call stack/i.test(e.message)) return 'a value is nested too deeply to process';
  if (e?.code && e.syscall) return `cannot read: ${describeFsError(e)}`;
  return e?.message ?? String(err);
}

/**
 * When a source with this content was already ingested completely: nothing is added, and the items it had rejected
 * are reported again (the command fails again) instead of silently passing. Null when it still has to be read.
 */
export function alreadyIngested(
  ctx: WorkerContext,
  path: string,
  kind: string,
  contentHash: string,
): InputReport | null {
  const known = findSourceByHash(ctx.ws.db, contentHash);
  if (known?.state !== 'done') return null;
  const rejected = reassignSourceRejections(ctx.ws.db, ctx.jobId, [known.path, path]);
  ctx.log(
    `${path}: already ingested (source #${known.id}, same content as ${known.path}); nothing added${rejected ? `; ${rejected} item(s) rejected then` : ''}`,
  );
  return { ...emptyReport(path, kind), sourceId: known.id, outcome: 'already', rows: known.rows ?? 0, rejected };
}

export function imageDirs(ws: Workspace): ImageDirs {
  return { media: ws.paths.media, thumbs: ws.paths.thumbs, originals: join(ws.paths.media, 'originals') };
}

/**
 * Decode and store image bytes (or reuse the image with the same sha256). Throws ImageRejected for bad bytes.
 * The returned row has workspace-relative paths; insert it with `insertImage` in the batch's transaction.
 */
export async function storeWorkspaceImage(ws: Workspace, data: Uint8Array, opts: ImageOptions): Promise<ImageRow> {
  const sha = sha256Hex(data);
  const known = getImage(ws.db, sha);
  if (known) return known;
  const s = await storeImage(data, imageDirs(ws), opts, sha);
  return {
    sha256: s.sha256,
    width: s.width,
    height: s.height,
    format: s.format,
    bytes: s.bytes,
    storedPath: ws.relativePath(s.storedPath),
    thumbPath: ws.relativePath(s.thumbPath),
    originalPath: s.originalPath ? ws.relativePath(s.originalPath) : null,
  };
}

export function insertImages(ws: Workspace, images: ImageRow[]): void {
  for (const im of images) insertImage(ws.db, im);
}

/**
 * Map over `items` with up to `parallel` calls of `fn` in flight, yielding results in input order (images decode on
 * sharp's threads while the next bytes are read).
 */
export async function* orderedMap<T, R>(
  items: AsyncIterable<T>,
  fn: (item: T) => Promise<R>,
  parallel: number,
): AsyncGenerator<{ item: T; result: PromiseSettledResult<R> }> {
  const pending: { item: T; result: Promise<PromiseSettledResult<R>> }[] = [];
  const settle = (p: Promise<R>) =>
    p.then(
      (value) => ({ status: 'fulfilled' as const, value }),
      (reason) => ({ status: 'rejected' as const, reason }),
    );
  try {
    for await (const item of items) {
      pending.push({ item, result: settle(fn(item)) });
      if (pending.length >= parallel) {
        const head = pending.shift()!;
        yield { item: head.item, result: await head.result };
      }
    }
  } catch (err) {
    // The source broke (e.g. a truncated tar): the items already read still come out, then the error.
    while (pending.length) {
      const head = pending.shift()!;
      yield { item: head.item, result: await head.result };
    }
    throw err;
  }
  while (pending.length) {
    const head = pending.shift()!;
    yield { item: head.item, result: await head.result };
  }
}

// --- metadata values -------------------------------------------------------------------------------------------

export function toInt(v: unknown): number | null {
  if (v == null || v === '') return null;
  const n = typeof v === 'bigint' ? Number(v) : Number(v);
  return Number.isFinite(n) ? Math.round(n) : null;
}

export function toFloat(v: unknown): number | null {
  if (v == null || v === '') return null;
  const n = typeof v === 'bigint' ? Number(v) : Number(v);
  return Number.isFinite(n) ? n : null;
}

export function toText(v: unknown): string | null {
  if (v == null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x));
}

/** The column called `wanted`, or the one equal to it ignoring case; undefined when absent. */
export function findColumn(columns: string[], wanted: string): string | undefined {
  if (columns.includes(wanted)) return wanted;
  const lower = wanted.toLowerCase();
  return columns.find((c) => c.toLowerCase() === lower);
}

/** Metadata kept in their own sample columns (case-insensitive); everything else goes to `extra`. */
export const KNOWN_FIELDS = {
  width: 'WIDTH',
  height: 'HEIGHT',
  nsfw: 'NSFW',
  similarity: 'similarity',
  punsafe: 'punsafe',
} as const;
