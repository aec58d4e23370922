// The demo's synthetic captions. Fashion-MNIST has labels, not alt-text, so the demo writes one caption per image from
// WordNet data (lemmas, definitions, usage examples) and fixed templates. The captions are GENERATED, not real web
// text; they are shaped so that every stage of the pipeline has real work to do:
//   sense        the image's own class named in its sense ("a coat on a white background", "coat, an outer garment ...")
//                -> matching finds it, the text filter should keep it;
//   variant      the class named in a form exact matching misses (plural "coats", capitalised "Coat ...")
//                -> LAIONet matching is case-sensitive and has no stemming, so it is not matched;
//   other-sense  ANOTHER class's lemma used in another sense ("a bag of chips", "a second coat of paint", the WordNet
//                example sentences of the other senses) on this image -> matching assigns it to the wrong class, and
//                only the text filter can remove it (what it leaves becomes label noise, as on the web);
//   several      two classes named ("a coat and a dress") -> ambiguous, dropped by matching;
//   plain        no class named ("fashion item 123") -> not matched.
// Everything is a pure function of (classes, class index, image index, seed): the same seed gives the same caption for
// an image whatever order images are generated in, so a resumed generation writes identical files.
import { seededRandom, subSeed } from '../selection/rng.ts';

/** One WordNet noun synset as the generator needs it; lemmas with '_' already replaced by spaces. */
export interface SenseInfo {
  wnid: string;
  lemmas: string[];
  /** The gloss without its quoted examples. */
  definition: string;
  /** The gloss's quoted usage examples. */
  examples: string[];
}

export interface CaptionClass {
  /** The synset the class's images show. */
  sense: SenseInfo;
  /** Other noun synsets that share one of its lemmas (e.g. coat: 'coating, coat', 'coat, pelage'). */
  otherSenses: SenseInfo[];
}

export const CAPTION_KINDS = ['sense', 'variant', 'other-sense', 'several', 'plain'] as const;
export type CaptionKind = (typeof CAPTION_KINDS)[number];

/** Default share of each kind; documented in docs/demo.md. */
export const DEFAULT_CAPTION_MIX: Readonly<Record<CaptionKind, number>> = {
  sense: 0.62,
  variant: 0.08,
  'other-sense': 0.1,
  several: 0.1,
  plain: 0.1,
};

export interface GeneratedCaption {
  caption: string;
  kind: CaptionKind;
  /** Synsets whose lemma the caption uses: the own class (sense, variant), the other class (other-sense), both. */
  mentions: string[];
}

/**
 * Hand-written uses of a lemma in another sense, beyond what WordNet's own example sentences offer. Keyed by lemma;
 * each phrase contains the lemma as a separate lowercase word, so exact matching does pick it up.
 */
const OTHER_SENSE_PHRASES: Readonly<Record<string, readonly string[]>> = {
  coat: [
    'a fresh coat of paint on the old fence',
    'one more coat of varnish and the table is done',
    'the dog grows a thick coat every winter',
  ],
  bag: ['a bag of chips and a cold soda', 'grab bag prizes for the kids', 'relax, the deal is in the bag'],
  dress: [
    'dress rehearsal starts at seven tonight',
    'the dress code is business casual',
    'how to dress a salad with lemon and oil',
  ],
  boot: [
    'put the shopping in the boot of the car',
    'welcome to boot camp, recruits',
    'give the laptop a reboot or a hard boot',
  ],
  shirt: ['keep your shirt on, the results are coming', 'he lost his shirt on the stock market'],
  pant: ['the runner finished with a pant and a groan'],
  sneaker: ['the sneaker crept past the guard at night'],
  frock: ['the monk wore a plain brown frock'],
  jersey: ['Jersey cows grazing in the meadow', 'the ferry to jersey leaves at noon'],
  pullover: ['a quick pullover at the rest stop'],
};

const SENSE_TEMPLATES: readonly string[] = [
  '{a} on a white background',
  'grayscale photo of {a}',
  'product photo: {l}, {d}',
  'new {l} for sale, free shipping',
  '{a}, {d}',
  'catalog image of {a} in size {size}',
  'my favourite {l} this season',
  'vintage {l} from the seventies',
  'low resolution picture of {a}',
  'buy this {color} {l} online',
  '{color} {l}, {d}',
  'the perfect {l} for every occasion',
  'our best selling {l}: {d}',
  'shop the look - {color} {l}',
  "women's {color} {l}, cotton blend, size {size}",
  "men's {color} {l}, regular fit",
  '{color} {l} - fashion clothing and accessories',
];

/** Forms exact matching misses: plural (no stemming) or capitalised at the start (case-sensitive). */
const VARIANT_TEMPLATES: readonly string[] = [
  'a pair of {plural} on a white background',
  'new {plural} for sale',
  'two {color} {plural} side by side',
  '{L} on a white background',
  '{L} in size {size}, {d}',
  'all {plural} half price this week',
];

