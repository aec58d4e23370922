// Flags (nsfw_meta, nsfw_classifier, ocr): one row per (sample, kind) saying whether the rule flagged it. Flags mark;
// they never delete. The NSFW metadata flag is DERIVED in every query that decides "kept" (excludedSql below) from
// samples.nsfw_meta and the allowed values in meta, so curation, selection and export agree whatever command ran
// first; its rows in `flags` (refreshNsfwMetaFlags) only serve counts and reports. Every write of flags or of the
// allowed values bumps meta 'flags_version', so cached per-class indexes (store/threshold-index.ts) rebuild.
import type { Db } from './workspace.ts';
import { getMeta, getMetaJson, setMeta, setMetaJson } from './meta.ts';
import { DEFAULT_NSFW_META_ALLOWED, normaliseNsfwValue } from '../core/flags/nsfw.ts';

export const FLAG_KINDS = ['nsfw_meta', 'nsfw_classifier', 'ocr'] as const;
export type FlagKind = (typeof FLAG_KINDS)[number];

export interface FlagRow {
  sampleId: number;
  kind: FlagKind;
  flagged: boolean;
  score: number | null;
  detail: string | null;
}

const NSFW_META_KEY = 'nsfw_meta_allowed';

export function nsfwMetaAllowed(db: Db): string[] {
  return getMetaJson<string[]>(db, NSFW_META_KEY) ?? [...DEFAULT_NSFW_META_ALLOWED];
}

export function setNsfwMetaAllowed(db: Db, allowed: string[]): void {
  setMetaJson(db, NSFW_META_KEY, allowed.map(normaliseNsfwValue));
  bumpFlagsVersion(db);
}

const VERSION_KEY = 'flags_version';

/** Changes whenever a flag row or the NSFW metadata rule changes (in any process). */
export function flagsVersion(db: Db): string {
  return getMeta(db, VERSION_KEY) ?? '0';
}

function bumpFlagsVersion(db: Db): void {
  setMeta(db, VERSION_KEY, String(Number(flagsVersion(db)) + 1));
}

/**
 * SQL expression for the NSFW metadata flag of the sample row aliased `s`: NULL without metadata, 1 when the value is
 * not allowed, 0 when it is (core/flags/nsfw.ts nsfwMetaFlag, in SQL). Binds @nsfwAllowed (exclusionParams).
 */
export function nsfwMetaFlagSql(s: string): string {
  return `(CASE WHEN ${s}.nsfw_meta IS NULL OR trim(${s}.nsfw_meta) = '' THEN NULL
    WHEN upper(trim(${s}.nsfw_meta)) IN (SELECT value FROM json_each(@nsfwAllowed)) THEN 0 ELSE 1 END)`;
}

/**
 * SQL expression, 1 when the sample row aliased `s` carries a flag that excludes it from "kept": the derived NSFW
 * metadata flag, or a flagged row of another kind, each only when its kind is in @excludeFlags. A kind whose job has
 * not run has no rows, so it excludes nothing. Binds @nsfwAllowed and @excludeFlags (exclusionParams).
 */
export function excludedSql(s: string): string {
  return `((${nsfwMetaFlagSql(s)} = 1 AND 'nsfw_meta' IN (SELECT value FROM json_each(@excludeFlags)))
    OR EXISTS (SELECT 1 FROM flags xf WHERE xf.sample_id = ${s}.id AND xf.flagged = 1 AND xf.kind <> 'nsfw_meta'
               AND xf.kind IN (SELECT value FROM json_each(@excludeFlags))))`;
}

/** Parameters of nsfwMetaFlagSql / excludedSql. Curation and the default selection exclude every kind. */
export function exclusionParams(
  db: Db,
  excludeFlags: readonly FlagKind[] = FLAG_KINDS,
): { nsfwAllowed: string; excludeFlags: string } {
  return {
    nsfwAllowed: JSON.stringify(nsfwMetaAllowed(db).map(normaliseNsfwValue)),
    excludeFlags: JSON.stringify(excludeFlags),
  };
}

/**
 * Rewrite the nsfw_meta flags from samples.nsfw_meta and the allowed values (the column's absence = null = no row).
 * Same comparison as core/flags/nsfw.ts: trimmed, upper case.
 */
