// The lemma-quality rule: which lemmas of WordNet noun synsets are fit to name a class in caption matching. LAIONet's
// matching rules were made for ImageNet-1k's 1000 synsets; over every WordNet noun the same rules let function words
// and words used mostly as verbs or adjectives become classes (`a` the letter, `in` inch, `are` the unit of area,
// `walking`, `brown`, `little`), and, since a caption naming two synsets is dropped, those lemmas also make most
// captions ambiguous. The rule removes such words from their synsets (a synset keeps its other words: `inch` still
// matches through `inch`), each with a reason, and flags kept words worth a look. LAIONet's rules then run unchanged
// on the words that remain. Evidence comes only from WordNet 3.0's own files and a fixed function-word list
// (function-words.ts):
//
// - sense tag counts (index.sense, the same counts as cntlist): how often the Semantic Concordance tagged the word
//   as a noun, verb, adjective, adverb — summed over its senses, and per noun synset;
// - morphy's detachment rules and exception lists (noun.exc, verb.exc): whether the word is an -ing or -s form of
//   a verb, or a plural of another noun, and how often that base was tagged;
// - the spelling of every noun word in data.noun (which words some synset spells in lowercase).
//
// In order, the first that applies drops the word:
//   1. one character (letters, initials, digits, chemical symbols: `A`, `I`, `x`, `2`);
//   2. a function word, compared lowercased (`in`, `at`, `are`, `can`, `will`; `In` indium, `US`, `More`);
//   3. a numeral: digits only (`40`), or a Roman numeral in a synset that also has a digit word (`XL` of forty);
//   4. two letters, not both capitals: abbreviations and symbols (`cm`, `ml`, `kg`, `Mr`, `Jr`, `Co` cobalt, which
//      matches "Co., Ltd"), note names (`re`, `la`), Greek letters (`pi`) and foreign words (`en`, `el`) — in
//      captions, units, titles and other languages' function words. Two capitals (`TV`, `PC`, `UK`, `DJ`) are kept
//      and flagged;
//   5. used more as another part of speech: tagged more often as a verb, adjective or adverb than as a noun
//      (`watch` 17 noun vs 176 verb, `brown`, `little`, `fall`, `fly`);
//   6. a verb form: an -ing form of a verb, or an -s form that is no plural of a noun (`walking` of walk, `sitting`
//      of sit), never tagged as a noun while the verb is, or whose verb was tagged more than ten times as often as
//      the form as a noun (add-one smoothed: (V+1) > 10(N+1)). The verb's count covers all of its forms, hence the
//      margin: `building` (52 noun vs 139 build), `painting`, `reading`, `feeling`, `meeting` stay;
//   7. a verb phrase: two or more words, the first an -ing verb form and the last a preposition or particle
//      (`looking at`, `laying on`);
//   8. a plural of another noun tagged more than ten times as often, same smoothing (`men`: man 1218 vs 35);
//   9. a capitalised form of a common word: a word with capitals (not all capitals) whose lowercase spelling is a
//      WordNet word tagged at least as often as the capitalised senses (`Day` the writer Clarence Day, `Park` Mungo
//      Park, `Navy` the US Navy: day, park and navy are tagged 349, 34 and 10 times, those senses never). Web
//      alt-texts are often in Title Case, where case-sensitive matching cannot tell `Day` from `day`.
//  10. (LemmaRule.build) the name of a particular as well: a word that also names an instance (`Michigan` the card
//      game and the state, `Paris` the herb genus and the city).
// Rules 5 and 6 need at least three tagged uses of the other part of speech (MIN_EVIDENCE): one or two tags in the
// 200,000-word concordance are no evidence (`plush`, `crochet`, `padding` stay).
// Kept words are flagged when they have two characters (`TV`, `UK`), are never tagged while WordNet lists more verb,
// adjective or adverb senses than noun senses (`bulldog`, `felt`), are tagged as verb/adjective/adverb at least half
// as often as as a noun (a close call: `light`, `photograph`), or are a verb form or a plural whose base is tagged
// more often than they are, kept because their own noun use is frequent enough (`building`, `glasses`).
//
// Past-tense forms are not tested (6 only looks at -ing and -s): captions describe in the present, and nouns equal to
// a past form (`rose`, `saw`, `felt`, `stole`, `dove`) are rarely verbs there. Tag counts are looked up lowercased,
// since index.sense is, so a capitalised word shares its lowercase word's part-of-speech evidence (`Nice` the city
// is dropped by 5 because `nice` is mostly an adjective).
import { functionWordClass } from './function-words.ts';

