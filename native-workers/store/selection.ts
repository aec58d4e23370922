// Selections: the candidates the selection reads (one query joining matches, similarities, flags, decisions), and the
// chosen classes and train/test split it writes (selections, selection_classes, splits).
import { existsSync } from 'node:fs';
import type { Db } from './workspace.ts';
import { nowIso } from './workspace.ts';
import { excludedSql, exclusionParams, flagsVersion, type FlagKind } from './flags.ts';
import { currentTextFilter } from './meta.ts';
import { textSimilaritiesVersion } from './text-similarities.ts';
import { sampleImagesVersion } from './samples.ts';
import { matchesVersion } from './synsets.ts';
import { decisionsSince, lastDecisionId } from './decisions.ts';
import type { SelectionCandidate, SelectionResult } from '../core/selection/select.ts';

/** Flag kinds with at least one row (a job or rule has run). */
export function flagKindsPresent(db: Db): FlagKind[] {
  return (db.prepare(`SELECT DISTINCT kind FROM flags ORDER BY kind`).all() as { kind: FlagKind }[]).map((r) => r.kind);
}

/**
 * Every matched candidate with what the kept rule (core/selection/kept.ts) needs: its similarity for its own class,
 * whether it has an image, an excluding flag (store/flags.ts excludedSql: the NSFW metadata flag is derived from the
 * sample, so it applies whether or not `imagenot nsfw` ran), its manual decision.
 */
export function loadSelectionCandidates(
  db: Db,
  opts: { textEncoder: string; imageEncoder: string | null; excludeFlags: readonly FlagKind[] },
): SelectionCandidate[] {
  const rows = db
    .prepare(
      `SELECT m.sample_id sampleId, m.wnids wnid, s.image_sha256 sha256, t.similarity textSimilarity, i.similarity imageSimilarity,
              ${excludedSql('s')} flagged,
              d.decision decision
       FROM matches m JOIN samples s ON s.id = m.sample_id
       LEFT JOIN text_similarities t ON t.sample_id = m.sample_id AND t.encoder = @textEncoder AND t.wnid = m.wnids
       LEFT JOIN image_similarities i ON i.sample_id = m.sample_id AND i.encoder = @imageEncoder
       LEFT JOIN decisions d ON d.sample_id = m.sample_id AND d.wnid = m.wnids
       WHERE m.status = 'matched'
       ORDER BY m.sample_id`,
    )
    .all({
      textEncoder: opts.textEncoder,
      imageEncoder: opts.imageEncoder,
      ...exclusionParams(db, opts.excludeFlags),
    }) as (Omit<SelectionCandidate, 'flagged'> & { flagged: number })[];
  return rows.map((r) => ({ ...r, flagged: r.flagged === 1 }));
}

export interface SelectionRecord {
  id: number;
  params: Record<string, unknown>;
  seed: number;
  threshold: number;
  encoder: string;
  createdAt: string;
}

export function saveSelection(
  db: Db,
  s: { params: Record<string, unknown>; seed: number; threshold: number; encoder: string; result: SelectionResult },
): number {
  return db.transaction(() => {
    const id = Number(
      db
        .prepare(`INSERT INTO selections (params, seed, threshold, encoder, created_at) VALUES (?, ?, ?, ?, ?)`)
        .run(JSON.stringify(s.params), s.seed, s.threshold, s.encoder, nowIso()).lastInsertRowid,
    );
    const cls = db.prepare(
      `INSERT INTO selection_classes (selection_id, wnid, rank, score, kept) VALUES (?, ?, ?, ?, ?)`,
    );
    const split = db.prepare(`INSERT INTO splits (selection_id, sample_id, wnid, split) VALUES (?, ?, ?, ?)`);
    for (const c of s.result.classes) {
      cls.run(id, c.wnid, c.rank, c.score, c.kept);
      for (const sampleId of c.train) split.run(id, sampleId, c.wnid, 'train');
      for (const sampleId of c.test) split.run(id, sampleId, c.wnid, 'test');
    }
    return id;
  })();
}