export function refreshNsfwMetaFlags(
  db: Db,
  allowed: string[] = nsfwMetaAllowed(db),
): { checked: number; flagged: number } {
  const nsfwAllowed = JSON.stringify(allowed.map(normaliseNsfwValue));
  return db.transaction(() => {
    db.prepare(`DELETE FROM flags WHERE kind = 'nsfw_meta'`).run();
    db.prepare(
      `INSERT INTO flags (sample_id, kind, flagged, score, detail)
       SELECT s.id, 'nsfw_meta', ${nsfwMetaFlagSql('s')}, NULL, s.nsfw_meta
       FROM samples s WHERE s.nsfw_meta IS NOT NULL AND trim(s.nsfw_meta) != ''`,
    ).run({ nsfwAllowed });
    return flagCount(db, 'nsfw_meta');
  })();
}

export function writeFlags(db: Db, rows: readonly FlagRow[]): void {
  const ins = db.prepare(
    `INSERT INTO flags (sample_id, kind, flagged, score, detail) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(sample_id, kind) DO UPDATE SET flagged = excluded.flagged, score = excluded.score, detail = excluded.detail`,
  );
  for (const r of rows) ins.run(r.sampleId, r.kind, r.flagged ? 1 : 0, r.score, r.detail);
  if (rows.length) bumpFlagsVersion(db);
}

/** Forget one kind of flag (a re-run from scratch, e.g. after the rule changed). */
export function deleteFlags(db: Db, kind: FlagKind): number {
  const n = db.prepare(`DELETE FROM flags WHERE kind = ?`).run(kind).changes;
  if (n) bumpFlagsVersion(db);
  return n;
}

export function flagCount(db: Db, kind: FlagKind): { checked: number; flagged: number } {
  const r = db
    .prepare(`SELECT COUNT(*) checked, COALESCE(SUM(flagged), 0) flagged FROM flags WHERE kind = ?`)
    .get(kind) as {
    checked: number;
    flagged: number;
  };
  return r;
}

export function flagsOf(db: Db, sampleId: number): FlagRow[] {
  return (
    db
      .prepare(`SELECT sample_id, kind, flagged, score, detail FROM flags WHERE sample_id = ? ORDER BY kind`)
      .all(sampleId) as {
      sample_id: number;
      kind: FlagKind;
      flagged: number;
      score: number | null;
      detail: string | null;
    }[]
  ).map((r) => ({ sampleId: r.sample_id, kind: r.kind, flagged: r.flagged === 1, score: r.score, detail: r.detail }));
}

/** A candidate image to scan with a classifier or OCR. */
export interface ScanItem {
  sampleId: number;
  wnid: string;
  sha256: string;
  storedPath: string;
}

/**
 * The next batch of matched candidates with an image, after `afterSampleId`, that have no `kind` flag row yet.
 * scope 'kept' limits it to candidates above the current text threshold (cheaper on big workspaces).
 */
export function nextScanBatch(
  db: Db,
  opts: { kind: FlagKind; afterSampleId: number; limit: number; above?: { encoder: string; threshold: number } },
): ScanItem[] {
  const above = opts.above
    ? `AND EXISTS (SELECT 1 FROM text_similarities t WHERE t.sample_id = m.sample_id AND t.encoder = @encoder AND t.similarity > @threshold)`
    : '';
  return db
    .prepare(
      `SELECT m.sample_id sampleId, m.wnids wnid, s.image_sha256 sha256, i.stored_path storedPath
       FROM matches m JOIN samples s ON s.id = m.sample_id JOIN images i ON i.sha256 = s.image_sha256
       WHERE m.status = 'matched' AND m.sample_id > @after ${above}
         AND NOT EXISTS (SELECT 1 FROM flags f WHERE f.sample_id = m.sample_id AND f.kind = @kind)
       ORDER BY m.sample_id LIMIT @limit`,
    )
    .all({
      after: opts.afterSampleId,
      limit: opts.limit,
      kind: opts.kind,
      encoder: opts.above?.encoder,
      threshold: opts.above?.threshold,
    }) as ScanItem[];
}

/** How many candidates a scan would visit in total (for progress). */
export function countScanItems(
  db: Db,
  opts: { kind: FlagKind; above?: { encoder: string; threshold: number } },
): number {
  const above = opts.above
    ? `AND EXISTS (SELECT 1 FROM text_similarities t WHERE t.sample_id = m.sample_id AND t.encoder = @encoder AND t.similarity > @threshold)`
    : '';
  return (
    db
      .prepare(
        `SELECT COUNT(*) n FROM matches m JOIN samples s ON s.id = m.sample_id JOIN images i ON i.sha256 = s.image_sha256
         WHERE m.status = 'matched' ${above} AND NOT EXISTS (SELECT 1 FROM flags f WHERE f.sample_id = m.sample_id AND f.kind = @kind)`,
      )
      .get({ kind: opts.kind, encoder: opts.above?.encoder, threshold: opts.above?.threshold }) as { n: number }
  ).n;
}