/** Bump when the rule's logic changes: cached verdicts are keyed by it. */
export const LEMMA_RULE_VERSION = 7;

/** 'default': the rule; 'none': LAIONet's rules alone, every word kept. */
export type LemmaRuleName = 'default' | 'none';
export const LEMMA_RULE_NAMES = ['default', 'none'] as const satisfies readonly LemmaRuleName[];

/**
 * The rule a match run uses unless told: the default rule for the eligible set (ImageNot's pipeline), none for an
 * explicit synset file (exact LAIONet semantics, e.g. ImageNet-1k's 1000 synsets as LAIONet matched them).
 */
export function defaultLemmaRuleFor(synsets: string): LemmaRuleName {
  return synsets === 'eligible' ? 'default' : 'none';
}

export type DropCode =
  | 'one-character'
  | 'two-letters'
  | 'function-word'
  | 'numeral'
  | 'other-pos'
  | 'verb-form'
  | 'verb-phrase'
  | 'noun-plural'
  | 'capitalised-common-word'
  | 'names-a-particular';
export type FlagCode = 'two-characters' | 'close-call' | 'untagged' | 'inflected-form';

export interface PosTags {
  n: number;
  v: number;
  a: number;
  r: number;
}

/** What WordNet says about one lowercase word ('_' between parts): tag counts and sense counts per POS. */
export interface LemmaUsage {
  tags: PosTags;
  senses: PosTags;
}

/** The evidence the rule reads (built by buildLemmaEvidence from the files' text: pure). */
export interface LemmaEvidence {
  usage: Map<string, LemmaUsage>;
  /** Inflected form -> base forms (verb.exc, noun.exc). */
  verbExceptions: Map<string, string[]>;
  nounExceptions: Map<string, string[]>;
  /** Lowercase word -> tags of its noun senses in synsets that spell it with a capital letter. */
  capitalisedTags: Map<string, number>;
  /** Lowercase words that some noun synset spells in lowercase, or that are verbs, adjectives or adverbs. */
  lowercaseWords: Set<string>;
  /** Lowercase word -> noun synset offset -> how often that sense was tagged. */
  nounSenseTags: Map<string, Map<number, number>>;
}

/** A word's verdict: dropped (with a code) or kept, with flags; `reason` says why in words (null: kept, no flag). */
export interface LemmaVerdict {
  drop: DropCode | null;
  flags: FlagCode[];
  reason: string | null;
}

export const KEEP: LemmaVerdict = Object.freeze({
  drop: null,
  flags: Object.freeze([]) as unknown as FlagCode[],
  reason: null,
});

const POS_NAME: Record<keyof PosTags, string> = { n: 'noun', v: 'verb', a: 'adjective', r: 'adverb' };
const SS_TYPE: Record<string, keyof PosTags> = { '1': 'n', '2': 'v', '3': 'a', '4': 'r', '5': 'a' };

const zero = (): PosTags => ({ n: 0, v: 0, a: 0, r: 0 });

export interface SenseLine {
  lemma: string;
  pos: keyof PosTags;
  offset: number;
  tags: number;
}

/** index.sense: `lemma%ss_type:lex_filenum:lex_id:head_word:head_id synset_offset sense_number tag_cnt` per line. */
export function* senseIndexLines(text: string): Generator<SenseLine> {
  let from = 0;
  while (from < text.length) {
    let nl = text.indexOf('\n', from);
    if (nl === -1) nl = text.length;
    const line = text.slice(from, nl);
    from = nl + 1;
    const pct = line.indexOf('%');
    if (pct <= 0) continue;
    const pos = SS_TYPE[line[pct + 1]];
    const f = line.slice(pct).trimEnd().split(' ');
    const offset = Number(f[1]);
    const tags = Number(f[3]);
    if (!pos || f.length !== 4 || !Number.isInteger(offset) || !Number.isInteger(tags)) continue;
    yield { lemma: line.slice(0, pct), pos, offset, tags };
  }
}

/** An exception list (`inflected base [base ...]` per line). */
export function parseExceptionList(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length < 2) continue;
    out.set(parts[0], [...(out.get(parts[0]) ?? []), ...parts.slice(1)]);
  }
  return out;
}

