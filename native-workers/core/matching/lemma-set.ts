// The lemma set of the chosen synsets, LAIONet rules: lemma = WordNet word with '_' -> ' ' (case kept, or lowercased
// with ignoreCase); a lemma of two chosen synsets is dropped; synsets left without lemmas are reported. Lemmas with
// ASCII punctuation are kept in the set (they count as used) but are reported since no normalised caption contains them.
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
}

const SHARED = -1;

export function buildLemmaSet(chosen: ChosenSynset[], opts: { ignoreCase?: boolean } = {}): LemmaSet {
  const ignoreCase = !!opts.ignoreCase;
  const byWnid = new Map<string, ChosenSynset>();
  for (const s of chosen) byWnid.set(s.wnid, s);
  const wnids = [...byWnid.keys()].sort();
  // lemma -> its synset index, or SHARED once a second synset has it (owners of shared lemmas kept aside).
  const owner = new Map<string, number>();
  const sharedOwners = new Map<string, Set<number>>();
  wnids.forEach((wnid, si) => {
    for (const w of byWnid.get(wnid)!.words) {
      const lemma = ignoreCase ? lowerCaseUnits(lemmaOf(w)) : lemmaOf(w);
      const o = owner.get(lemma);
      if (o === undefined) owner.set(lemma, si);
      else if (o === SHARED) sharedOwners.get(lemma)!.add(si);
      else if (o !== si) {
        owner.set(lemma, SHARED);
        sharedOwners.set(lemma, new Set([o, si]));
      }
    }
  });
  const lemmas: string[] = [];
  const lemmaSynset: number[] = [];
  const kept = new Uint8Array(wnids.length);
  for (const [lemma, si] of owner) {
    if (si === SHARED) continue;
    lemmas.push(lemma);
    lemmaSynset.push(si);
    kept[si] = 1;
  }
  const shared: LemmaSet['shared'] = [...sharedOwners].map(([lemma, set]) => ({ lemma, wnids: [...set].map((i) => wnids[i]).sort() }));
  return {
    ignoreCase,
    lemmas,
    lemmaSynset: Int32Array.from(lemmaSynset),
    wnids,
    shared: shared.sort((a, b) => (a.lemma < b.lemma ? -1 : a.lemma > b.lemma ? 1 : 0)),
    withoutLemmas: wnids.filter((_, i) => !kept[i]),
    unmatchable: lemmas.filter(isUnmatchableLemma),
  };
}

/** The lemma set of WordNet synsets given by wnid; wnids that are not WordNet 3.0 nouns are returned in `unknown`. */
export function lemmaSetForWnids(
  wordnet: { get(wnid: string): ChosenSynset | undefined },
  wnids: string[],
  opts: { ignoreCase?: boolean } = {},
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