function toRecord(r: {
  id: number;
  params: string;
  seed: number;
  threshold: number;
  encoder: string;
  created_at: string;
}): SelectionRecord {
  return {
    id: r.id,
    params: JSON.parse(r.params),
    seed: r.seed,
    threshold: r.threshold,
    encoder: r.encoder,
    createdAt: r.created_at,
  };
}

export function getSelection(db: Db, id?: number): SelectionRecord | undefined {
  const r = (
    id != null
      ? db.prepare(`SELECT * FROM selections WHERE id = ?`).get(id)
      : db.prepare(`SELECT * FROM selections ORDER BY id DESC LIMIT 1`).get()
  ) as Parameters<typeof toRecord>[0] | undefined;
  return r ? toRecord(r) : undefined;
}

export interface SelectionClassRow {
  rank: number;
  wnid: string;
  name: string;
  lemmas: string | null;
  definition: string | null;
  score: number | null;
  kept: number;
  train: number;
  test: number;
}

/** The chosen classes in rank order (rank 1 = the highest score), with names from the synsets table. */
export function selectionClasses(db: Db, selectionId: number): SelectionClassRow[] {
  return db
    .prepare(
      `SELECT c.rank, c.wnid, COALESCE(y.name, c.wnid) name, y.lemmas, y.definition, c.score, c.kept,
              (SELECT COUNT(*) FROM splits p WHERE p.selection_id = c.selection_id AND p.wnid = c.wnid AND p.split = 'train') train,
              (SELECT COUNT(*) FROM splits p WHERE p.selection_id = c.selection_id AND p.wnid = c.wnid AND p.split = 'test') test
       FROM selection_classes c LEFT JOIN synsets y ON y.wnid = c.wnid
       WHERE c.selection_id = ? ORDER BY c.rank`,
    )
    .all(selectionId) as SelectionClassRow[];
}

/** One image of a selection, with everything the export writes about it. */
export interface SplitItem {
  sampleId: number;
  wnid: string;
  split: 'train' | 'test';
  url: string | null;
  caption: string;
  sha256: string;
  storedPath: string;
  textSimilarity: number | null;
  imageSimilarity: number | null;
}

/** A selection's images, ordered by split (train first), class rank, sample id — the export's stable order. */
export function selectionItems(
  db: Db,
  selectionId: number,
  opts: { textEncoder: string; imageEncoder: string | null },
): SplitItem[] {
  return db
    .prepare(
      `SELECT p.sample_id sampleId, p.wnid, p.split, s.url, s.caption, s.image_sha256 sha256, im.stored_path storedPath,
              t.similarity textSimilarity, i.similarity imageSimilarity
       FROM splits p JOIN selection_classes c ON c.selection_id = p.selection_id AND c.wnid = p.wnid
       JOIN samples s ON s.id = p.sample_id JOIN images im ON im.sha256 = s.image_sha256
       LEFT JOIN text_similarities t ON t.sample_id = p.sample_id AND t.encoder = @textEncoder
       LEFT JOIN image_similarities i ON i.sample_id = p.sample_id AND i.encoder = @imageEncoder
       WHERE p.selection_id = @id
       ORDER BY CASE p.split WHEN 'train' THEN 0 ELSE 1 END, c.rank, p.sample_id`,
    )
    .all({ id: selectionId, textEncoder: opts.textEncoder, imageEncoder: opts.imageEncoder }) as SplitItem[];
}

/** The metadata files a selection's images came from (path, kind), with how many of its images each gave. */
export function selectionSources(db: Db, selectionId: number): { path: string; kind: string; images: number }[] {
  return db
    .prepare(
      `SELECT src.path, src.kind, COUNT(*) images FROM splits p JOIN samples s ON s.id = p.sample_id JOIN sources src ON src.id = s.source_id
       WHERE p.selection_id = ? GROUP BY src.id ORDER BY images DESC, src.path`,
    )
    .all(selectionId) as { path: string; kind: string; images: number }[];
}

