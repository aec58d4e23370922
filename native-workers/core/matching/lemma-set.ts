// The lemma set of the chosen synsets, LAIONet rules: lemma = WordNet word with '_' -> ' ' (case kept, or lowercased
// with ignoreCase); a lemma of two chosen synsets is dropped; synsets left without lemmas are reported. Lemmas with
// ASCII punctuation are kept in the set (they count as used) but are reported since no normalised caption contains them.
// An optional word filter (the lemma-quality rule, core/wordnet/lemma-rule.ts) first removes words from their
// synsets, each with its reason; LAIONet's rules then run on the words that remain, except that an optional resolver
// may give a shared lemma to one of its synsets (the rule's dominant sense), the others losing it with a reason.
// Without a filter and a resolver the set is exactly LAIONet's.
import { isUnmatchableLemma, lemmaOf, lowerCaseUnits } from './normalize.ts';

export interface ChosenSynset {
  wnid: string;
  /** WordNet words ('_' between parts). */
  words: string[];
}

export interface LemmaSet {
  ignoreCase: boolean;
  /** Distinct usable lemmas (as compared: lowercased when ignoreCase). */
  lemmas: string[];
  /** lemmaSynset[i] = index into `wnids` of lemma i's synset. */
  lemmaSynset: Int32Array;
  /** The chosen synsets' wnids (sorted). */
  wnids: string[];
  /** Lemmas dropped because two or more chosen synsets have them, with those synsets. */
  shared: { lemma: string; wnids: string[] }[];
  /** Chosen synsets that kept no lemma. */
  withoutLemmas: string[];
  /** Usable lemmas that contain ASCII punctuation and so can never match. */
  unmatchable: string[];
  /** Words the filter removed (lemma in matched form, case kept), with the filter's reason; in wnid order. */
  filtered: { wnid: string; lemma: string; code: string; reason: string }[];
  /** Chosen synsets the filter left without words. */
  emptiedByFilter: string[];
}

/** How many words the filter removed, per code, most first. */
export function filteredByCode(set: LemmaSet): Record<string, number> {
  const counts = new Map<string, number>();
  for (const f of set.filtered) counts.set(f.code, (counts.get(f.code) ?? 0) + 1);
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]));
}

/** Why a word (WordNet form, '_' between parts) of a chosen synset is left out (a short code and a sentence), or null. */
export type WordFilter = (synset: ChosenSynset, word: string) => { code: string; reason: string } | null;

/**
 * For a lemma (matched form) that the chosen synsets `wnids` share: the one that keeps it and why the others lose it,
 * or null to drop it from all (LAIONet).
 */
export type SharedLemmaResolver = (
  lemma: string,
  wnids: readonly string[],
) => { winner: string; reason: string } | null;

export interface LemmaSetOptions {
  ignoreCase?: boolean;
  filter?: WordFilter;
  resolveShared?: SharedLemmaResolver;
}

/** The code of a word lost to another synset's dominant sense of it (see SharedLemmaResolver). */
export const MINOR_SENSE = 'minor-sense';

const SHARED = -1;

export function buildLemmaSet(chosen: ChosenSynset[], opts: LemmaSetOptions = {}): LemmaSet {
  const ignoreCase = !!opts.ignoreCase;
  const byWnid = new Map<string, ChosenSynset>();
  for (const s of chosen) byWnid.set(s.wnid, s);
  const wnids = [...byWnid.keys()].sort();
  const filtered: LemmaSet['filtered'] = [];
  const emptiedByFilter: string[] = [];
  if (opts.filter) {
    for (const wnid of wnids) {
      const s = byWnid.get(wnid)!;
      const words = s.words.filter((w) => {
        const why = opts.filter!(s, w);
        if (why) filtered.push({ wnid, lemma: lemmaOf(w), ...why });
        return !why;
      });
      if (words.length < s.words.length) {
        byWnid.set(wnid, { wnid, words });
        if (!words.length) emptiedByFilter.push(wnid);
      }
    }
  }
  // lemma -> its synset index, or SHARED once a second synset has it (owners of shared lemmas kept aside).
  const owner = new Map<string, number>();
  const sharedOwners = new Map<string, Set<number>>();
  /** `${lemma}\0${synset index}` -> the word's matched form (case kept), for words that turn out shared. */
  const forms = new Map<string, string>();
  wnids.forEach((wnid, si) => {
    for (const w of byWnid.get(wnid)!.words) {
      const lemma = ignoreCase ? lowerCaseUnits(lemmaOf(w)) : lemmaOf(w);
      forms.set(`${lemma}\0${si}`, lemmaOf(w));
      const o = owner.get(lemma);
      if (o === undefined) owner.set(lemma, si);
      else if (o === SHARED) sharedOwners.get(lemma)!.add(si);
      else if (o !== si) {
        owner.set(lemma, SHARED);
        sharedOwners.set(lemma, new Set([o, si]));
      }
    }
  });
  if (opts.resolveShared) {
    for (const [lemma, set] of sharedOwners) {
      const owners = [...set];
      const r = opts.resolveShared(
        lemma,
        owners.map((i) => wnids[i]),
      );
      if (!r) continue;
      const winner = owners.find((i) => wnids[i] === r.winner);
      if (winner === undefined) throw new Error(`resolveShared chose ${r.winner}, which does not share '${lemma}'`);
      owner.set(lemma, winner);
      sharedOwners.delete(lemma);
      for (const i of owners) {
        if (i !== winner)
          filtered.push({ wnid: wnids[i], lemma: forms.get(`${lemma}\0${i}`)!, code: MINOR_SENSE, reason: r.reason });
      }
    }
    filtered.sort((a, b) => (a.wnid < b.wnid ? -1 : a.wnid > b.wnid ? 1 : 0));
  }
  const lemmas: string[] = [];
  const lemmaSynset: number[] = [];
  const kept = new Uint8Array(wnids.length);
  for (const [lemma, si] of owner) {
    if (si === SHARED) continue;
    lemmas.push(lemma);
    lemmaSynset.push(si);
    kept[si] = 1;
  }
  const shared: LemmaSet['shared'] = [...sharedOwners].map(([lemma, set]) => ({
    lemma,
    wnids: [...set].map((i) => wnids[i]).sort(),
  }));
  return {
    ignoreCase,
    lemmas,
    lemmaSynset: Int32Array.from(lemmaSynset),
    wnids,
    shared: shared.sort((a, b) => (a.lemma < b.lemma ? -1 : a.lemma > b.lemma ? 1 : 0)),
    withoutLemmas: wnids.filter((_, i) => !kept[i]),
    unmatchable: lemmas.filter(isUnmatchableLemma),
    filtered,
    emptiedByFilter,
  };
}

/** The lemma set of WordNet synsets given by wnid; wnids that are not WordNet 3.0 nouns are returned in `unknown`. */
export function lemmaSetForWnids(
  wordnet: { get(wnid: string): ChosenSynset | undefined },
  wnids: string[],
  opts: LemmaSetOptions = {},
): { lemmaSet: LemmaSet; unknown: string[] } {
  const chosen: ChosenSynset[] = [];
  const unknown: string[] = [];
  for (const w of wnids) {
    const s = wordnet.get(w);
    if (s) chosen.push(s);
    else unknown.push(w);
  }
  return { lemmaSet: buildLemmaSet(chosen, opts), unknown };
}
