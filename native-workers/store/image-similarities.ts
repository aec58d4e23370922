// Image <-> caption similarities per CLIP model (image_similarities), the candidates still to score, and the class
// score selection ranks by: the mean image–caption similarity of a class's kept images.
import { meanScoreByClass, type ClassScore } from '../core/similarity/class-score.ts';
import { isKept } from '../core/selection/kept.ts';
import { FLAG_KINDS, type FlagKind } from './flags.ts';
import { getMeta, setMeta } from './meta.ts';
import { loadSelectionCandidates } from './selection.ts';
import type { Db } from './workspace.ts';

const PENDING = `FROM matches m JOIN samples s ON s.id = m.sample_id JOIN images i ON i.sha256 = s.image_sha256
  LEFT JOIN image_similarities x ON x.sample_id = m.sample_id AND x.encoder = ?
  WHERE m.status = 'matched' AND m.sample_id > ? AND x.sample_id IS NULL`;

export function countPendingImageCandidates(db: Db, encoder: string, afterSampleId = 0): number {
  return (db.prepare(`SELECT COUNT(*) n ${PENDING}`).get(encoder, afterSampleId) as { n: number }).n;
}

/** Candidates with a stored image and no similarity for this model yet, in sample id order. */
export function pendingImageCandidates(
  db: Db,
  encoder: string,
  afterSampleId: number,
  limit: number,
): { sampleId: number; caption: string; storedPath: string }[] {
  return db
    .prepare(
      `SELECT m.sample_id sampleId, s.caption caption, i.stored_path storedPath ${PENDING} ORDER BY m.sample_id LIMIT ?`,
    )
    .all(encoder, afterSampleId, limit) as { sampleId: number; caption: string; storedPath: string }[];
}

const VERSION_KEY = 'image_similarities_version';

/** Bumped by every write, so cached orderings (curation grid) know to rebuild. */
export function imageSimilaritiesVersion(db: Db): string {
  return getMeta(db, VERSION_KEY) ?? '0';
}

export function writeImageSimilarities(
  db: Db,
  encoder: string,
  rows: { sampleId: number; similarity: number }[],
): void {
  const stmt = db.prepare(
    `INSERT OR REPLACE INTO image_similarities (sample_id, encoder, similarity) VALUES (?, ?, ?)`,
  );
  for (const r of rows) stmt.run(r.sampleId, encoder, r.similarity);
  if (rows.length) setMeta(db, VERSION_KEY, String(Number(imageSimilaritiesVersion(db)) + 1));
}

/** The CLIP model whose image similarities the workspace ranks by (meta 'image_encoder', set by clipscore). */
export function currentImageEncoder(db: Db): string | null {
  return getMeta(db, 'image_encoder') ?? null;
}

/**
 * Class score per class: mean image–caption similarity (under `imageEncoder`) of the class's kept candidates, kept by
 * the one rule of core/selection/kept.ts (text similarity under `textEncoder` strictly above `threshold`, an image,
 * no excluding flag, manual decisions win) — the same candidates `imagenot select` keeps. Classes without any scored
 * kept image are absent.
 */
export function classImageScores(
  db: Db,
  opts: { imageEncoder: string; textEncoder: string; threshold: number; excludeFlags?: readonly FlagKind[] },
): Map<string, ClassScore> {
  const rows: { wnid: string; similarity: number }[] = [];
  for (const c of loadSelectionCandidates(db, {
    textEncoder: opts.textEncoder,
    imageEncoder: opts.imageEncoder,
    excludeFlags: opts.excludeFlags ?? FLAG_KINDS,
  })) {
    if (c.imageSimilarity != null && isKept({ ...c, hasImage: c.sha256 != null }, opts.threshold))
      rows.push({ wnid: c.wnid, similarity: c.imageSimilarity });
  }
  return meanScoreByClass(rows);
}
