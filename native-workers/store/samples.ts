// Samples (one metadata row or one image) as ingest writes them, and the fetch bookkeeping on them.
import type Database from 'better-sqlite3';
import type { Db } from './workspace.ts';
import { getMeta, setMeta } from './meta.ts';

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

/** Rows per multi-row INSERT: fewer calls into SQLite per sample. */
const CHUNK = 64;
/** Sample fields -> columns; source_id, row and caption are always written, the others only when a batch has them. */
const OPTIONAL: [keyof NewSample, string][] = [
  ['url', 'url'],
  ['width', 'width'],
  ['height', 'height'],
  ['nsfwMeta', 'nsfw_meta'],
  ['laionSimilarity', 'laion_similarity'],
  ['punsafe', 'punsafe'],
  ['extra', 'extra'],
  ['imageSha256', 'image_sha256'],
  ['fetchStatus', 'fetch_status'],
  ['fetchError', 'fetch_error'],
];

interface InsertStatements {
  fields: (keyof NewSample)[];
  one: Database.Statement;
  chunk: Database.Statement;
}
/** Per database, per set of present columns (a bit mask): binding only the columns a batch uses is markedly faster. */
const insertCache = new WeakMap<Db, Map<number, InsertStatements>>();

function insertStatements(db: Db, mask: number): InsertStatements {
  let byMask = insertCache.get(db);
  if (!byMask) insertCache.set(db, (byMask = new Map()));
  let s = byMask.get(mask);
  if (!s) {
    const fields: (keyof NewSample)[] = ['sourceId', 'row', 'caption'];
    const cols = ['source_id', 'row', 'caption'];
    OPTIONAL.forEach(([f, c], i) => {
      if (mask & (1 << i)) {
        fields.push(f);
        cols.push(c);
      }
    });
    const one = `(${cols.map(() => '?').join(',')})`;
    const head = `INSERT OR IGNORE INTO samples (${cols.join(', ')}) VALUES `;
    s = { fields, one: db.prepare(head + one), chunk: db.prepare(head + Array(CHUNK).fill(one).join(',')) };
    byMask.set(mask, s);
  }
  return s;
}

function presentColumns(samples: NewSample[]): number {
  let mask = 0;
  const all = (1 << OPTIONAL.length) - 1;
  for (const s of samples) {
    for (let i = 0; i < OPTIONAL.length; i++) if (s[OPTIONAL[i][0]] != null) mask |= 1 << i;
    if (mask === all) break;
  }
  return mask;
}

/**
 * Insert samples (call inside a transaction). (source_id, row) already present are ignored, so a repeated batch adds
 * nothing. Returns the number of rows actually added.
 */
export function insertSamples(db: Db, samples: NewSample[]): number {
  const st = insertStatements(db, presentColumns(samples));
  const fields = st.fields;
  const width = fields.length;
  let added = 0;
  let i = 0;
  const params: unknown[] = new Array(width * CHUNK);
  for (; i + CHUNK <= samples.length; i += CHUNK) {
    let k = 0;
    for (let j = i; j < i + CHUNK; j++) {
      const s = samples[j];
      for (let f = 0; f < width; f++) params[k++] = s[fields[f]] ?? null;
    }
    added += st.chunk.run(params).changes;
  }
  const one: unknown[] = new Array(width);
  for (; i < samples.length; i++) {
    for (let f = 0; f < width; f++) one[f] = samples[i][fields[f]] ?? null;
    added += st.one.run(one).changes;
  }
  return added;
}

export function countSamples(db: Db, sourceId?: number): number {
  const r = (
    sourceId == null
      ? db.prepare(`SELECT COUNT(*) n FROM samples`).get()
      : db.prepare(`SELECT COUNT(*) n FROM samples WHERE source_id = ?`).get(sourceId)
  ) as { n: number };
  return r.n;
}

// --- fetch -------------------------------------------------------------------------------------------------------

/** Fetch statuses a sample ends with; 'fetching' marks a claimed download in flight, 'interrupted' one lost to a kill. */
export const FETCH_STATUSES = [
  'ok',
  'http_error',
  'timeout',
  'not_image',
  'too_large',
  'opted_out',
  'refused_address',
  'interrupted',
] as const;
export type FetchStatus = (typeof FETCH_STATUSES)[number];
/** Statuses `fetch --retry-failed` requests again (a permanent answer such as opted_out or not_image is respected). */
export const RETRYABLE_FETCH_STATUSES: FetchStatus[] = ['http_error', 'timeout', 'interrupted'];

export interface FetchClaim {
  id: number;
  url: string;
}

/** Samples still waiting for a download (a URL, no image, never claimed). */
export function countToFetch(db: Db): number {
  return (
    db
      .prepare(`SELECT COUNT(*) n FROM samples WHERE url IS NOT NULL AND image_sha256 IS NULL AND fetch_status IS NULL`)
      .get() as { n: number }
  ).n;
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
  const st = db.prepare(
    `UPDATE samples SET fetch_status = ?, fetch_error = ?, image_sha256 = COALESCE(?, image_sha256) WHERE id = ?`,
  );
  for (const r of results) st.run(r.status, r.error, r.imageSha256, r.id);
  if (results.some((r) => r.imageSha256 != null))
    setMeta(db, IMAGES_VERSION_KEY, String(Number(sampleImagesVersion(db)) + 1));
}

const IMAGES_VERSION_KEY = 'sample_images_version';

/**
 * Changes whenever a fetch attaches images to existing samples (a candidate without an image is never kept, so
 * cached per-class indexes rebuild). New samples need no bump: they have no similarities until the filter runs.
 */
export function sampleImagesVersion(db: Db): string {
  return getMeta(db, IMAGES_VERSION_KEY) ?? '0';
}

export function fetchStatusCounts(db: Db): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of db
    .prepare(`SELECT fetch_status s, COUNT(*) n FROM samples WHERE fetch_status IS NOT NULL GROUP BY fetch_status`)
    .all() as {
    s: string;
    n: number;
  }[]) {
    out[r.s] = r.n;
  }
  return out;
}
