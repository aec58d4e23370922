// The caption matcher: an Aho–Corasick automaton whose symbols are the words of the normalised caption.
//
// Why words and not characters: every pattern is ' ' + lemma + ' ' and a lemma's words contain no space, so
// ' l1 l2 .. lk ' occurs in the normalised caption exactly when k consecutive tokens (maximal runs of characters
// that are neither ' ' nor ASCII punctuation) equal l1..lk and are separated by exactly one separator character
// each. The automaton therefore runs over tokens: one hash per token (computed while scanning the char codes, no
// substring allocation), one probe in an open-addressed table of lemma words (verified char by char), one goto with
// failure links over the word trie; a gap of two or more separators resets to the root. That is the same answer as
// the LAIONet substring test for every lemma (checked against it in the tests), in one pass and a few MB.
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
  // Lemma words: chars in one pool, open-addressed by hash.
  private readonly wordStart: Int32Array;
  private readonly wordLen: Int32Array;
  private readonly pool: Uint16Array;
  private readonly slotHash: Int32Array;
  private readonly slotWord: Int32Array;
  private readonly slotMask: number;
  private readonly maxWordLen: number;
  // Word trie: root children dense by word id; other nodes' edges sorted by word id in one array.
  private readonly rootChild: Int32Array;
  private readonly edgeStart: Int32Array;
  private readonly edgeCount: Int32Array;
  private readonly edgeWord: Int32Array;
  private readonly edgeTarget: Int32Array;
  private readonly fail: Int32Array;
  private readonly output: Int32Array;
  private readonly dictLink: Int32Array;
  private readonly lower: Uint16Array | null;
  // Per-caption result (reused: no allocation per caption).
  private readonly stamp: Int32Array;
  private captionNo = 0;
  /** Lemma ids matched by the last `match` call: hits[0 .. hitCount). */
  hits: Int32Array;
  hitCount = 0;

  constructor(readonly lemmaSet: LemmaSet) {
    this.ignoreCase = lemmaSet.ignoreCase;
    this.lower = this.ignoreCase ? buildLowerTable() : null;
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
    this.wordStart = new Int32Array(W);
    this.wordLen = new Int32Array(W);
    let total = 0;
    for (let i = 0; i < W; i++) {
      this.wordStart[i] = total;
      this.wordLen[i] = words[i].length;
      total += words[i].length;
    }
    this.pool = new Uint16Array(total);
    let cap = 16;
    while (cap < W * 2) cap <<= 1;
    this.slotMask = cap - 1;
    this.slotHash = new Int32Array(cap);
    this.slotWord = new Int32Array(cap).fill(-1);
    let maxLen = 0;
    for (let i = 0; i < W; i++) {
      const w = words[i];
      let h = FNV_OFFSET;
      for (let k = 0; k < w.length; k++) {
        const c = w.charCodeAt(k);
        this.pool[this.wordStart[i] + k] = c;
        h = Math.imul(h ^ c, FNV_PRIME);
      }
      maxLen = Math.max(maxLen, w.length);
      let slot = mix(h) & this.slotMask;
      while (this.slotWord[slot] !== -1) slot = (slot + 1) & this.slotMask;
      this.slotWord[slot] = i;
      this.slotHash[slot] = h;
    }
    this.maxWordLen = maxLen;

    // 2. Word trie (node 0 = root).
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
    this.rootChild = new Int32Array(W).fill(0);
    for (const [w, t] of children[0]) this.rootChild[w] = t;
    this.edgeStart = new Int32Array(N);
    this.edgeCount = new Int32Array(N);
    let edges = 0;
    for (let n = 1; n < N; n++) edges += children[n].size;
    this.edgeWord = new Int32Array(edges);
    this.edgeTarget = new Int32Array(edges);
    let e = 0;
    for (let n = 1; n < N; n++) {
      this.edgeStart[n] = e;
      this.edgeCount[n] = children[n].size;
      for (const [w, t] of [...children[n]].sort((a, b) => a[0] - b[0])) {
        this.edgeWord[e] = w;
        this.edgeTarget[e++] = t;
      }
    }
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

    this.stamp = new Int32Array(lemmas.length);
    this.hits = new Int32Array(Math.max(16, Math.min(lemmas.length, 1024)));
  }

  /** goto with failure links: the state after word `w` from `state`. */
  private step(state: number, w: number): number {
    while (state !== 0) {
      const start = this.edgeStart[state];
      let lo = start;
      let hi = start + this.edgeCount[state] - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const mw = this.edgeWord[mid];
        if (mw === w) return this.edgeTarget[mid];
        if (mw < w) lo = mid + 1;
        else hi = mid - 1;
      }
      state = this.fail[state];
    }
    return this.rootChild[w];
  }

  private record(lemma: number): void {
    if (this.stamp[lemma] === this.captionNo) return;
    this.stamp[lemma] = this.captionNo;
    if (this.hitCount === this.hits.length) {
      const bigger = new Int32Array(this.hits.length * 2);
      bigger.set(this.hits);
      this.hits = bigger;
    }
    this.hits[this.hitCount++] = lemma;
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
    const slotWord = this.slotWord;
    const slotHash = this.slotHash;
    const slotMask = this.slotMask;
    const wordLen = this.wordLen;
    const wordStart = this.wordStart;
    const pool = this.pool;
    const maxWordLen = this.maxWordLen;
    const output = this.output;
    const n = caption.length;
    let state = 0;
    let gap = 1; // separators since the previous token (the padding space counts)
    let start = -1;
    let h = FNV_OFFSET;
    for (let i = 0; ; i++) {
      const c = i < n ? caption.charCodeAt(i) : 32;
      if (c < 128 && SEPARATOR[c] === 1) {
        if (start === -1) {
          gap++;
        } else {
          // A token [start, i) ended: find it among the lemma words.
          const len = i - start;
          let w = -1;
          if (len <= maxWordLen) {
            let slot = mix(h) & slotMask;
            for (let sw = slotWord[slot]; sw !== -1; sw = slotWord[slot]) {
              if (slotHash[slot] === h && wordLen[sw] === len) {
                const base = wordStart[sw];
                let k = 0;
                if (lower === null) {
                  while (k < len && pool[base + k] === caption.charCodeAt(start + k)) k++;
                } else {
                  while (k < len && pool[base + k] === lower[caption.charCodeAt(start + k)]) k++;
                }
                if (k === len) {
                  w = sw;
                  break;
                }
              }
              slot = (slot + 1) & slotMask;
            }
          }
          start = -1;
          if (w === -1) state = 0;
          else {
            state = this.step(gap === 1 ? state : 0, w);
            if (output[state] !== -1) this.record(output[state]);
            for (let d = this.dictLink[state]; d !== -1; d = this.dictLink[d]) this.record(output[d]);
          }
          gap = 1;
        }
        if (i >= n) break;
      } else {
        if (start === -1) {
          start = i;
          h = FNV_OFFSET;
        }
        h = Math.imul(h ^ (lower !== null ? lower[c] : c), FNV_PRIME);
      }
    }
    return this.hitCount;
  }
}

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
