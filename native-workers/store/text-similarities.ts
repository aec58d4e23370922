// Caption <-> synset-text similarities per encoder (text_similarities), and the candidates still to embed.
// Every write bumps meta 'text_similarities_version' in the same transaction, so cached per-class indexes in other
// processes (the API's threshold queries) know to rebuild.
import type { Db } from './workspace.ts';
import { getMeta, setMeta } from './meta.ts';

const VERSION_KEY = 'text_similarities_version';

export function textSimilaritiesVersion(db: Db): string {
  return getMeta(db, VERSION_KEY) ?? '0';
}

function bumpVersion(db: Db): void {
  setMeta(db, VERSION_KEY, String(Number(textSimilaritiesVersion(db)) + 1));
}

export interface CandidateSynset {
  wnid: string;
  name: string | null;
  definition: string | null;
}

/** Whether the encoder has at least one stored similarity (an index lookup). */
export function hasTextSimilarities(db: Db, encoder: string): boolean {
  return !!db.prepare(`SELECT 1 FROM text_similarities WHERE encoder = ? LIMIT 1`).get(encoder);
}

/** Every class that has matched candidates, with its synset row if there is one. */
export function candidateSynsets(db: Db): CandidateSynset[] {
  return db
    .prepare(
      `SELECT c.wnid, s.name, s.definition FROM (SELECT DISTINCT wnids AS wnid FROM matches WHERE status = 'matched') c
       LEFT JOIN synsets s ON s.wnid = c.wnid ORDER BY c.wnid`,
    )
    .all() as CandidateSynset[];
}

/** The encoders that have similarities. */
export function textSimilarityEncoders(db: Db): string[] {
  return (db.prepare(`SELECT DISTINCT encoder FROM text_similarities`).all() as { encoder: string }[]).map(
    (r) => r.encoder,
  );
}

/** Remove similarities whose sample is no longer a candidate of that class (matching was re-run). */
export function deleteStaleTextSimilarities(db: Db, encoder: string): number {
  const n = db
    .prepare(
      `DELETE FROM text_similarities WHERE encoder = ? AND NOT EXISTS (
         SELECT 1 FROM matches m WHERE m.sample_id = text_similarities.sample_id AND m.status = 'matched' AND m.wnids = text_similarities.wnid)`,
    )
    .run(encoder).changes;
  if (n) bumpVersion(db);
  return n;
}

const PENDING = `FROM matches m JOIN samples s ON s.id = m.sample_id JOIN synsets sy ON sy.wnid = m.wnids
  LEFT JOIN text_similarities t ON t.sample_id = m.sample_id AND t.encoder = ?
  WHERE m.status = 'matched' AND m.sample_id > ? AND (t.sample_id IS NULL OR t.wnid <> m.wnids)`;

export function countPendingTextCandidates(db: Db, encoder: string, afterSampleId = 0): number {
  return (db.prepare(`SELECT COUNT(*) n ${PENDING}`).get(encoder, afterSampleId) as { n: number }).n;
}

/** Candidates (matched samples whose synset is known) without a similarity for this encoder, in sample id order. */
export function pendingTextCandidates(
  db: Db,
  encoder: string,
  afterSampleId: number,
  limit: number,
): { sampleId: number; wnid: string; caption: string }[] {
  return db
    .prepare(`SELECT m.sample_id sampleId, m.wnids wnid, s.caption caption ${PENDING} ORDER BY m.sample_id LIMIT ?`)
    .all(encoder, afterSampleId, limit) as { sampleId: number; wnid: string; caption: string }[];
}

export function writeTextSimilarities(
  db: Db,
  encoder: string,
  rows: { sampleId: number; wnid: string; similarity: number }[],
): void {
  const stmt = db.prepare(
    `INSERT OR REPLACE INTO text_similarities (sample_id, wnid, encoder, similarity) VALUES (?, ?, ?, ?)`,
  );
  for (const r of rows) stmt.run(r.sampleId, r.wnid, encoder, r.similarity);
  if (rows.length) bumpVersion(db);
}

/**
 * Candidates of an encoder whose similarity is strictly above a threshold: the text filter's own figure (status's
 * above_threshold), before flags, images and decisions — those decide "kept" (core/selection/kept.ts).
 */
export function countAboveThreshold(db: Db, encoder: string, threshold: number): number {
  return (
    db
      .prepare(`SELECT COUNT(*) n FROM text_similarities WHERE encoder = ? AND similarity > ?`)
      .get(encoder, threshold) as { n: number }
  ).n;
}

/** Record the encoder and threshold the workspace filters with (meta 'text_encoder', 'threshold'). */
export function setTextFilter(db: Db, encoder: string, threshold: number): void {
  db.transaction(() => {
    setMeta(db, 'text_encoder', encoder);
    setMeta(db, 'threshold', String(threshold));
  })();
}
