// What became of each word of a synset in a lemma set: kept (matching uses it), dropped by the word filter (the
// lemma rule or a workspace override, with the reason), shared with other chosen synsets (LAIONet drops it), or
// unmatchable (ASCII punctuation); with the rule and the workspace's overrides, also the rule's own verdict (drop
// code, flags, reason) and the override. Behind `wordnet eligible --format csv` and the Synsets screen.
import type { ChosenSynset, LemmaSet } from './lemma-set.ts';
import { isUnmatchableLemma, lemmaOf, lowerCaseUnits } from './normalize.ts';
import type { LemmaOverrides, LemmaRule } from '../wordnet/lemma-rule.ts';

export type LemmaStatus = 'kept' | 'dropped' | 'shared' | 'unmatchable';

export interface LemmaState {
  /** Matched form: '_' -> ' ', case kept. */
  lemma: string;
  status: LemmaStatus;
  /** Dropped: the filter's code ('manual' for a workspace override); shared: null. */
  code: string | null;
  /** Dropped: the filter's reason; shared: which other synsets have it. */
  reason: string | null;
  /** The other chosen synsets that have the lemma (shared only). */
  sharedWith: string[];
  /** The rule's own verdict, whatever the override: its drop code (null: keep), flags and reason. */
  ruleDrop: string | null;
  ruleFlags: string[];
  ruleReason: string | null;
  /** The workspace's override of this lemma of this synset. */
  override: 'keep' | 'drop' | null;
}

export class LemmaReport {
  private readonly keptOwner = new Map<string, string>();
  private readonly filteredBy = new Map<string, { code: string; reason: string }>();
  private readonly sharedBy = new Map<string, string[]>();

  constructor(
    private readonly set: LemmaSet,
    private readonly rule: LemmaRule | null = null,
    private readonly overrides: LemmaOverrides = new Map(),
  ) {
    set.lemmas.forEach((l, i) => this.keptOwner.set(l, set.wnids[set.lemmaSynset[i]]));
    for (const f of set.filtered) this.filteredBy.set(`${f.wnid} ${f.lemma}`, f);
    for (const s of set.shared) this.sharedBy.set(s.lemma, s.wnids);
  }

  /** The chosen synsets that lost a word to the filter. */
  filteredWnids(): Set<string> {
    return new Set(this.set.filtered.map((f) => f.wnid));
  }

  /** The state of every word of `synset` (a chosen synset of the set), in WordNet order. */
  states(synset: ChosenSynset): LemmaState[] {
    return synset.words.map((w) => {
      const lemma = lemmaOf(w);
      const v = this.rule?.verdict(w, synset.words);
      const rule = {
        ruleDrop: v?.drop ?? null,
        ruleFlags: v?.flags ?? [],
        ruleReason: v?.reason ?? null,
        override: this.overrides.get(synset.wnid)?.get(lemma) ?? null,
      };
      return { ...this.state(synset, lemma), ...rule };
    });
  }

  private state(
    synset: ChosenSynset,
    lemma: string,
  ): Pick<LemmaState, 'lemma' | 'status' | 'code' | 'reason' | 'sharedWith'> {
    const dropped = this.filteredBy.get(`${synset.wnid} ${lemma}`);
    if (dropped) return { lemma, status: 'dropped', code: dropped.code, reason: dropped.reason, sharedWith: [] };
    const key = this.set.ignoreCase ? lowerCaseUnits(lemma) : lemma;
    const sharing = this.sharedBy.get(key);
    if (sharing?.includes(synset.wnid)) {
      const others = sharing.filter((x) => x !== synset.wnid);
      const shown = others.slice(0, 3).join(', ') + (others.length > 3 ? `, and ${others.length - 3} more` : '');
      return {
        lemma,
        status: 'shared',
        code: null,
        reason: `also a lemma of ${shown}: a caption naming it is ambiguous (LAIONet)`,
        sharedWith: others,
      };
    }
    if (this.keptOwner.get(key) === synset.wnid && isUnmatchableLemma(key)) {
      return {
        lemma,
        status: 'unmatchable',
        code: null,
        reason: 'contains ASCII punctuation: never in a normalised caption',
        sharedWith: [],
      };
    }
    return { lemma, status: 'kept', code: null, reason: null, sharedWith: [] };
  }
}
