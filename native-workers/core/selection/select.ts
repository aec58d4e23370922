// The ImageNot selection: rank classes, keep the top K of those with at least train + test kept images, and draw a
// seeded train/test split per class. Duplicate images (same sha256) count once per class, and an image already placed
// in one split (by a higher-ranked class) can only go to that same split in later classes, so no image is ever on
// both sides of the split.
import { isKept, type Decision } from './kept.ts';
import { seededShuffle, subSeed } from './rng.ts';

/** The paper's selection: 1000 classes of 1000 train + 100 test images (the defaults of `imagenot select`). */
export const PAPER_SELECTION = { classes: 1000, train: 1000, test: 100, seed: 0 } as const;

export interface SelectionCandidate {
  sampleId: number;
  wnid: string;
  sha256: string | null;
  textSimilarity: number | null;
  imageSimilarity: number | null;
  flagged: boolean;
  decision: Decision | null;
}

/** How classes are ranked: mean image–caption similarity, mean text similarity, kept count; auto = image if any. */
export type ScoreMode = 'auto' | 'image' | 'text' | 'count';

export interface SelectionParams {
  threshold: number;
  classes: number;
  train: number;
  test: number;
  seed: number;
  score: ScoreMode;
}

export interface SelectedClass {
  rank: number;
  wnid: string;
  score: number | null;
  /** Kept distinct images in the class (before drawing train/test). */
  kept: number;
  train: number[];
  test: number[];
}

export interface SelectionResult {
  scoreMode: Exclude<ScoreMode, 'auto'>;
  classes: SelectedClass[];
  /** Classes with at least one kept image. */
  classesWithKept: number;
  /** Classes with at least train + test kept images. */
  classesEligible: number;
  /** Eligible classes passed over because shared images already sat in a full split elsewhere. */
  classesSkippedForDuplicates: number;
  keptCandidates: number;
}

interface ClassPool {
  wnid: string;
  /** One candidate per distinct image, the lowest sample id first. */
  items: SelectionCandidate[];
  score: number | null;
}

function mean(values: number[]): number | null {
  if (!values.length) return null;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

function resolveScoreMode(mode: ScoreMode, kept: SelectionCandidate[]): SelectionResult['scoreMode'] {
  if (mode !== 'auto') return mode;
  return kept.some((c) => c.imageSimilarity != null) ? 'image' : 'count';
}

function classScore(mode: SelectionResult['scoreMode'], items: SelectionCandidate[]): number | null {
  if (mode === 'count') return items.length;
  const values = items
    .map((c) => (mode === 'image' ? c.imageSimilarity : c.textSimilarity))
    .filter((v): v is number => v != null);
  return mean(values);
}

/** Kept candidates grouped by class, one per distinct image. */
function keptPools(
  candidates: readonly SelectionCandidate[],
  threshold: number,
): { pools: Map<string, SelectionCandidate[]>; kept: number } {
  const pools = new Map<string, SelectionCandidate[]>();
  let kept = 0;
  const ordered = candidates.slice().sort((a, b) => a.sampleId - b.sampleId);
  const seen = new Map<string, Set<string>>();
  for (const c of ordered) {
    if (
      !isKept(
        { textSimilarity: c.textSimilarity, flagged: c.flagged, hasImage: c.sha256 != null, decision: c.decision },
        threshold,
      )
    )
      continue;
    kept++;
    let shas = seen.get(c.wnid);
    if (!shas) seen.set(c.wnid, (shas = new Set()));
    if (shas.has(c.sha256!)) continue;
    shas.add(c.sha256!);
    let list = pools.get(c.wnid);
    if (!list) pools.set(c.wnid, (list = []));
    list.push(c);
  }
  return { pools, kept };
}

function compareClasses(a: ClassPool, b: ClassPool): number {
  if (a.score == null && b.score != null) return 1;
  if (b.score == null && a.score != null) return -1;
  if (a.score != null && b.score != null && a.score !== b.score) return b.score - a.score;
  if (a.items.length !== b.items.length) return b.items.length - a.items.length;
  return a.wnid < b.wnid ? -1 : a.wnid > b.wnid ? 1 : 0;
}

export function selectDataset(candidates: readonly SelectionCandidate[], p: SelectionParams): SelectionResult {
  const need = p.train + p.test;
  const { pools, kept } = keptPools(candidates, p.threshold);
  const allKept = [...pools.values()].flat();
  const scoreMode = resolveScoreMode(p.score, allKept);
  const eligible: ClassPool[] = [];
  for (const [wnid, items] of pools) {
    if (items.length >= need) eligible.push({ wnid, items, score: classScore(scoreMode, items) });
  }
  eligible.sort(compareClasses);

  const placed = new Map<string, 'train' | 'test'>();
  const classes: SelectedClass[] = [];
  let skipped = 0;
  for (const pool of eligible) {
    if (classes.length >= p.classes) break;
    const order = seededShuffle(pool.items, subSeed(p.seed, pool.wnid));
    const train: SelectionCandidate[] = [];
    const test: SelectionCandidate[] = [];
    for (const c of order) {
      if (train.length >= p.train && test.length >= p.test) break;
      const forced = placed.get(c.sha256!);
      const side = forced ?? (test.length < p.test ? 'test' : 'train');
      const list = side === 'test' ? test : train;
      if (list.length < (side === 'test' ? p.test : p.train)) list.push(c);
    }
    if (train.length < p.train || test.length < p.test) {
      skipped++;
      continue;
    }
    for (const c of train) placed.set(c.sha256!, 'train');
    for (const c of test) placed.set(c.sha256!, 'test');
    const ids = (list: SelectionCandidate[]) => list.map((c) => c.sampleId).sort((a, b) => a - b);
    classes.push({
      rank: classes.length + 1,
      wnid: pool.wnid,
      score: pool.score,
      kept: pool.items.length,
      train: ids(train),
      test: ids(test),
    });
  }
  return {
    scoreMode,
    classes,
    classesWithKept: pools.size,
    classesEligible: eligible.length,
    classesSkippedForDuplicates: skipped,
    keptCandidates: kept,
  };
}
