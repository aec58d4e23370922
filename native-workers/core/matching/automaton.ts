// The caption matcher: an Aho–Corasick automaton whose symbols are the words of the normalised caption.
//
// Why words and not characters: every pattern is ' ' + lemma + ' ' and a lemma's words contain no space, so
// ' l1 l2 .. lk ' occurs in the normalised caption exactly when k consecutive tokens (maximal runs of characters
// that are neither ' ' nor ASCII punctuation) equal l1..lk and are separated by exactly one separator character
// each. The automaton therefore runs over tokens: one hash per token (computed while scanning the char codes, no
// substring allocation), one probe in an open-addressed table of lemma words (verified char by char), one goto with
// failure links over the word trie; a gap of two or more separators resets to the root. That is the same answer as
// the LAIONet substring test for every lemma (checked against it in the tests), in one pass and a few MB.
//
// Speed comes from memory locality more than from instructions: everything a token needs in the common case (its
// hash, length, where its characters are, its word id, its depth-1 trie node and that node's lemma) sits in one
// 32-byte hash slot, so a token costs about two cache lines (the slot and the characters it is verified against),
// and a bit filter that fits the CPU cache turns most tokens that are no lemma word away before the slot table.
import { SEPARATOR, lowerCaseUnit } from './normalize.ts';
import type { LemmaSet } from './lemma-set.ts';

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16777619;

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  return h ^ (h >>> 15);
}

export class CaptionMatcher {
  readonly ignoreCase: boolean;
  /** Open-addressed lemma words, SLOT ints each: see the S_* offsets. */
  private readonly slots: Int32Array;
  private readonly slotMask: number;
  private readonly pool: Uint16Array;
  private readonly maxWordLen: number;
  /** One bit per hash (2^21 bits, 256 KB): most tokens that are no lemma word are rejected without touching the
   * multi-megabyte slot table, which would cost a cache miss each. */
  private readonly bloom: Int32Array;
  // Word trie (node 0 = root): root children dense by word id; other nodes' edges in an open-addressed table keyed
  // by (node, word), EDGE ints each: node, word, target.
  private readonly rootChild: Int32Array;
  private readonly edges: Int32Array;
  private readonly edgeMask: number;
  private readonly fail: Int32Array;
  private readonly output: Int32Array;
  private readonly dictLink: Int32Array;
  /** 1 when the node has no edges and fails to the root: the next word goes straight to its depth-1 node. */
  private readonly simple: Uint8Array;
  private readonly lower: Uint16Array | null;
  /** ASCII code -> compared code (lowercased with ignoreCase), -1 for a separator (space or ASCII punctuation). */
  private readonly ascii: Int32Array;
  // Per-caption result (reused: no allocation per caption).
  private readonly stamp: Int32Array;
  private captionNo = 0;
  /** Lemma ids matched by the last `match` call: hits[0 .. hitCount). */
  hits: Int32Array;
  hitCount = 0;

