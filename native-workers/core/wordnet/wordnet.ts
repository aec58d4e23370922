// The WordNet 3.0 noun index: synsets by wnid with their relations, NLTK-like min depth and descendant counts, and a
// compact serialisable form (built once from data.noun, cached by io/wordnet-files.ts).
import { parseNounData, type ParsedSynset } from './parse.ts';

export interface Synset {
  /** Position in `WordNet.synsets` (sorted by offset). */
  index: number;
  offset: number;
  /** 'n' + 8-digit offset, ImageNet style. */
  wnid: string;
  /** First word lowercased, '_' -> ' ' (the name NLTK's synset.name() starts with, readable). */
  name: string;
  /** WordNet words, case kept, '_' between the parts of multi-word lemmas (NLTK lemma_names()). */
  words: string[];
  definition: string;
  examples: string[];
  lexname: string;
  /** Indices of hypernyms / instance hypernyms / hyponyms / instance hyponyms. */
  hypernyms: number[];
  instanceHypernyms: number[];
  hyponyms: number[];
  instanceHyponyms: number[];
  /** NLTK min_depth(): 0 for a root, else 1 + min depth over hypernyms and instance hypernyms. */
  depth: number;
  /** Distinct synsets below (hyponyms and instance hyponyms, transitively). */
  descendants: number;
}

/** What the cache stores (JSON); relations as indices. */
export interface CompactWordNet {
  format: 'imagenot-wordnet-nouns';
  version: 1;
  offsets: number[];
  lexnames: string[];
  lexname: number[];
  words: string[];
  definitions: string[];
  examples: string[][];
  hypernyms: number[][];
  instanceHypernyms: number[][];
  depth: number[];
  descendants: number[];
}

export function wnidOf(offset: number): string {
  return 'n' + String(offset).padStart(8, '0');
}

export function synsetName(firstWord: string): string {
  return firstWord.toLowerCase().replace(/_/g, ' ');
}

export class WordNet {
  readonly synsets: Synset[];
  private readonly byWnid = new Map<string, Synset>();

  constructor(synsets: Synset[]) {
    this.synsets = synsets;
    for (const s of synsets) this.byWnid.set(s.wnid, s);
  }

  get(wnid: string): Synset | undefined {
    return this.byWnid.get(wnid);
  }

  /** Hypernyms and instance hypernyms. */
  parents(s: Synset): Synset[] {
    return [...s.hypernyms, ...s.instanceHypernyms].map((i) => this.synsets[i]);
  }

  children(s: Synset): Synset[] {
    return [...s.hyponyms, ...s.instanceHyponyms].map((i) => this.synsets[i]);
  }

  /** Root-first path to `s` along the shallowest parent at each step (first in file order on ties). */
  hypernymPath(s: Synset): Synset[] {
    const path = [s];
    for (let cur = s; cur.depth > 0; ) {
      cur = this.parents(cur).reduce((best, p) => (p.depth < best.depth ? p : best));
      path.push(cur);
    }
    return path.reverse();
  }

  /** Indices of every synset reachable upwards (excluding the start ones unless reachable). */
  ancestorsOf(start: Iterable<number>): Set<number> {
    return this.closure(start, (s) => [...s.hypernyms, ...s.instanceHypernyms]);
  }

  descendantsOf(start: Iterable<number>): Set<number> {
    return this.closure(start, (s) => [...s.hyponyms, ...s.instanceHyponyms]);
  }

  private closure(start: Iterable<number>, next: (s: Synset) => number[]): Set<number> {
    const seen = new Set<number>();
    const stack = [...start].flatMap((i) => next(this.synsets[i]));
    while (stack.length) {
      const i = stack.pop()!;
      if (seen.has(i)) continue;
      seen.add(i);
      stack.push(...next(this.synsets[i]));
    }
    return seen;
  }

  toCompact(): CompactWordNet {
    const lexnames = [...new Set(this.synsets.map((s) => s.lexname))].sort();
    const s = this.synsets;
    return {
      format: 'imagenot-wordnet-nouns',
      version: 1,
      offsets: s.map((x) => x.offset),
      lexnames,
      lexname: s.map((x) => lexnames.indexOf(x.lexname)),
      words: s.map((x) => x.words.join(' ')),
      definitions: s.map((x) => x.definition),
      examples: s.map((x) => x.examples),
      hypernyms: s.map((x) => x.hypernyms),
      instanceHypernyms: s.map((x) => x.instanceHypernyms),
      depth: s.map((x) => x.depth),
      descendants: s.map((x) => x.descendants),
    };
  }

