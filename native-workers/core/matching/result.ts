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
export function outcomeOfLemmas(set: LemmaSet, lemmaIds: ArrayLike<number>, count = lemmaIds.length): CaptionMatch | null {
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
export function matchCaptionPlainLoop(set: LemmaSet, caption: string, patterns = set.lemmas.map((l) => ' ' + l + ' ')): CaptionMatch | null {
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