  constructor(readonly lemmaSet: LemmaSet) {
    this.ignoreCase = lemmaSet.ignoreCase;
    const lower = (this.lower = this.ignoreCase ? buildLowerTable() : null);
    this.ascii = new Int32Array(128);
    for (let c = 0; c < 128; c++) this.ascii[c] = SEPARATOR[c] === 1 ? -1 : lower ? lower[c] : c;
    const lemmas = lemmaSet.lemmas;

    // 1. Distinct words of matchable lemmas (a lemma word with a separator char can never equal a token).
    const wordIds = new Map<string, number>();
    const words: string[] = [];
    const lemmaWords: (number[] | null)[] = lemmas.map((lemma) => {
      const parts = lemma.split(' ');
      if (parts.some((p) => p.length === 0 || hasSeparator(p))) return null;
      return parts.map((p) => {
        let id = wordIds.get(p);
        if (id === undefined) {
          id = words.length;
          wordIds.set(p, id);
          words.push(p);
        }
        return id;
      });
    });
    const W = words.length;

    // 2. Word trie.
    const children: Map<number, number>[] = [new Map()];
    const out: number[] = [-1];
    lemmaWords.forEach((ws, lemmaId) => {
      if (!ws) return;
      let node = 0;
      for (const w of ws) {
        let next = children[node].get(w);
        if (next === undefined) {
          next = children.length;
          children.push(new Map());
          out.push(-1);
          children[node].set(w, next);
        }
        node = next;
      }
      out[node] = lemmaId; // distinct lemmas -> distinct word sequences
    });
    const N = children.length;
    this.rootChild = new Int32Array(W);
    for (const [w, t] of children[0]) this.rootChild[w] = t;
    let edgeTotal = 0;
    for (let n = 1; n < N; n++) edgeTotal += children[n].size;
    let edgeCap = 16;
    while (edgeCap < edgeTotal * 2) edgeCap <<= 1;
    this.edgeMask = edgeCap - 1;
    this.edges = new Int32Array(edgeCap * EDGE).fill(-1);
    for (let n = 1; n < N; n++) {
      for (const [w, t] of children[n]) {
        let slot = edgeSlot(n, w) & this.edgeMask;
        while (this.edges[slot * EDGE] !== -1) slot = (slot + 1) & this.edgeMask;
        this.edges[slot * EDGE] = n;
        this.edges[slot * EDGE + 1] = w;
        this.edges[slot * EDGE + 2] = t;
      }
    }
    const hasEdges = new Uint8Array(N);
    for (let n = 1; n < N; n++) hasEdges[n] = children[n].size > 0 ? 1 : 0;
    this.output = Int32Array.from(out);

    // 3. Failure and dictionary-suffix links, breadth first.
    this.fail = new Int32Array(N);
    this.dictLink = new Int32Array(N).fill(-1);
    const queue = new Int32Array(N);
    let head = 0;
    let tail = 0;
    for (const t of children[0].values()) queue[tail++] = t;
    while (head < tail) {
      const n = queue[head++];
      for (const [w, t] of children[n]) {
        this.fail[t] = this.step(this.fail[n], w);
        const f = this.fail[t];
        this.dictLink[t] = this.output[f] !== -1 ? f : this.dictLink[f];
        queue[tail++] = t;
      }
    }
    this.simple = new Uint8Array(N);
    for (let n = 1; n < N; n++) this.simple[n] = hasEdges[n] === 0 && this.fail[n] === 0 ? 1 : 0;

    // 4. The word hash table (characters in one pool).
    let total = 0;
    for (const w of words) total += w.length;
    if (total >= 1 << 22)
      throw new Error(`caption matcher: lemma words too long in total (${total} chars, limit ${1 << 22})`);
    this.pool = new Uint16Array(total);
    let cap = 16;
    while (cap < W * 2) cap <<= 1;
    this.slotMask = cap - 1;
    this.slots = new Int32Array(cap * SLOT);
    for (let s = 0; s < cap; s++) this.slots[s * SLOT + S_WORD] = -1;
    let maxLen = 0;
    let at = 0;
    for (let i = 0; i < W; i++) {
      const w = words[i];
      if (w.length > MAX_WORD)
        throw new Error(`caption matcher: lemma word longer than ${MAX_WORD} characters: ${w.slice(0, 40)}...`);
      let h = FNV_OFFSET;
      for (let k = 0; k < w.length; k++) {
        const c = w.charCodeAt(k);
        this.pool[at + k] = c;
        h = Math.imul(h ^ c, FNV_PRIME);
      }
      maxLen = Math.max(maxLen, w.length);
      let slot = mix(h) & this.slotMask;
      while (this.slots[slot * SLOT + S_WORD] !== -1) slot = (slot + 1) & this.slotMask;
      const b = slot * SLOT;
      const node = this.rootChild[i];
      this.slots[b + S_HASH] = h;
      this.slots[b + S_LENSTART] = w.length | (at << 10);
      this.slots[b + S_WORD] = i;
      this.slots[b + S_NODE] = node;
      this.slots[b + S_INFO] = ((this.output[node] + 1) << 1) | this.simple[node];
      at += w.length;
    }
    this.maxWordLen = maxLen;
    this.bloom = new Int32Array(1 << 16); // 2^21 bits
    for (let s = 0; s <= this.slotMask; s++) {
      if (this.slots[s * SLOT + S_WORD] === -1) continue;
      const hh = mix(this.slots[s * SLOT + S_HASH]);
      const bit = (hh >>> 11) & 0x1fffff;
      this.bloom[bit >>> 5] |= 1 << (bit & 31);
    }

    this.stamp = new Int32Array(lemmas.length);
    this.hits = new Int32Array(64);
  }

  /** The child of `node` (not the root) by word `w`, or -1. */
  private edge(node: number, w: number): number {
    const edges = this.edges;
    for (let slot = edgeSlot(node, w) & this.edgeMask; ; slot = (slot + 1) & this.edgeMask) {
      const b = slot * EDGE;
      const n = edges[b];
      if (n === -1) return -1;
      if (n === node && edges[b + 1] === w) return edges[b + 2];
    }
  }

  /** goto with failure links: the state after word `w` from `state`. */
  private step(state: number, w: number): number {
    while (state !== 0) {
      const next = this.edge(state, w);
      if (next !== -1) return next;
      state = this.fail[state];
    }
    return this.rootChild[w];
  }

