// A generated curation workspace through store functions: N candidates of one class, each pointing at one of 64
// real JPEG thumbnails made with sharp, text similarities spread over [0.2, 0.9), threshold 0.6 (glove).
// Used by the 100k-item grid test and the browser-mode benchmark; buildClassesWorkspace (below) makes a million
// candidates over thousands of classes for the threshold benchmarks.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { openWorkspace } from '../../native-workers/store/workspace.ts';
import { finishSource, openSource } from '../../native-workers/store/sources.ts';
import { insertSamples, type NewSample } from '../../native-workers/store/samples.ts';
import { insertImage } from '../../native-workers/store/images.ts';
import { insertMatches, upsertCatalog } from '../../native-workers/store/synsets.ts';
import { setTextFilter, writeTextSimilarities } from '../../native-workers/store/text-similarities.ts';

export const GENERATED_WNID = 'n02121808'; // domestic cat
export const GENERATED_THRESHOLD = 0.6;

/** Similarity of the i-th of n candidates: 7919 is prime to 10^k, so i -> i*7919 mod n spreads them evenly. */
export const generatedSimilarity = (i: number, n: number) => 0.2 + 0.7 * (((i * 7919) % n) / n);

export async function buildCurationWorkspace(root: string, n: number): Promise<void> {
  const ws = openWorkspace(root, { create: true });
  try {
    const shas: string[] = [];
    for (let i = 0; i < 64; i++) {
      const hue = (i * 47) % 360;
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="192"><rect width="256" height="192" fill="hsl(${hue},60%,55%)"/><text x="20" y="110" font-size="56" fill="white" font-family="sans-serif">#${i}</text></svg>`;
      const jpeg = await sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer();
      const sha = createHash('sha256').update(jpeg).digest('hex');
      const rel = `media/thumbs/${sha.slice(0, 2)}/${sha}.jpg`;
      mkdirSync(join(root, 'media', 'thumbs', sha.slice(0, 2)), { recursive: true });
      writeFileSync(join(root, rel), jpeg);
      insertImage(ws.db, {
        sha256: sha,
        width: 256,
        height: 192,
        format: 'jpeg',
        bytes: jpeg.length,
        storedPath: rel,
        thumbPath: rel,
        originalPath: null,
      });
      shas.push(sha);
    }
    const source = openSource(ws.db, {
      path: `generated-${n}.jsonl`,
      kind: 'table',
      contentHash: `generated-${n}`,
      rows: n,
    });
    const samples: NewSample[] = Array.from({ length: n }, (_, i) => ({
      sourceId: source.id,
      row: i,
      url: `https://example.org/cat/${i}.jpg`,
      caption: `a cat photo number ${i} with a ${['red', 'green', 'blue', 'grey'][i % 4]} background`,
      width: 256,
      height: 192,
      nsfwMeta: null,
      laionSimilarity: null,
      punsafe: null,
      extra: null,
      imageSha256: shas[i % shas.length],
    }));
    ws.db.transaction(() => insertSamples(ws.db, samples))();
    finishSource(ws.db, source.id, n);
    upsertCatalog(ws.db, [
      {
        wnid: GENERATED_WNID,
        name: 'domestic cat',
        lemmas: ['domestic_cat', 'house_cat'],
        definition: 'any domesticated member of the genus Felis',
        lexname: 'noun.animal',
        depth: 13,
        inImagenet1k: false,
        eligible: true,
        reason: null,
      },
    ]);
    // Sample ids are 1..n in a fresh workspace.
    insertMatches(
      ws.db,
      samples.map((_, i) => ({ sampleId: i + 1, wnids: GENERATED_WNID, lemmas: 'cat', status: 'matched' as const })),
    );
    writeTextSimilarities(
      ws.db,
      'glove',
      samples.map((_, i) => ({ sampleId: i + 1, wnid: GENERATED_WNID, similarity: generatedSimilarity(i, n) })),
    );
    setTextFilter(ws.db, 'glove', GENERATED_THRESHOLD);
  } finally {
    ws.close();
  }
}

/**
 * A workspace of `n` generated candidates over `classes` classes (Zipf-like class sizes, similarities spread like a
 * real encoder's, mostly 0.3..0.9) stored as the built-in `glove` encoder's, threshold 0.6: every candidate is a real sample + match
 * row; 2% carry a not-allowed NSFW metadata value and 3% have no image, so the kept rule's exclusions apply. No image
 * files exist behind the samples' sha256 (foreign keys are off while writing): for threshold queries, not thumbnails.
 */
export function buildClassesWorkspace(root: string, n: number, classes: number): void {
  const ws = openWorkspace(root, { create: true });
  try {
    const db = ws.db;
    db.pragma('foreign_keys = OFF');
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const wnids = Array.from({ length: classes }, (_, i) => `n${String(10000000 + i).padStart(8, '0')}`);
    upsertCatalog(
      db,
      wnids.map((wnid, i) => ({
        wnid,
        name: `class ${i}`,
        lemmas: [`class ${i}`],
        definition: `generated class number ${i}`,
        lexname: 'noun.artifact',
        depth: 5,
        inImagenet1k: false,
        eligible: true,
        reason: null,
      })),
    );
    db.transaction(() => {
      db.prepare(
        `INSERT INTO sources (id, path, kind, content_hash, state) VALUES (1, 'generated.parquet', 'parquet', 'generated', 'done')`,
      ).run();
      const sample = db.prepare(
        `INSERT INTO samples (id, source_id, row, caption, nsfw_meta, image_sha256) VALUES (?, 1, ?, ?, ?, ?)`,
      );
      const match = db.prepare(`INSERT INTO matches (sample_id, wnids, lemmas, status) VALUES (?, ?, ?, 'matched')`);
      const rows: { sampleId: number; wnid: string; similarity: number }[] = [];
      for (let i = 1; i <= n; i++) {
        const k = Math.floor(rand() ** 2 * classes);
        const r = rand();
        sample.run(
          i,
          i,
          `a photo of class ${k}, number ${i}`,
          r < 0.02 ? 'NSFW' : 'UNLIKELY',
          r > 0.97 ? null : `sha-${i}`,
        );
        match.run(i, wnids[k], `class ${k}`);
        rows.push({ sampleId: i, wnid: wnids[k], similarity: 0.3 + (0.6 * (rand() + rand() + rand())) / 3 });
        if (rows.length === 50000) writeTextSimilarities(db, 'glove', rows.splice(0));
      }
      writeTextSimilarities(db, 'glove', rows);
      setTextFilter(db, 'glove', 0.6);
    })();
  } finally {
    ws.close();
  }
}
