// Ingested inputs (metadata files, tar shards, image folders): identity by content hash, resume point, counters.
import type { Db } from './workspace.ts';
import { nowIso } from './workspace.ts';

export type SourceState = 'ingesting' | 'done';

export interface SourceRow {
  id: number;
  path: string;
  kind: string;
  contentHash: string;
  rows: number | null;
  state: SourceState;
  ingestedAt: string | null;
  nextRow: number;
  replacedUtf8: number;
  rejected: number;
  /** Rows/entries refused for their size (also counted in `rejected`). */
  overLimit: number;
  /** Samples kept without a caption (empty, null or absent). */
  noCaption: number;
  /** Bytes after gunzip of a gzipped source, else null. */
  unpackedBytes: number | null;
  error: string | null;
}

const COLUMNS = `id, path, kind, content_hash contentHash, rows, state, ingested_at ingestedAt, next_row nextRow,
  replaced_utf8 replacedUtf8, rejected, over_limit overLimit, no_caption noCaption, unpacked_bytes unpackedBytes, error`;

export function findSourceByHash(db: Db, contentHash: string): SourceRow | undefined {
  return db.prepare(`SELECT ${COLUMNS} FROM sources WHERE content_hash = ?`).get(contentHash) as SourceRow | undefined;
}

/** The source with this content hash, created (state 'ingesting', nothing read yet) when new. */
export function openSource(
  db: Db,
  s: { path: string; kind: string; contentHash: string; rows?: number | null },
): SourceRow {
  db.prepare(
    `INSERT OR IGNORE INTO sources (path, kind, content_hash, rows, state) VALUES (?, ?, ?, ?, 'ingesting')`,
  ).run(s.path, s.kind, s.contentHash, s.rows ?? null);
  return findSourceByHash(db, s.contentHash)!;
}

/** Counters a batch adds to its source. */
export interface SourceCounts {
  replacedUtf8?: number;
  rejected?: number;
  overLimit?: number;
  noCaption?: number;
}

/** Record how far the source got (call inside the batch's transaction). Counters are added, not set. */
export function advanceSource(db: Db, id: number, nextRow: number, add: SourceCounts = {}): void {
  db.prepare(
    `UPDATE sources SET next_row = ?, replaced_utf8 = replaced_utf8 + ?, rejected = rejected + ?, over_limit = over_limit + ?, no_caption = no_caption + ? WHERE id = ?`,
  ).run(nextRow, add.replacedUtf8 ?? 0, add.rejected ?? 0, add.overLimit ?? 0, add.noCaption ?? 0, id);
}

/** Count rejections of a source found outside a row batch (e.g. an unsafe tar entry); `overLimit` of them for their size. */
export function countSourceRejections(db: Db, id: number, n: number, overLimit = 0): void {
  db.prepare(`UPDATE sources SET rejected = rejected + ?, over_limit = over_limit + ? WHERE id = ?`).run(
    n,
    overLimit,
    id,
  );
}

/** The source is read to its end (or to the damage named by `error`); `unpackedBytes` for a gzipped one. */
export function finishSource(
  db: Db,
  id: number,
  rows: number,
  error: string | null = null,
  unpackedBytes: number | null = null,
): void {
  db.prepare(
    `UPDATE sources SET state = 'done', rows = ?, next_row = ?, error = ?, unpacked_bytes = ?, ingested_at = ? WHERE id = ?`,
  ).run(rows, rows, error, unpackedBytes, nowIso(), id);
}

export function listSources(db: Db): SourceRow[] {
  return db.prepare(`SELECT ${COLUMNS} FROM sources ORDER BY id`).all() as SourceRow[];
}

/** Samples per source (a source's `rows` counts rows read, including rejected ones). */
export function sampleCountsBySource(db: Db): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of db.prepare(`SELECT source_id id, COUNT(*) n FROM samples GROUP BY source_id`).all() as {
    id: number;
    n: number;
  }[]) {
    out.set(r.id, r.n);
  }
  return out;
}
