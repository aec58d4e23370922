// From the lemmas a caption matched to its outcome (LAIONet): one synset -> 'matched' (a candidate), several ->
// 'ambiguous' (dropped). Also the plain per-lemma substring loop that defines the semantics (the tests' oracle and the
// benchmark's baseline).
import type { CaptionMatcher } from './automaton.ts';
import type { LemmaSet } from './lemma-set.ts';
import { lowerCaseUnits, normalizeCaption } from './normalize.ts';

export type MatchStatus = 'matched' | 'ambiguous';

export interface CaptionMatch {
  status: MatchStatus;
  /** Sorted; one wnid when matched. */
  wnids: string[];
  /** Matched lemmas, sorted (lowercased when ignoreCase). */
  lemmas: string[];
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The outcome of a set of matched lemma ids, or null when none matched. */
export function outcomeOfLemmas(
  set: LemmaSet,
  lemmaIds: ArrayLike<number>,
  count = lemmaIds.length,
): CaptionMatch | null {
  if (count === 0) return null;
  if (count === 1) {
    const l = lemmaIds[0];
    return { status: 'matched', wnids: [set.wnids[set.lemmaSynset[l]]], lemmas: [set.lemmas[l]] };
  }
  const lemmas: string[] = [];
  const synsets: number[] = [];
  for (let i = 0; i < count; i++) {
    lemmas.push(set.lemmas[lemmaIds[i]]);
    const s = set.lemmaSynset[lemmaIds[i]];
    if (!synsets.includes(s)) synsets.push(s);
  }
  lemmas.sort(byCodeUnits);
  synsets.sort((a, b) => a - b); // wnids are sorted, so index order is wnid order
  return { status: synsets.length === 1 ? 'matched' : 'ambiguous', wnids: synsets.map((s) => set.wnids[s]), lemmas };
}

/** Runs the automaton on one caption (null/undefined/non-string -> no match). */
export function matchCaption(matcher: CaptionMatcher, caption: unknown): CaptionMatch | null {
  if (typeof caption !== 'string') {
    if (caption === null || caption === undefined) return null;
    caption = String(caption);
  }
  const n = matcher.match(caption as string);
  return n === 0 ? null : outcomeOfLemmas(matcher.lemmaSet, matcher.hits, n);
}

/** The definition, lemma by lemma: ' ' + lemma + ' ' is a substring of the normalised caption. Slow on purpose. */
export function matchCaptionPlainLoop(
  set: LemmaSet,
  caption: string,
  patterns = set.lemmas.map((l) => ' ' + l + ' '),
): CaptionMatch | null {
  let text = normalizeCaption(caption);
  if (set.ignoreCase) text = lowerCaseUnits(text);
  const ids: number[] = [];
  for (let i = 0; i < patterns.length; i++) if (text.includes(patterns[i])) ids.push(i);
  return outcomeOfLemmas(set, ids);
}

/** The CSV/table form: wnids and lemmas joined by '|'. */
export function joinedMatch(m: CaptionMatch): { wnids: string; lemmas: string; status: MatchStatus } {
  return { wnids: m.wnids.join('|'), lemmas: m.lemmas.join('|'), status: m.status };
}

/**
 * joinedMatch(outcomeOfLemmas(...)) for many captions without its allocations and string sorts: lemmas are ordered
 * by a rank computed once (their code-unit order), synsets by index (= wnid order). What the match job and the
 * per-file command write.
 */
export class JoinedOutcomes {
  private rank: Int32Array | null = null;
  private lemmaIds = new Int32Array(64);
  private synsetIds = new Int32Array(64);

  constructor(private readonly set: LemmaSet) {}

  private ranks(): Int32Array {
    if (!this.rank) {
      const sorted = [...this.set.lemmas].sort(); // default sort: UTF-16 code unit order, as byCodeUnits
      const position = new Map(sorted.map((l, i) => [l, i]));
      this.rank = Int32Array.from(this.set.lemmas, (l) => position.get(l)!);
    }
    return this.rank;
  }

  /** The outcome of lemma ids hits[0..count), or null when count is 0. */
  of(hits: ArrayLike<number>, count: number): { wnids: string; lemmas: string; status: MatchStatus } | null {
    const set = this.set;
    if (count === 0) return null;
    if (count === 1)
      return { wnids: set.wnids[set.lemmaSynset[hits[0]]], lemmas: set.lemmas[hits[0]], status: 'matched' };
    if (this.lemmaIds.length < count) {
      this.lemmaIds = new Int32Array(count * 2);
      this.synsetIds = new Int32Array(count * 2);
    }
    const rank = this.ranks();
    const ids = this.lemmaIds;
    const syn = this.synsetIds;
    let nSyn = 0;
    for (let i = 0; i < count; i++) {
      // Insertion sorts: a caption matches a handful of lemmas.
      const l = hits[i];
      let j = i;
      while (j > 0 && rank[ids[j - 1]] > rank[l]) {
        ids[j] = ids[j - 1];
        j--;
      }
      ids[j] = l;
      const s = set.lemmaSynset[l];
      let k = nSyn;
      while (k > 0 && syn[k - 1] > s) k--;
      if (k > 0 && syn[k - 1] === s) continue;
      for (let m = nSyn; m > k; m--) syn[m] = syn[m - 1];
      syn[k] = s;
      nSyn++;
    }
    let lemmas = set.lemmas[ids[0]];
    for (let i = 1; i < count; i++) lemmas += '|' + set.lemmas[ids[i]];
    let wnids = set.wnids[syn[0]];
    for (let i = 1; i < nSyn; i++) wnids += '|' + set.wnids[syn[i]];
    return { wnids, lemmas, status: nSyn === 1 ? 'matched' : 'ambiguous' };
  }
}
