// Per-class similarity arrays sorted ascending, so "how many candidates of each class are kept at threshold T" and a
// class's histogram are binary searches: thousands of classes and a million candidates answer in well under 16 ms
// for any T, which lets the curation slider recount live. Float64 so counts agree exactly with SQL's `similarity > T`.

export interface Histogram {
  edges: number[];
  counts: number[];
}

/** Index of the first element > x in an ascending array (all elements <= x come before it). */
export function upperBound(a: Float64Array, x: number, lo = 0, hi = a.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element >= x in an ascending array. */
export function lowerBound(a: Float64Array, x: number, lo = 0, hi = a.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The index in flat form (what store/threshold-index.ts persists): class sizes and every class's ascending
 * similarities, classes one after another in `wnids` order. */
export interface FlatIndex {
  wnids: readonly string[];
  sizes: Int32Array;
  similarities: Float64Array;
}

export class ClassSimilarityIndex {
  private readonly sorted: Float64Array[];
  private readonly position = new Map<string, number>();
  /** Rank of each class's wnid in string order (ties in kept count are broken by it without string compares). */
  private readonly nameRank: Int32Array;

  /** rows: class of each candidate (index into `wnids`) and its similarity. */
  constructor(wnids: readonly string[], classOf: ArrayLike<number>, similarity: ArrayLike<number>);
  /** Already sorted per class (ClassSimilarityIndex.toFlat's output): no copy, no sort. */
  constructor(flat: FlatIndex);
  constructor(wnidsOrFlat: readonly string[] | FlatIndex, classOf?: ArrayLike<number>, similarity?: ArrayLike<number>) {
    if (!Array.isArray(wnidsOrFlat)) {
      const flat = wnidsOrFlat as FlatIndex;
      this.wnids = flat.wnids;
      let at = 0;
      this.sorted = Array.from(flat.sizes, (n) => flat.similarities.subarray(at, (at += n)));
    } else {
      const wnids = wnidsOrFlat as readonly string[];
      this.wnids = wnids;
      const sizes = new Int32Array(wnids.length);
      for (let i = 0; i < classOf!.length; i++) sizes[classOf![i]]++;
      this.sorted = Array.from(sizes, (n) => new Float64Array(n));
      const fill = new Int32Array(wnids.length);
      for (let i = 0; i < classOf!.length; i++) this.sorted[classOf![i]][fill[classOf![i]]++] = similarity![i];
      for (const a of this.sorted) a.sort();
    }
    const wnids = this.wnids;
    wnids.forEach((w, k) => this.position.set(w, k));
    this.nameRank = new Int32Array(wnids.length);
    [...wnids.keys()]
      .sort((a, b) => (wnids[a] < wnids[b] ? -1 : wnids[a] > wnids[b] ? 1 : 0))
      .forEach((k, rank) => (this.nameRank[k] = rank));
  }

  readonly wnids: readonly string[];

  /** The flat form: one contiguous array, so it can be stored and loaded back without sorting. */
  toFlat(): FlatIndex {
    const sizes = Int32Array.from(this.sorted, (a) => a.length);
    const similarities = new Float64Array(this.size);
    let at = 0;
    for (const a of this.sorted) {
      similarities.set(a, at);
      at += a.length;
    }
    return { wnids: this.wnids, sizes, similarities };
  }

  /** Smallest and largest similarity over all classes (null when empty). */
  range(): [number, number] | null {
    let lo = Infinity;
    let hi = -Infinity;
    for (const a of this.sorted) {
      if (!a.length) continue;
      lo = Math.min(lo, a[0]);
      hi = Math.max(hi, a[a.length - 1]);
    }
    return lo <= hi ? [lo, hi] : null;
  }

  /** Candidates of a class (position k) whose similarity lies within [threshold - band, threshold + band]. */
  nearCount(k: number, threshold: number, band: number): number {
    const a = this.sorted[k];
    return upperBound(a, threshold + band) - lowerBound(a, threshold - band);
  }

  get size(): number {
    let n = 0;
    for (const a of this.sorted) n += a.length;
    return n;
  }

  /** Position of a class in `wnids` (undefined if it has no candidates). */
  classIndex(wnid: string): number | undefined {
    return this.position.get(wnid);
  }

  /** Ascending similarities of one class (empty if the class has no candidates). */
  similarities(wnid: string): Float64Array {
    const k = this.position.get(wnid);
    return k == null ? new Float64Array(0) : this.sorted[k];
  }

  candidates(k: number): number {
    return this.sorted[k].length;
  }

  /** Candidates of a class with similarity strictly above the threshold. */
  keptCount(wnid: string, threshold: number): number {
    const a = this.similarities(wnid);
    return a.length - upperBound(a, threshold);
  }

  /** Kept count of every class at this threshold, in `wnids` order. */
  keptCounts(threshold: number): Int32Array {
    const out = new Int32Array(this.sorted.length);
    for (let k = 0; k < this.sorted.length; k++) out[k] = this.sorted[k].length - upperBound(this.sorted[k], threshold);
    return out;
  }

  /** Class positions ordered by kept (descending), then wnid. */
  orderByKept(kept: Int32Array): Int32Array {
    const rank = this.nameRank;
    return Int32Array.from(kept.keys()).sort((a, b) => kept[b] - kept[a] || rank[a] - rank[b]);
  }

  /** Per class: candidates and kept at this threshold, in the index's class order. */
  counts(threshold: number): { wnid: string; candidates: number; kept: number }[] {
    const kept = this.keptCounts(threshold);
    return this.wnids.map((wnid, k) => ({ wnid, candidates: this.sorted[k].length, kept: kept[k] }));
  }

  /** Total kept over all classes. */
  totalKept(threshold: number): number {
    return this.keptCounts(threshold).reduce((a, b) => a + b, 0);
  }

  /**
   * Histogram of a class's similarities over `bins` equal bins. The range defaults to the class's own min..max,
   * widened to whole hundredths; the last bin includes its upper edge.
   */
  histogram(wnid: string, bins: number, range?: [number, number]): Histogram {
    const a = this.similarities(wnid);
    if (!Number.isInteger(bins) || bins < 1) throw new Error(`bins must be a positive whole number, got ${bins}`);
    let [lo, hi] =
      range ??
      (a.length
        ? [
            Math.min(a[0], Math.floor(a[0] * 100) / 100),
            Math.max(a[a.length - 1], Math.ceil(a[a.length - 1] * 100) / 100),
          ]
        : [0, 1]);
    if (hi <= lo) hi = lo + 0.01;
    const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + ((hi - lo) * i) / bins));
    const counts: number[] = [];
    for (let i = 0; i < bins; i++) {
      const start = lowerBound(a, edges[i]);
      const end = i === bins - 1 ? upperBound(a, edges[i + 1]) : lowerBound(a, edges[i + 1]);
      counts.push(end - start);
    }
    return { edges, counts };
  }
}
