// Threshold queries for the curation screen: per-class kept counts and histograms at any threshold, from a per-class
// sorted index (core/similarity/threshold-index.ts) built once per encoder and cached per open database. The cache is
// rebuilt when meta 'text_similarities_version' changes (every similarity write bumps it, in any process).
// Manual decisions are applied on top: accept keeps a candidate below the threshold, reject drops one above it.
import { ClassSimilarityIndex, type Histogram } from '../core/similarity/threshold-index.ts';
import { isKept } from '../core/similarity/thresholds.ts';
import { decisionsWithSimilarity } from './decisions.ts';
import { classSimilarityColumns, textSimilaritiesVersion } from './text-similarities.ts';
import type { Db } from './workspace.ts';

interface Cached {
  version: string;
  index: ClassSimilarityIndex;
  names: Map<string, string>;
}

const cache = new WeakMap<Db, Map<string, Cached>>();

export function classIndex(db: Db, encoder: string): Cached {
  const version = textSimilaritiesVersion(db);
  let perDb = cache.get(db);
  if (!perDb) cache.set(db, (perDb = new Map()));
  const hit = perDb.get(encoder);
  if (hit && hit.version === version) return hit;
  const cols = classSimilarityColumns(db, encoder);
  const names = new Map<string, string>();
  for (const r of db.prepare(`SELECT wnid, name FROM synsets WHERE wnid IN (SELECT DISTINCT wnid FROM text_similarities WHERE encoder = ?)`).all(encoder) as { wnid: string; name: string }[]) {
    names.set(r.wnid, r.name);
  }
  const entry = { version, index: new ClassSimilarityIndex(cols.wnids, cols.classOf, cols.similarity), names };
  perDb.set(encoder, entry);
  return entry;
}

export interface ClassCount {
  wnid: string;
  name: string;
  candidates: number;
  kept: number;
}

/** Candidates and kept per class at a threshold (decisions applied), most kept first. */
export function keptByClass(db: Db, encoder: string, threshold: number): ClassCount[] {
  const { index, names } = classIndex(db, encoder);
  const kept = index.keptCounts(threshold);
  for (const d of decisionsWithSimilarity(db, encoder)) {
    const k = index.classIndex(d.wnid);
    if (k == null) continue;
    const auto = d.similarity != null && isKept(d.similarity, threshold);
    if (d.decision === 'accept' && !auto) kept[k]++;
    else if (d.decision === 'reject' && auto) kept[k]--;
  }
  const out: ClassCount[] = [];
  for (const k of index.orderByKept(kept)) {
    const wnid = index.wnids[k];
    out.push({ wnid, name: names.get(wnid) ?? wnid, candidates: index.candidates(k), kept: kept[k] });
  }
  return out;
}

/** A class's similarity histogram (range = the class's min..max unless given). */
export function classHistogram(db: Db, encoder: string, wnid: string, bins: number, range?: [number, number]): Histogram {
  return classIndex(db, encoder).index.histogram(wnid, bins, range);
}