  /** Adds a lemma to this caption's hits once. Few hits: a scan of the hits; many: per-lemma stamps. */
  private record(lemma: number): void {
    const n = this.hitCount;
    const hits = this.hits;
    if (n < STAMP_FROM) {
      for (let i = 0; i < n; i++) if (hits[i] === lemma) return;
      if (n + 1 === STAMP_FROM) {
        for (let i = 0; i < n; i++) this.stamp[hits[i]] = this.captionNo;
        this.stamp[lemma] = this.captionNo;
      }
    } else {
      if (this.stamp[lemma] === this.captionNo) return;
      this.stamp[lemma] = this.captionNo;
      if (n === hits.length) {
        const bigger = new Int32Array(n * 2);
        bigger.set(hits);
        this.hits = bigger;
      }
    }
    this.hits[this.hitCount++] = lemma;
  }

  /** The trie state after a general step, recording its outputs. */
  private advance(state: number, w: number): number {
    const next = this.step(state, w);
    if (next !== 0) {
      if (this.output[next] !== -1) this.record(this.output[next]);
      for (let d = this.dictLink[next]; d !== -1; d = this.dictLink[d]) this.record(this.output[d]);
    }
    return next;
  }

  /** Matches one caption; returns the number of distinct lemmas found (ids in hits[0..hitCount)). */
  match(caption: string): number {
    this.hitCount = 0;
    if (++this.captionNo === 0x7fffffff) {
      this.stamp.fill(0);
      this.captionNo = 1;
    }
    // Hot loop: everything in locals, the word lookup inlined.
    const lower = this.lower;
    const ascii = this.ascii;
    const slots = this.slots;
    const slotMask = this.slotMask;
    const pool = this.pool;
    const maxWordLen = this.maxWordLen;
    const bloom = this.bloom;
    const n = caption.length;
    let state = 0;
    let simple = 1; // the root: the next word goes to its depth-1 node
    let gap = 1; // separators since the previous token (the padding space counts)
    let start = -1;
    let h = FNV_OFFSET;
    for (let i = 0; i <= n; i++) {
      let m = -1;
      if (i < n) {
        const c = caption.charCodeAt(i);
        m = c < 128 ? ascii[c] : lower === null ? c : lower[c];
      }
      if (m >= 0) {
        if (start === -1) {
          start = i;
          h = FNV_OFFSET;
        }
        h = Math.imul(h ^ m, FNV_PRIME);
        continue;
      }
      if (start === -1) {
        gap++;
        continue;
      }
      // A token [start, i) ended: find it among the lemma words.
      const len = i - start;
      let b = -1;
      const mh = mix(h);
      const bit = (mh >>> 11) & 0x1fffff;
      if (len <= maxWordLen && (bloom[bit >>> 5] & (1 << (bit & 31))) !== 0) {
        let slot = mh & slotMask;
        for (;;) {
          const sb = slot * SLOT;
          if (slots[sb + S_WORD] === -1) break;
          const ls = slots[sb + S_LENSTART];
          if (slots[sb + S_HASH] === h && (ls & 1023) === len) {
            const base = ls >>> 10;
            let k = 0;
            if (lower === null) {
              while (k < len && pool[base + k] === caption.charCodeAt(start + k)) k++;
            } else {
              while (k < len && pool[base + k] === lower[caption.charCodeAt(start + k)]) k++;
            }
            if (k === len) {
              b = sb;
              break;
            }
          }
          slot = (slot + 1) & slotMask;
        }
      }
      start = -1;
      if (b === -1) {
        state = 0;
        simple = 1;
      } else if (simple === 1 || gap !== 1) {
        // From the root: the word's depth-1 node and its lemma, all in the slot.
        state = slots[b + S_NODE];
        const info = slots[b + S_INFO];
        simple = info & 1;
        if (info > 1) this.record((info >> 1) - 1);
      } else {
        state = this.advance(state, slots[b + S_WORD]);
        simple = this.simple[state];
      }
      gap = 1;
    }
    return this.hitCount;
  }
}

/** Ints per hash slot and their offsets. */
const SLOT = 8;
const S_HASH = 0;
/** length (10 bits) | pool offset << 10 */
const S_LENSTART = 1;
const S_WORD = 2;
/** The word's depth-1 trie node (0 if no lemma starts with it). */
const S_NODE = 3;
/** (that node's lemma + 1) << 1 | simple flag */
const S_INFO = 4;
const MAX_WORD = 1023;
/** Ints per edge slot: node, word, target, (padding). */
const EDGE = 4;

function edgeSlot(node: number, w: number): number {
  return mix(Math.imul(node, 0x9e3779b1) ^ w);
}
/** Hits scanned linearly below this count, stamped from it on. */
const STAMP_FROM = 16;

function hasSeparator(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c < 128 && SEPARATOR[c] === 1) return true;
  }
  return false;
}

let lowerTable: Uint16Array | null = null;
function buildLowerTable(): Uint16Array {
  if (!lowerTable) {
    lowerTable = new Uint16Array(65536);
    for (let c = 0; c < 65536; c++) lowerTable[c] = lowerCaseUnit(c);
  }
  return lowerTable;
}