/** The rule's evidence from the text of index.sense, verb.exc, noun.exc and the noun synsets' words (data.noun). */
export function buildLemmaEvidence(
  files: { senseIndex: string; verbExceptions: string; nounExceptions: string },
  nouns: Iterable<{ offset: number; words: readonly string[] }>,
): LemmaEvidence {
  const usage = new Map<string, LemmaUsage>();
  const nounSenseTags = new Map<string, number>();
  const bySense = new Map<string, Map<number, number>>();
  const lowercaseWords = new Set<string>();
  for (const l of senseIndexLines(files.senseIndex)) {
    let u = usage.get(l.lemma);
    if (!u) usage.set(l.lemma, (u = { tags: zero(), senses: zero() }));
    u.tags[l.pos] += l.tags;
    u.senses[l.pos] += 1;
    if (l.pos === 'n') {
      nounSenseTags.set(`${l.lemma} ${l.offset}`, l.tags);
      let senses = bySense.get(l.lemma);
      if (!senses) bySense.set(l.lemma, (senses = new Map()));
      senses.set(l.offset, l.tags);
    } else lowercaseWords.add(l.lemma);
  }
  const capitalisedTags = new Map<string, number>();
  for (const s of nouns) {
    for (const w of s.words) {
      const key = w.toLowerCase();
      if (key === w) {
        lowercaseWords.add(key);
        continue;
      }
      capitalisedTags.set(key, (capitalisedTags.get(key) ?? 0) + (nounSenseTags.get(`${key} ${s.offset}`) ?? 0));
    }
  }
  return {
    usage,
    verbExceptions: parseExceptionList(files.verbExceptions),
    nounExceptions: parseExceptionList(files.nounExceptions),
    capitalisedTags,
    lowercaseWords,
    nounSenseTags: bySense,
  };
}

// morphy's detachment rules (WordNet's morphy(7WN)) for the forms the rule tests.
const VERB_ING: [string, string][] = [
  ['ing', ''],
  ['ing', 'e'],
];
const VERB_S: [string, string][] = [
  ['s', ''],
  ['ies', 'y'],
  ['es', 'e'],
  ['es', ''],
];
const NOUN_PLURAL: [string, string][] = [
  ['s', ''],
  ['ses', 's'],
  ['xes', 'x'],
  ['zes', 'z'],
  ['ches', 'ch'],
  ['shes', 'sh'],
  ['men', 'man'],
  ['ies', 'y'],
];

function detach(word: string, rules: [string, string][]): string[] {
  const out: string[] = [];
  for (const [suffix, ending] of rules) {
    if (word.length > suffix.length + 1 && word.endsWith(suffix)) out.push(word.slice(0, -suffix.length) + ending);
  }
  return out;
}

const ROMAN = /^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$/;
const DIGITS = /^[0-9]+$/;
const TWO_LETTERS = /^\p{L}{2}$/u;

const otherTags = (t: PosTags) => t.v + t.a + t.r;

/** The other part of speech with most tags (most senses when none is tagged). */
function mainOtherPos(u: LemmaUsage): string {
  const keys: (keyof PosTags)[] = ['v', 'a', 'r'];
  const by = otherTags(u.tags) > 0 ? u.tags : u.senses;
  return POS_NAME[keys.reduce((best, k) => (by[k] > by[best] ? k : best))];
}

interface Base {
  base: string;
  tags: number;
}

/** The base with the most tags in `pos`, among candidate bases that WordNet lists in that part of speech. */
function bestBase(evidence: LemmaEvidence, word: string, bases: string[], pos: keyof PosTags): Base | null {
  let best: Base | null = null;
  for (const base of bases) {
    if (base === word) continue;
    const u = evidence.usage.get(base);
    if (!u || u.senses[pos] === 0) continue;
    if (!best || u.tags[pos] > best.tags) best = { base, tags: u.tags[pos] };
  }
  return best;
}

/** Tagged uses below this are no evidence for rules 4 and 5. */
export const MIN_EVIDENCE = 3;

/** More than ten times as often, add-one smoothed: (a + 1) > 10 (b + 1). */
const muchMore = (a: number, b: number) => a + 1 > 10 * (b + 1);

function article(pos: string): string {
  return (/^[aeiou]/.test(pos) ? 'an ' : 'a ') + pos;
}

const drop = (code: DropCode, reason: string): LemmaVerdict => ({ drop: code, flags: [], reason });

