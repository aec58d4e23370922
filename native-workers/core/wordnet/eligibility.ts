// Which WordNet noun synsets may become ImageNot classes. Default (ImageNot's rules): every noun synset except the
// 1000 ImageNet-1k synsets, any synset sharing a lemma (case-insensitive) with one of them, and instances (particular
// people, places, works, events); ImageNet-1k hypernyms and hyponyms stay eligible (ImageNot's published classes
// contain some). Options tighten this; manual decisions
// override the rules, except that an ImageNet-1k synset is never eligible.
import type { Synset, WordNet } from './wordnet.ts';

export interface EligibilityRules {
  /** Exclude synsets sharing a lemma (case-insensitive) with an ImageNet-1k synset. Default true. */
  excludeSharedLemmas: boolean;
  /**
   * Exclude instances (synsets with an instance hypernym: a particular person, place, work or event such as `London`,
   * `Michael` the archangel, `Nike` the goddess), which name individuals, not categories of objects. Default true:
   * in web alt-text their names are mostly brands, places and people that no image class should be built on.
   */
  excludeInstances: boolean;
  /** Exclude every (transitive) hypernym of an ImageNet-1k synset. Default false. */
  excludeImagenetHypernyms: boolean;
  /** Exclude every (transitive) hyponym of an ImageNet-1k synset. Default false. */
  excludeImagenetHyponyms: boolean;
  /** Keep only synsets in these subtrees (wnids, the roots included); empty = all nouns. */
  subtrees: string[];
  minDepth: number | null;
  maxDepth: number | null;
  /** Lexicographer files to exclude, e.g. 'noun.person'. */
  excludeLexnames: string[];
}

export const DEFAULT_ELIGIBILITY_RULES: EligibilityRules = {
  excludeSharedLemmas: true,
  excludeInstances: true,
  excludeImagenetHypernyms: false,
  excludeImagenetHyponyms: false,
  subtrees: [],
  minDepth: null,
  maxDepth: null,
  excludeLexnames: [],
};

export type ManualDecision = 'include' | 'exclude';

export interface SynsetEligibility {
  wnid: string;
  inImagenet1k: boolean;
  eligible: boolean;
  /** Why it is excluded (or 'manual include'); null when eligible by the rules. */
  reason: string | null;
}

export class EligibilityError extends Error {}

/** Eligibility of every synset of `wordnet`, in `wordnet.synsets` order. */
export function computeEligibility(
  wordnet: WordNet,
  imagenetWnids: string[],
  rules: Partial<EligibilityRules> = {},
  manual: ReadonlyMap<string, ManualDecision> = new Map(),
): SynsetEligibility[] {
  const r: EligibilityRules = { ...DEFAULT_ELIGIBILITY_RULES, ...rules };
  const imagenet = imagenetWnids.map((w) => {
    const s = wordnet.get(w);
    if (!s) throw new EligibilityError(`ImageNet-1k wnid ${w} is not a WordNet 3.0 noun synset`);
    return s;
  });
  const isImagenet = new Uint8Array(wordnet.synsets.length);
  for (const s of imagenet) isImagenet[s.index] = 1;
  const imagenetLemma = new Map<string, string>();
  for (const s of imagenet)
    for (const w of s.words) if (!imagenetLemma.has(w.toLowerCase())) imagenetLemma.set(w.toLowerCase(), s.wnid);
  const idx = imagenet.map((s) => s.index);
  const hypernyms = r.excludeImagenetHypernyms ? wordnet.ancestorsOf(idx) : null;
  const hyponyms = r.excludeImagenetHyponyms ? wordnet.descendantsOf(idx) : null;
  let inSubtrees: Set<number> | null = null;
  if (r.subtrees.length) {
    const roots = r.subtrees.map((w) => {
      const s = wordnet.get(w);
      if (!s) throw new EligibilityError(`subtree root ${w} is not a WordNet 3.0 noun synset`);
      return s.index;
    });
    inSubtrees = wordnet.descendantsOf(roots);
    for (const i of roots) inSubtrees.add(i);
  }
  const lexnames = new Set(r.excludeLexnames);

  const ruleReason = (s: Synset): string | null => {
    if (r.excludeSharedLemmas) {
      for (const w of s.words) {
        const owner = imagenetLemma.get(w.toLowerCase());
        if (owner) return `shares lemma '${w}' with ImageNet-1k ${owner}`;
      }
    }
    if (r.excludeInstances && s.instanceHypernyms.length)
      return `an instance of ${wordnet.synsets[s.instanceHypernyms[0]].wnid} (a particular, not a category)`;
    if (hypernyms?.has(s.index)) return 'hypernym of an ImageNet-1k synset';
    if (hyponyms?.has(s.index)) return 'hyponym of an ImageNet-1k synset';
    if (inSubtrees && !inSubtrees.has(s.index)) return `outside subtrees ${r.subtrees.join(', ')}`;
    if (r.minDepth != null && s.depth < r.minDepth) return `depth ${s.depth} < ${r.minDepth}`;
    if (r.maxDepth != null && s.depth > r.maxDepth) return `depth ${s.depth} > ${r.maxDepth}`;
    if (lexnames.has(s.lexname)) return `lexname ${s.lexname} excluded`;
    return null;
  };

  return wordnet.synsets.map((s) => {
    const inImagenet1k = isImagenet[s.index] === 1;
    if (inImagenet1k) return { wnid: s.wnid, inImagenet1k, eligible: false, reason: 'ImageNet-1k synset' };
    const m = manual.get(s.wnid);
    if (m === 'include') return { wnid: s.wnid, inImagenet1k, eligible: true, reason: 'manual include' };
    if (m === 'exclude') return { wnid: s.wnid, inImagenet1k, eligible: false, reason: 'manual exclude' };
    const reason = ruleReason(s);
    return { wnid: s.wnid, inImagenet1k, eligible: reason === null, reason };
  });
}
