// Image <-> caption similarities per CLIP model (image_similarities), the candidates still to score, and the class
// score selection ranks by: the mean image–caption similarity of a class's kept images.
import { meanScoreByClass, type ClassScore } from '../core/similarity/class-score.ts';
import { getMeta, setMeta } from './meta.ts';
import type { Db } from './workspace.ts';

const PENDING = `FROM matches m JOIN samples s ON s.id = m.sample_id JOIN images i ON i.sha256 = s.image_sha256
  LEFT JOIN image_similarities x ON x.sample_id = m.sample_id AND x.encoder = ?
  WHERE m.status = 'matched' AND m.sample_id > ? AND x.sample_id IS NULL`;

export function countPendingImageCandidates(db: Db, encoder: string, afterSampleId = 0): number {
  return (db.prepare(`SELECT COUNT(*) n ${PENDING}`).get(encoder, afterSampleId) as { n: number }).n;
}

/** Candidates with a stored image and no similarity for this model yet, in sample id order. */
export function pendingImageCandidates(db: Db, encoder: string, afterSampleId: number, limit: number): { sampleId: number; caption: string; storedPath: string }[] {
  return db
    .prepare(`SELECT m.sample_id sampleId, s.caption caption, i.stored_path storedPath ${PENDING} ORDER BY m.sample_id LIMIT ?`)
    .all(encoder, afterSampleId, limit) as { sampleId: number; caption: string; storedPath: string }[];
}

const VERSION_KEY = 'image_similarities_version';

/** Bumped by every write, so cached orderings (curation grid) know to rebuild. */
export function imageSimilaritiesVersion(db: Db): string {
  return getMeta(db, VERSION_KEY) ?? '0';
}

export function writeImageSimilarities(db: Db, encoder: string, rows: { sampleId: number; similarity: number }[]): void {
  const stmt = db.prepare(`INSERT OR REPLACE INTO image_similarities (sample_id, encoder, similarity) VALUES (?, ?, ?)`);
  for (const r of rows) stmt.run(r.sampleId, encoder, r.similarity);
  if (rows.length) setMeta(db, VERSION_KEY, String(Number(imageSimilaritiesVersion(db)) + 1));
}

/** The CLIP model whose image similarities the workspace ranks by (meta 'image_encoder', set by clipscore). */
export function currentImageEncoder(db: Db): string | null {
  return getMeta(db, 'image_encoder') ?? null;
}

/**
 * Class score per class: mean image–caption similarity (under `imageEncoder`) of the class's kept candidates, where
 * kept = text similarity (under `textEncoder`) strictly above `threshold`, or manually accepted, and not rejected.
 * Classes without any scored kept image are absent.
 */
export function classImageScores(db: Db, opts: { imageEncoder: string; textEncoder: string; threshold: number }): Map<string, ClassScore> {
  const rows = db
    .prepare(
      `SELECT t.wnid wnid, x.similarity similarity FROM text_similarities t
       JOIN image_similarities x ON x.sample_id = t.sample_id AND x.encoder = ?
       LEFT JOIN decisions d ON d.sample_id = t.sample_id AND d.wnid = t.wnid
       WHERE t.encoder = ? AND (d.decision = 'accept' OR (d.decision IS NULL AND t.similarity > ?))`,
    )
    .all(opts.imageEncoder, opts.textEncoder, opts.threshold) as { wnid: string; similarity: number }[];
  return meanScoreByClass(rows);
}
