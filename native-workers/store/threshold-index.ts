// Threshold queries for the curation screen: per-class kept counts and histograms at any threshold, from a per-class
// sorted index (core/similarity/threshold-index.ts) built once per encoder and cached per open database.
// "Kept" is the one rule of core/selection/kept.ts, the same `imagenot select` and `imagenot candidates` apply: the
// index holds only eligible candidates (an image, no excluding flag — store/kept.ts), so without decisions kept =
// eligible similarities strictly above the threshold (a binary search); manual decisions are applied on top through
// the same rule. The cache is rebuilt when similarities, flags (or the NSFW metadata rule), fetched images or the
// matches (a new match run) change:
// each bumps its own meta version in the writing transaction, in any process.
// Histograms count eligible candidates only, so the bars above the threshold line add up to the automatic kept count.
import { ClassSimilarityIndex, type Histogram } from '../core/similarity/threshold-index.ts';
import { isKept } from '../core/selection/kept.ts';
import { flagsVersion } from './flags.ts';
import { decisionFacts, keptColumns } from './kept.ts';
import { sampleImagesVersion } from './samples.ts';
import { matchesVersion } from './synsets.ts';
import { textSimilaritiesVersion } from './text-similarities.ts';
import type { Db } from './workspace.ts';

interface Cached {
  version: string;
  index: ClassSimilarityIndex;
  /** Matched candidates per class, in index order (eligible or not). */
  candidates: Int32Array;
  names: Map<string, string>;
}

const cache = new WeakMap<Db, Map<string, Cached>>();

function inputsVersion(db: Db): string {
  return `${textSimilaritiesVersion(db)}/${flagsVersion(db)}/${sampleImagesVersion(db)}/${matchesVersion(db)}`;
}

export function classIndex(db: Db, encoder: string): Cached {
  const version = inputsVersion(db);
  let perDb = cache.get(db);
  if (!perDb) cache.set(db, (perDb = new Map()));
  const hit = perDb.get(encoder);
  if (hit && hit.version === version) return hit;
  const cols = keptColumns(db, encoder);
  const names = new Map<string, string>();
  for (const r of db.prepare(`SELECT wnid, name FROM synsets WHERE wnid IN (SELECT DISTINCT wnid FROM text_similarities WHERE encoder = ?)`).all(encoder) as { wnid: string; name: string }[]) {
    names.set(r.wnid, r.name);
  }
  const entry = { version, index: new ClassSimilarityIndex(cols.wnids, cols.classOf, cols.similarity), candidates: cols.candidates, names };
  perDb.set(encoder, entry);
  return entry;
}

export interface ClassCount {
  wnid: string;
  name: string;
  candidates: number;
  kept: number;
}

/** Candidates and kept per class at a threshold (flags, images and decisions applied), most kept first. */
export function keptByClass(db: Db, encoder: string, threshold: number): ClassCount[] {
  const { index, names, candidates } = classIndex(db, encoder);
  const kept = index.keptCounts(threshold);
  for (const d of decisionFacts(db, encoder)) {
    const k = index.classIndex(d.wnid);
    if (k == null) continue;
    // The index counted the candidate as if undecided; the decision changes that by the rule's own verdict.
    kept[k] += Number(isKept(d, threshold)) - Number(isKept({ ...d, decision: null }, threshold));
  }
  const out: ClassCount[] = [];
  for (const k of index.orderByKept(kept)) {
    const wnid = index.wnids[k];
    out.push({ wnid, name: names.get(wnid) ?? wnid, candidates: candidates[k], kept: kept[k] });
  }
  return out;
}

/** A class's histogram of eligible candidates' similarities (range = their min..max unless given). */
export function classHistogram(db: Db, encoder: string, wnid: string, bins: number, range?: [number, number]): Histogram {
  return classIndex(db, encoder).index.histogram(wnid, bins, range);
}