  static fromCompact(c: CompactWordNet): WordNet {
    if (c.format !== 'imagenot-wordnet-nouns' || c.version !== 1)
      throw new Error('not a version-1 imagenot WordNet index');
    const synsets: Synset[] = c.offsets.map((offset, index) => {
      const words = c.words[index].split(' ');
      return {
        index,
        offset,
        wnid: wnidOf(offset),
        name: synsetName(words[0]),
        words,
        definition: c.definitions[index],
        examples: c.examples[index],
        lexname: c.lexnames[c.lexname[index]],
        hypernyms: c.hypernyms[index],
        instanceHypernyms: c.instanceHypernyms[index],
        hyponyms: [],
        instanceHyponyms: [],
        depth: c.depth[index],
        descendants: c.descendants[index],
      };
    });
    linkChildren(synsets);
    return new WordNet(synsets);
  }

  /** Builds the index from the text of WordNet 3.0's data.noun. */
  static fromNounData(text: string): WordNet {
    return WordNet.fromParsed(parseNounData(text));
  }

  static fromParsed(parsed: ParsedSynset[]): WordNet {
    const sorted = [...parsed].sort((a, b) => a.offset - b.offset);
    const indexOf = new Map(sorted.map((p, i) => [p.offset, i]));
    const resolve = (offsets: number[], from: ParsedSynset) =>
      offsets.map((o) => {
        const i = indexOf.get(o);
        if (i === undefined) throw new Error(`synset ${wnidOf(from.offset)} points to missing synset ${wnidOf(o)}`);
        return i;
      });
    const synsets: Synset[] = sorted.map((p, index) => ({
      index,
      offset: p.offset,
      wnid: wnidOf(p.offset),
      name: synsetName(p.words[0]),
      words: p.words,
      definition: p.definition,
      examples: p.examples,
      lexname: p.lexname,
      hypernyms: resolve(p.hypernyms, p),
      instanceHypernyms: resolve(p.instanceHypernyms, p),
      hyponyms: [],
      instanceHyponyms: [],
      depth: -1,
      descendants: 0,
    }));
    linkChildren(synsets);
    computeDepths(synsets);
    computeDescendants(synsets);
    return new WordNet(synsets);
  }
}

function linkChildren(synsets: Synset[]): void {
  for (const s of synsets) {
    for (const h of s.hypernyms) synsets[h].hyponyms.push(s.index);
    for (const h of s.instanceHypernyms) synsets[h].instanceHyponyms.push(s.index);
  }
}

/** Min depth by breadth-first search from the roots (a synset's depth is final the first time it is reached). */
function computeDepths(synsets: Synset[]): void {
  let frontier = synsets.filter((s) => s.hypernyms.length + s.instanceHypernyms.length === 0);
  for (const s of frontier) s.depth = 0;
  for (let d = 1; frontier.length; d++) {
    const next: Synset[] = [];
    for (const s of frontier) {
      for (const c of [...s.hyponyms, ...s.instanceHyponyms]) {
        if (synsets[c].depth === -1) {
          synsets[c].depth = d;
          next.push(synsets[c]);
        }
      }
    }
    frontier = next;
  }
  const unreached = synsets.find((s) => s.depth === -1);
  if (unreached) throw new Error(`synset ${unreached.wnid} is not reachable from a root (hypernym cycle?)`);
}

function computeDescendants(synsets: Synset[]): void {
  const stamp = new Int32Array(synsets.length).fill(-1);
  const stack: number[] = [];
  for (const s of synsets) {
    let n = 0;
    stack.length = 0;
    stack.push(...s.hyponyms, ...s.instanceHyponyms);
    while (stack.length) {
      const i = stack.pop()!;
      if (stamp[i] === s.index) continue;
      stamp[i] = s.index;
      n++;
      const c = synsets[i];
      for (const h of c.hyponyms) if (stamp[h] !== s.index) stack.push(h);
      for (const h of c.instanceHyponyms) if (stamp[h] !== s.index) stack.push(h);
    }
    s.descendants = n;
  }
}