/** The -ing verb form's base, if the (lowercase, one-word) word is one. */
function ingBase(evidence: LemmaEvidence, key: string): Base | null {
  if (!key.endsWith('ing')) return null;
  return bestBase(evidence, key, [...detach(key, VERB_ING), ...(evidence.verbExceptions.get(key) ?? [])], 'v');
}

/**
 * The verdict on one WordNet word (case kept, '_' between parts) whatever its synset: every rule but the Roman
 * numerals of 3, which depend on the synset (LemmaRule.verdict). Pure and deterministic.
 */
export function wordVerdict(word: string, evidence: LemmaEvidence): LemmaVerdict {
  const chars = [...word].length;
  if (chars === 1) return drop('one-character', 'one character: matches letters, initials, digits and symbols');
  const parts = word.split('_');
  const fw = parts.length === 1 ? functionWordClass(word) : null;
  if (fw) return drop('function-word', `function word '${word.toLowerCase()}' (${fw})`);
  if (DIGITS.test(word)) return drop('numeral', 'numeral: matches sizes, prices, dates and counts');
  if (TWO_LETTERS.test(word) && word !== word.toUpperCase()) {
    return drop(
      'two-letters',
      'two letters, not capitals: matches abbreviations (cm, Mr), note names and foreign words',
    );
  }
  const key = word.toLowerCase();
  const u = evidence.usage.get(key);
  const noun = u?.tags.n ?? 0;
  const other = u ? otherTags(u.tags) : 0;
  if (u && other > noun && other >= MIN_EVIDENCE) {
    return drop(
      'other-pos',
      `used more as ${article(mainOtherPos(u))} than as a noun: tagged ${other} times as a verb, adjective or adverb, ${noun} as a noun`,
    );
  }
  const oneWord = parts.length === 1;
  const plural = oneWord
    ? bestBase(evidence, key, [...detach(key, NOUN_PLURAL), ...(evidence.nounExceptions.get(key) ?? [])], 'n')
    : null;
  const verb = !oneWord
    ? null
    : (ingBase(evidence, key) ??
      (key.endsWith('s') && !plural
        ? bestBase(evidence, key, [...detach(key, VERB_S), ...(evidence.verbExceptions.get(key) ?? [])], 'v')
        : null));
  if (verb && verb.tags >= MIN_EVIDENCE && (noun === 0 || muchMore(verb.tags, noun))) {
    return drop(
      'verb-form',
      noun === 0
        ? `a form of the verb '${verb.base}' (tagged ${verb.tags} times), never tagged as a noun`
        : `a form of the verb '${verb.base}' (tagged ${verb.tags} times), more than ten times as often as this word as a noun (${noun})`,
    );
  }
  if (parts.length > 1 && functionWordClass(parts[parts.length - 1]) === 'preposition or particle') {
    const first = ingBase(evidence, parts[0].toLowerCase());
    if (first)
      return drop(
        'verb-phrase',
        `a verb phrase: '${parts[0]}' is a form of the verb '${first.base}', '${parts[parts.length - 1]}' a particle`,
      );
  }
  if (plural && muchMore(plural.tags, noun)) {
    return drop(
      'noun-plural',
      `the plural of '${plural.base}' (tagged ${plural.tags} times as a noun; this word ${noun})`,
    );
  }
  if (key !== word && /\p{Ll}/u.test(word) && evidence.lowercaseWords.has(key)) {
    const capital = evidence.capitalisedTags.get(key) ?? 0;
    const common = (u ? u.tags.n + other : 0) - capital;
    if (common >= capital) {
      return drop(
        'capitalised-common-word',
        `capitalised form of the common word '${key.replace(/_/g, ' ')}' (tagged ${common} times; the capitalised senses ${capital}): matches Title Case captions`,
      );
    }
  }
  const flags: FlagCode[] = [];
  const notes: string[] = [];
  if (chars === 2) {
    flags.push('two-characters');
    notes.push('two characters');
  }
  if (u && noun === 0 && other === 0 && otherTags(u.senses) > u.senses.n) {
    flags.push('untagged');
    notes.push(
      `never tagged; WordNet lists it more as ${article(mainOtherPos(u))} (${otherTags(u.senses)} senses) than as a noun (${u.senses.n})`,
    );
  }
  if (u && other > 0 && 2 * other >= noun) {
    flags.push('close-call');
    notes.push(`often not a noun: tagged ${noun} times as a noun, ${other} as a verb, adjective or adverb`);
  }
  const base = verb ?? plural;
  if (base && base.tags > noun) {
    flags.push('inflected-form');
    notes.push(
      `${verb ? `a form of the verb '${base.base}'` : `the plural of '${base.base}'`} (tagged ${base.tags} times; this word ${noun} as a noun)`,
    );
  }
  return flags.length ? { drop: null, flags, reason: notes.join('; ') } : KEEP;
}