/** The versions of what a selection reads, recorded with it so a later change marks it stale. */
export interface SelectionInputs {
  similarities: string;
  flags: string;
  images: string;
  /** The matches version (absent in selections recorded before it was kept). */
  matches?: string;
  /** The newest decision_log id when it was made. */
  decisions: number;
}

export function selectionInputs(db: Db): SelectionInputs {
  return {
    similarities: textSimilaritiesVersion(db),
    flags: flagsVersion(db),
    images: sampleImagesVersion(db),
    matches: matchesVersion(db),
    decisions: lastDecisionId(db),
  };
}

/**
 * Why a selection no longer matches the workspace, in words (empty = it does): another encoder or threshold, and
 * (for selections that recorded their inputs) captions matched again, similarities recomputed, flags changed, images
 * fetched, decisions made.
 */
export function selectionStaleness(db: Db, s: SelectionRecord): string[] {
  const out: string[] = [];
  const filter = currentTextFilter(db);
  if (filter && filter.encoder !== s.encoder)
    out.push(`the text encoder is now ${filter.encoder} (selected with ${s.encoder})`);
  else if (filter && filter.threshold !== s.threshold)
    out.push(`the threshold is now ${filter.threshold} (selected at ${s.threshold})`);
  const inputs = s.params.inputs as SelectionInputs | undefined;
  if (inputs) {
    if (inputs.matches !== undefined && inputs.matches !== matchesVersion(db))
      out.push('captions were matched again since');
    if (inputs.similarities !== textSimilaritiesVersion(db)) out.push('text similarities were recomputed since');
    if (inputs.flags !== flagsVersion(db)) out.push('NSFW/OCR flags changed since');
    if (inputs.images !== sampleImagesVersion(db)) out.push('images were fetched since');
    const n = decisionsSince(db, inputs.decisions);
    if (n) out.push(`${n} curation decision${n === 1 ? '' : 's'} made since`);
  }
  return out;
}

export interface ExportRecord {
  jobId: number;
  out: string;
  selectionId: number;
  format: string;
  size: number;
  classes: number;
  train: number;
  test: number;
  skipped: number;
  finishedAt: string | null;
  /** The folder is still there. */
  present: boolean;
}

/** Finished exports, newest first (each export job's result), and whether their folder still exists. */
export function listExports(db: Db): ExportRecord[] {
  const rows = db
    .prepare(
      `SELECT id, result, ended_at FROM jobs WHERE kind = 'export' AND state = 'succeeded' AND result IS NOT NULL ORDER BY id DESC`,
    )
    .all() as {
    id: number;
    result: string;
    ended_at: string | null;
  }[];
  return rows.map((r) => {
    const res = JSON.parse(r.result) as Omit<ExportRecord, 'jobId' | 'finishedAt' | 'present'>;
    return {
      jobId: r.id,
      out: res.out,
      selectionId: res.selectionId,
      format: res.format,
      size: res.size,
      classes: res.classes,
      train: res.train,
      test: res.test,
      skipped: res.skipped ?? 0,
      finishedAt: r.ended_at,
      present: existsSync(res.out),
    };
  });
}

/** Classes and images of a selection. */
export function selectionTotals(db: Db, id: number): { classes: number; train: number; test: number } {
  return db
    .prepare(
      `SELECT (SELECT COUNT(*) FROM selection_classes WHERE selection_id = @id) classes,
              (SELECT COUNT(*) FROM splits WHERE selection_id = @id AND split = 'train') train,
              (SELECT COUNT(*) FROM splits WHERE selection_id = @id AND split = 'test') test`,
    )
    .get({ id }) as { classes: number; train: number; test: number };
}
