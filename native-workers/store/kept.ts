// The workspace side of the one "kept" rule (core/selection/kept.ts): what the rule needs to know about candidates,
// read in bulk for the curation screen's per-class index. A candidate = a matched sample of exactly one class; its
// text similarity counts only for that class (t.wnid = m.wnids). "Eligible" = has an image and no excluding flag
// (store/flags.ts excludedSql: derived NSFW metadata flag, classifier and OCR flags) — only eligible candidates can
// be kept without a manual decision, so the per-class sorted arrays hold eligible similarities only and a threshold
// query stays a binary search; decisions are applied on top from decisionFacts.
import type { CandidateFacts, Decision } from '../core/selection/kept.ts';
import { excludedSql, exclusionParams, type FlagKind } from './flags.ts';
import type { Db } from './workspace.ts';

/** Per-class counts kept next to the index (4 per class, in `wnids` order). */
export const STAT = { candidates: 0, noImage: 1, flagged: 2, noSimilarity: 3 } as const;
export const STATS_PER_CLASS = 4;

export interface KeptColumns {
  /** Classes with at least one similarity under the encoder. */
  wnids: string[];
  /**
   * Per class (STATS_PER_CLASS each, in `wnids` order): matched candidates, those without an image, those with an
   * excluding flag, and eligible ones (image, no flag) the encoder has not scored.
   */
  stats: Int32Array;
  /** Eligible candidates with a similarity: their class (index into `wnids`) and similarity. */
  classOf: Int32Array;
  similarity: Float64Array;
}

/**
 * Per-class columns of one encoder's candidates for core/similarity/threshold-index.ts. The scan walks `matches` in
 * sample-id order (NOT INDEXED: SQLite would otherwise walk the class index and look samples and similarities up in
 * random order, several times slower on a million candidates once the database outgrows the page cache).
 */
export function keptColumns(db: Db, encoder: string, excludeFlags?: readonly FlagKind[]): KeptColumns {
  const rows = db
    .prepare(
      `SELECT m.wnids, t.similarity, s.image_sha256 IS NOT NULL, ${excludedSql('s')}
       FROM matches m NOT INDEXED JOIN samples s ON s.id = m.sample_id
       LEFT JOIN text_similarities t ON t.sample_id = m.sample_id AND t.encoder = @encoder AND t.wnid = m.wnids
       WHERE m.status = 'matched'`,
    )
    .raw()
    .iterate({ encoder, ...exclusionParams(db, excludeFlags) }) as Iterable<[string, number | null, number, number]>;
  const ids = new Map<string, number>();
  const allWnids: string[] = [];
  const stats: number[] = [];
  const withSimilarity: boolean[] = [];
  let classOf = new Int32Array(1024);
  let similarity = new Float64Array(1024);
  let n = 0;
  for (const [wnid, sim, hasImage, excluded] of rows) {
    let k = ids.get(wnid);
    if (k == null) {
      k = allWnids.length;
      ids.set(wnid, k);
      allWnids.push(wnid);
      stats.push(0, 0, 0, 0);
      withSimilarity.push(false);
    }
    const at = k * STATS_PER_CLASS;
    stats[at + STAT.candidates]++;
    if (!hasImage) stats[at + STAT.noImage]++;
    if (excluded) stats[at + STAT.flagged]++;
    if (sim != null) withSimilarity[k] = true;
    if (!hasImage || excluded) continue;
    if (sim == null) {
      stats[at + STAT.noSimilarity]++;
      continue;
    }
    if (n === classOf.length) {
      classOf = grow(classOf, new Int32Array(n * 2));
      similarity = grow(similarity, new Float64Array(n * 2));
    }
    classOf[n] = k;
    similarity[n++] = sim;
  }
  // Drop classes the encoder never scored (the filter has not reached them): renumber the kept ones.
  const renumber = new Int32Array(allWnids.length).fill(-1);
  const wnids: string[] = [];
  const kept: number[] = [];
  allWnids.forEach((w, k) => {
    if (!withSimilarity[k]) return;
    renumber[k] = wnids.length;
    wnids.push(w);
    kept.push(...stats.slice(k * STATS_PER_CLASS, (k + 1) * STATS_PER_CLASS));
  });
  const cls = classOf.subarray(0, n);
  for (let i = 0; i < n; i++) cls[i] = renumber[cls[i]];
  return { wnids, stats: Int32Array.from(kept), classOf: cls, similarity: similarity.subarray(0, n) };
}

function grow<T extends Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** A manual decision on a candidate, with the facts the kept rule needs. */
export interface DecisionFacts extends CandidateFacts {
  sampleId: number;
  wnid: string;
  decision: Decision;
}

/**
 * Every decision on a current candidate (decisions on samples no longer matched to that class are ignored). Runs on
 * every slider move: CROSS JOIN keeps the (small) decisions table as the outer loop — SQLite would otherwise scan all
 * matches.
 */
export function decisionFacts(db: Db, encoder: string, excludeFlags?: readonly FlagKind[]): DecisionFacts[] {
  return (
    db
      .prepare(
        `SELECT d.sample_id sampleId, d.wnid wnid, d.decision decision, t.similarity textSimilarity,
                s.image_sha256 IS NOT NULL hasImage, ${excludedSql('s')} flagged
         FROM decisions d CROSS JOIN matches m ON m.sample_id = d.sample_id AND m.wnids = d.wnid AND m.status = 'matched'
         CROSS JOIN samples s ON s.id = d.sample_id
         LEFT JOIN text_similarities t ON t.sample_id = d.sample_id AND t.encoder = @encoder AND t.wnid = d.wnid`,
      )
      .all({ encoder, ...exclusionParams(db, excludeFlags) }) as (Omit<DecisionFacts, 'hasImage' | 'flagged'> & {
      hasImage: number;
      flagged: number;
    })[]
  ).map((r) => ({ ...r, hasImage: r.hasImage === 1, flagged: r.flagged === 1 }));
}