/**
 * A lemma two or more chosen synsets share goes to the sense the Semantic Concordance tagged far more often than any
 * other of them: at least MIN_EVIDENCE tags and, add-one smoothed, DOMINANCE times the next. LAIONet drops every shared
 * lemma, which over ImageNet-1k's 1000 synsets cost little; over all WordNet nouns nearly every common object word is
 * polysemous (`dog` also names a frump, a cad, a frankfurter, a pawl and an andiron; `car` a railcar, a gondola, an
 * elevator car and a cable car), so the rule alone left `dog` and `car` matching nothing. The text filter, which
 * compares each caption with the sense's definition, then removes captions that use the word in another sense.
 */
export const DOMINANCE = 3;

/** The verdicts of the rule over a set of words, and what a synset adds (Roman numerals). */
export class LemmaRule {
  /**
   * `verdicts`: word (case kept, '_' between parts) -> its verdict when not a plain keep. `senseTags`: lowercase word
   * -> noun synset offset -> tags, for words with two or more tagged noun senses (what dominantSense reads).
   */
  constructor(
    private readonly verdicts: ReadonlyMap<string, LemmaVerdict>,
    private readonly senseTags: ReadonlyMap<string, ReadonlyMap<number, number>> = new Map(),
  ) {}

  /**
   * The rule over every word of `nouns` (only non-plain verdicts are stored). With their instance hypernyms, a word
   * that names both an instance (a particular: a place, a person, a work) and a category is dropped too (rule 10):
   * the card game `Michigan`, the herb genus `Paris` and the star `Sun` would otherwise collect captions about the
   * state, the city and the sun, the instances being excluded from the eligible set (core/wordnet/eligibility.ts).
   */
  static build(
    nouns: Iterable<{ words: readonly string[]; instanceHypernyms?: readonly number[] }>,
    evidence: LemmaEvidence,
  ): LemmaRule {
    const verdicts = new Map<string, LemmaVerdict>();
    const seen = new Set<string>();
    const particulars = new Map<string, number>();
    const categories = new Set<string>();
    for (const s of nouns) {
      const particular = !!s.instanceHypernyms?.length;
      for (const w of s.words) {
        if (particular) particulars.set(w, (particulars.get(w) ?? 0) + 1);
        else categories.add(w);
        if (seen.has(w)) continue;
        seen.add(w);
        const v = wordVerdict(w, evidence);
        if (v !== KEEP) verdicts.set(w, v);
      }
    }
    for (const [w, count] of particulars) {
      if (!categories.has(w) || verdicts.get(w)?.drop) continue;
      verdicts.set(
        w,
        drop(
          'names-a-particular',
          `also the name of ${count === 1 ? 'a particular' : `${count} particulars`} (WordNet instances: places, people, works), which captions mostly mean`,
        ),
      );
    }
    const senseTags = new Map<string, Map<number, number>>();
    for (const [word, senses] of evidence.nounSenseTags) {
      if (senses.size > 1 && [...senses.values()].some((t) => t > 0)) senseTags.set(word, senses);
    }
    return new LemmaRule(verdicts, senseTags);
  }

  /** The verdict on `word` of a synset whose words are `synsetWords`. */
  verdict(word: string, synsetWords: readonly string[]): LemmaVerdict {
    const v = this.verdicts.get(word) ?? KEEP;
    if (v.drop !== null) return v;
    if (ROMAN.test(word) && synsetWords.some((w) => DIGITS.test(w))) {
      return drop('numeral', 'Roman numeral of a number synset: matches sizes (XL) and numbering');
    }
    return v;
  }