const SEVERAL_TEMPLATES: readonly string[] = [
  '{a} and {b}',
  '{a} with a matching {l2}',
  'outfit of the day: {color} {l} and {l2}',
  '{a} next to {b} in the shop window',
];

const PLAIN_TEMPLATES: readonly string[] = [
  'fashion item {n}',
  'grayscale catalog image {n}',
  'new arrival in {color}',
  'item {n} from the autumn collection',
  'photo {n}, low resolution',
  'best seller number {n}',
];

const COLORS = ['black', 'white', 'grey', 'navy', 'red', 'beige', 'striped', 'denim', 'wool', 'leather'];
const SIZES = ['S', 'M', 'L', 'XL', '38', '40', '42'];

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)];
}

function withArticle(phrase: string): string {
  return (/^[aeiou]/i.test(phrase) ? 'an ' : 'a ') + phrase;
}

function plural(lemma: string): string {
  return /(s|sh|ch|x)$/.test(lemma) ? `${lemma}es` : `${lemma}s`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** True when `lemma` occurs in `text` as whole words (the shape exact matching looks for, before punctuation rules). */
function usesLemma(text: string, lemma: string): boolean {
  const escaped = lemma.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9])${escaped}([^A-Za-z0-9]|$)`).test(text);
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? `{${key}}`);
}

/** Sentences that use `lemma` of class `c` in a sense other than the class's own. */
export function otherSenseSentences(c: CaptionClass, lemma: string): string[] {
  const out: string[] = [];
  for (const other of c.otherSenses) {
    if (!other.lemmas.includes(lemma)) continue;
    for (const ex of other.examples) if (usesLemma(ex, lemma)) out.push(ex);
    if (other.definition) out.push(`the ${lemma}, ${other.definition}`);
  }
  out.push(...(OTHER_SENSE_PHRASES[lemma] ?? []));
  return out;
}

function chooseKind(rand: () => number, mix: Record<CaptionKind, number>): CaptionKind {
  const total = CAPTION_KINDS.reduce((s, k) => s + Math.max(0, mix[k]), 0);
  let r = rand() * total;
  for (const k of CAPTION_KINDS) {
    r -= Math.max(0, mix[k]);
    if (r < 0) return k;
  }
  return 'sense';
}

export interface CaptionOptions {
  seed: number;
  mix?: Partial<Record<CaptionKind, number>>;
}

/**
 * The caption of image `imageIndex` of class `classIndex`. `classes` is the whole list, because other-sense and
 * several-synset captions name other classes.
 */
export function generateCaption(
  classes: readonly CaptionClass[],
  classIndex: number,
  imageIndex: number,
  opts: CaptionOptions,
): GeneratedCaption {
  const own = classes[classIndex];
  if (!own) throw new Error(`no class at index ${classIndex} (have ${classes.length})`);
  const rand = seededRandom(subSeed(opts.seed, `${own.sense.wnid}/${imageIndex}`));
  const mix = { ...DEFAULT_CAPTION_MIX, ...opts.mix };
  const lemma = pick(rand, own.sense.lemmas);
  const values: Record<string, string> = {
    l: lemma,
    L: capitalise(lemma),
    a: withArticle(lemma),
    plural: plural(lemma),
    d: own.sense.definition,
    color: pick(rand, COLORS),
    size: pick(rand, SIZES),
    n: String(1000 + imageIndex),
  };
  const others = classes.filter((_, i) => i !== classIndex);
  let kind = chooseKind(rand, mix);

  if (kind === 'other-sense') {
    const options = others.flatMap((c) =>
      c.sense.lemmas.flatMap((l) => otherSenseSentences(c, l).map((s) => ({ c, s }))),
    );
    if (options.length) {
      const { c, s } = pick(rand, options);
      return { caption: s, kind, mentions: [c.sense.wnid] };
    }
    kind = 'sense';
  }
  if (kind === 'several' && others.length) {
    const other = pick(rand, others);
    const l2 = pick(rand, other.sense.lemmas);
    const caption = fill(pick(rand, SEVERAL_TEMPLATES), { ...values, l2, b: withArticle(l2) });
    return { caption, kind, mentions: [own.sense.wnid, other.sense.wnid] };
  }
  if (kind === 'variant') {
    return { caption: fill(pick(rand, VARIANT_TEMPLATES), values), kind, mentions: [own.sense.wnid] };
  }
  if (kind === 'plain') {
    return { caption: fill(pick(rand, PLAIN_TEMPLATES), values), kind: 'plain', mentions: [] };
  }
  const ownExamples = own.sense.examples.filter((ex) => usesLemma(ex, lemma));
  const template = ownExamples.length && rand() < 0.15 ? pick(rand, ownExamples) : pick(rand, SENSE_TEMPLATES);
  return { caption: fill(template, values), kind: 'sense', mentions: [own.sense.wnid] };
}
