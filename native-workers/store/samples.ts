// Samples (one metadata row or one image) as ingest writes them, and the fetch bookkeeping on them.
import type Database from 'better-sqlite3';
import type { Db } from './workspace.ts';

export interface NewSample {
  sourceId: number;
  row: number;
  url: string | null;
  caption: string;
  width: number | null;
  height: number | null;
  nsfwMeta: string | null;
  laionSimilarity: number | null;
  punsafe: number | null;
  /** JSON text of the other columns worth keeping (or null). */
  extra: string | null;
  imageSha256: string | null;
  fetchStatus?: string | null;
  fetchError?: string | null;
}

/** Rows per multi-row INSERT: fewer calls into SQLite per sample (14 parameters a row, well under the limit). */
const CHUNK = 64;
const COLS = `(source_id, row, url, caption, width, height, nsfw_meta, laion_similarity, punsafe, extra, image_sha256, fetch_status, fetch_error)`;
const ONE = `(?,?,?,?,?,?,?,?,?,?,?,?,?)`;

interface InsertStatements {
  one: Database.Statement;
  chunk: Database.Statement;
}
const insertCache = new WeakMap<Db, InsertStatements>();

function insertStatements(db: Db): InsertStatements {
  let s = insertCache.get(db);
  if (!s) {
    s = {
      one: db.prepare(`INSERT OR IGNORE INTO samples ${COLS} VALUES ${ONE}`),
      chunk: db.prepare(`INSERT OR IGNORE INTO samples ${COLS} VALUES ${Array(CHUNK).fill(ONE).join(',')}`),
    };
    insertCache.set(db, s);
  }
  return s;
}

function pushParams(out: unknown[], s: NewSample): void {
  out.push(
    s.sourceId,
    s.row,
    s.url,
    s.caption,
    s.width,
    s.height,
    s.nsfwMeta,
    s.laionSimilarity,
    s.punsafe,
    s.extra,
    s.imageSha256,
    s.fetchStatus ?? null,
    s.fetchError ?? null,
  );
}

/**
 * Insert samples (call inside a transaction). (source_id, row) already present are ignored, so a repeated batch adds
 * nothing. Returns the number of rows actually added.
 */
export function insertSamples(db: Db, samples: NewSample[]): number {
  const st = insertStatements(db);
  let added = 0;
  let i = 0;
  const params: unknown[] = [];
  for (; i + CHUNK <= samples.length; i += CHUNK) {
    params.length = 0;
    for (let j = i; j < i + CHUNK; j++) pushParams(params, samples[j]);
    added += st.chunk.run(params).changes;
  }
  for (; i < samples.length; i++) {
    params.length = 0;
    pushParams(params, samples[i]);
    added += st.one.run(params).changes;
  }
  return added;
}

export function countSamples(db: Db, sourceId?: number): number {
  const r = (sourceId == null
    ? db.prepare(`SELECT COUNT(*) n FROM samples`).get()
    : db.prepare(`SELECT COUNT(*) n FROM samples WHERE source_id = ?`).get(sourceId)) as { n: number };
  return r.n;
}

// --- fetch -------------------------------------------------------------------------------------------------------

/** Fetch statuses a sample ends with; 'fetching' marks a claimed download in flight, 'interrupted' one lost to a kill. */
export const FETCH_STATUSES = ['ok', 'http_error', 'timeout', 'not_image', 'too_large', 'opted_out', 'interrupted'] as const;
export type FetchStatus = (typeof FETCH_STATUSES)[number];
/** Statuses `fetch --retry-failed` requests again (a permanent answer such as opted_out or not_image is respected). */
export const RETRYABLE_FETCH_STATUSES: FetchStatus[] = ['http_error', 'timeout', 'interrupted'];

export interface FetchClaim {
  id: number;
  url: string;
}

/** Samples still waiting for a download (a URL, no image, never claimed). */
export function countToFetch(db: Db): number {
  return (db.prepare(`SELECT COUNT(*) n FROM samples WHERE url IS NOT NULL AND image_sha256 IS NULL AND fetch_status IS NULL`).get() as { n: number }).n;
}

/**
 * Downloads claimed by a process that died ('fetching') become 'interrupted': they may have reached the server, so
 * they are not requested again unless asked (`fetch --retry-failed`). Returns how many.
 */
export function markInterruptedFetches(db: Db): number {
  return db
    .prepare(
      `UPDATE samples SET fetch_status = 'interrupted',
         fetch_error = 'the fetch process stopped while this download was in flight; not requested again automatically (imagenot fetch --retry-failed)'
       WHERE fetch_status = 'fetching'`,
    )
    .run().changes;
}

/** Make failed downloads with these statuses eligible again. Returns how many. */
export function resetFetches(db: Db, statuses: readonly string[]): number {
  if (!statuses.length) return 0;
  return db
    .prepare(
      `UPDATE samples SET fetch_status = NULL, fetch_error = NULL
       WHERE image_sha256 IS NULL AND fetch_status IN (${statuses.map(() => '?').join(',')})`,
    )
    .run(...statuses).changes;
}

/** The next samples waiting for a download after `afterId`, in id order (nothing is marked yet). */
export function nextToFetch(db: Db, afterId: number, limit: number): FetchClaim[] {
  return db
    .prepare(
      `SELECT id, url FROM samples
       WHERE id > ? AND url IS NOT NULL AND image_sha256 IS NULL AND fetch_status IS NULL
       ORDER BY id LIMIT ?`,
    )
    .all(afterId, limit) as FetchClaim[];
}

/** Mark one sample 'fetching' (its own small transaction) right before its request is sent. */
export function markFetching(db: Db, id: number): void {
  db.prepare(`UPDATE samples SET fetch_status = 'fetching', fetch_attempts = fetch_attempts + 1 WHERE id = ?`).run(id);
}

export interface FetchResult {
  id: number;
  status: FetchStatus;
  error: string | null;
  imageSha256: string | null;
}

/** Store download outcomes (call inside a transaction, after the images they point to). */
export function recordFetchResults(db: Db, results: FetchResult[]): void {
  const st = db.prepare(`UPDATE samples SET fetch_status = ?, fetch_error = ?, image_sha256 = COALESCE(?, image_sha256) WHERE id = ?`);
  for (const r of results) st.run(r.status, r.error, r.imageSha256, r.id);
}

export function fetchStatusCounts(db: Db): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of db.prepare(`SELECT fetch_status s, COUNT(*) n FROM samples WHERE fetch_status IS NOT NULL GROUP BY fetch_status`).all() as {
    s: string;
    n: number;
  }[]) {
    out[r.s] = r.n;
  }
  return out;
}