  /**
   * Which of the synsets (wnids) sharing `lemma` (matched form: ' ' between parts) keeps it, when one sense dominates
   * (see DOMINANCE), with the reason the others lose it; null when none does (LAIONet then drops it from all).
   */
  dominantSense(lemma: string, wnids: readonly string[]): { winner: string; reason: string } | null {
    const word = lemma.toLowerCase().replace(/ /g, '_');
    const senses = this.senseTags.get(word);
    if (!senses) return null;
    const ranked = wnids
      .map((wnid) => ({ wnid, tags: senses.get(Number(wnid.slice(1))) ?? 0 }))
      .sort((a, b) => b.tags - a.tags);
    const [first, second] = ranked;
    if (first.tags < MIN_EVIDENCE || first.tags + 1 < DOMINANCE * (second.tags + 1)) return null;
    return {
      winner: first.wnid,
      reason: `'${lemma}' goes to its dominant sense ${first.wnid} (tagged ${first.tags} times in the Semantic Concordance; the next of the synsets sharing it ${second.tags})`,
    };
  }

  /** Serialisable form (for a cache): [word, drop, flags, reason] per non-plain verdict, and the sense tags. */
  toCompact(): CompactLemmaRule {
    return {
      format: 'imagenot-lemma-rule',
      version: LEMMA_RULE_VERSION,
      verdicts: [...this.verdicts].map(([w, v]) => [w, v.drop, v.flags, v.reason ?? '']),
      senseTags: [...this.senseTags].map(([w, senses]) => [w, [...senses.keys()], [...senses.values()]]),
    };
  }

  static fromCompact(c: CompactLemmaRule): LemmaRule {
    if (c.format !== 'imagenot-lemma-rule' || c.version !== LEMMA_RULE_VERSION)
      throw new Error(`not a version-${LEMMA_RULE_VERSION} lemma rule`);
    return new LemmaRule(
      new Map(c.verdicts.map(([w, d, f, r]) => [w, { drop: d, flags: f, reason: r || null }])),
      new Map(c.senseTags.map(([w, offsets, tags]) => [w, new Map(offsets.map((o, i) => [o, tags[i]]))])),
    );
  }
}

export interface CompactLemmaRule {
  format: 'imagenot-lemma-rule';
  version: number;
  verdicts: [string, DropCode | null, FlagCode[], string][];
  senseTags: [string, number[], number[]][];
}

/** A workspace's decision on one word of one synset, overriding the rule. */
export type LemmaOverride = 'keep' | 'drop';

/** A word's verdict under the rule and a workspace's override: what matching uses. */
export interface LemmaDecision {
  verdict: LemmaVerdict;
  override: LemmaOverride | null;
  /** Whether matching leaves the word out. */
  dropped: boolean;
}

export function decideLemma(verdict: LemmaVerdict, override: LemmaOverride | null | undefined): LemmaDecision {
  const o = override ?? null;
  return { verdict, override: o, dropped: o === 'drop' ? true : o === 'keep' ? false : verdict.drop !== null };
}

/** A workspace's overrides: wnid -> lemma (matched form: '_' -> ' ', case kept) -> decision. */
export type LemmaOverrides = ReadonlyMap<string, ReadonlyMap<string, LemmaOverride>>;

export const MANUAL_DROP_REASON = 'dropped by hand in this workspace';

/**
 * The word filter matching uses (core/matching/lemma-set.ts): the rule's drops, then the workspace's overrides
 * (a 'keep' restores a dropped word, a 'drop' removes a kept one).
 */
export function lemmaRuleFilter(rule: LemmaRule, overrides: LemmaOverrides = new Map()) {
  return (
    synset: { wnid: string; words: readonly string[] },
    word: string,
  ): { code: DropCode | 'manual'; reason: string } | null => {
    const o = overrides.get(synset.wnid)?.get(word.replace(/_/g, ' '));
    if (o === 'keep') return null;
    if (o === 'drop') return { code: 'manual', reason: MANUAL_DROP_REASON };
    const v = rule.verdict(word, synset.words);
    return v.drop ? { code: v.drop, reason: v.reason! } : null;
  };
}

/**
 * What matching takes from the rule (core/matching/lemma-set.ts options): the word filter, and the resolution of
 * shared lemmas to a dominant sense (a workspace's 'keep' override on a losing sense leaves that lemma shared, as
 * LAIONet would).
 */
export function lemmaRuleMatching(rule: LemmaRule, overrides: LemmaOverrides = new Map()) {
  return {
    filter: lemmaRuleFilter(rule, overrides),
    resolveShared: (lemma: string, wnids: readonly string[]) => {
      const r = rule.dominantSense(lemma, wnids);
      if (!r) return null;
      const keptByHand = wnids.some((w) => w !== r.winner && overrides.get(w)?.get(lemma) === 'keep');
      return keptByHand ? null : r;
    },
  };
}
