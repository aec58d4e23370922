// Dataset building figures: the selection over 1M synthetic candidates (pure core), the NSFW classifier on real COCO
// photos with the wasm backend against the pure-JS cpu backend (same model, same photos), OCR and export image rates.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runStandalone, type BenchLine } from './types.ts';
import { selectDataset, type SelectionCandidate } from '../native-workers/core/selection/select.ts';
import { seededRandom } from '../native-workers/core/selection/rng.ts';
import { loadNsfwClassifier } from '../native-workers/io/flags/nsfw-classifier.ts';
import { createOcrReader } from '../native-workers/io/flags/ocr.ts';
import { exportJpeg } from '../native-workers/io/dataset/images.ts';

const coco = resolve(fileURLToPath(new URL('..', import.meta.url)), '..', 'shared', 'data', 'coco-mini', 'val2017');
const photos = (n: number) =>
  readdirSync(coco)
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .slice(0, n)
    .map((f) => join(coco, f));

function syntheticCandidates(n: number, classes: number): SelectionCandidate[] {
  const rand = seededRandom(42);
  const out: SelectionCandidate[] = new Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = {
      sampleId: i + 1,
      wnid: `n${String(Math.floor(rand() * classes)).padStart(8, '0')}`,
      sha256: `sha${Math.floor(rand() * n * 0.95)}`,
      textSimilarity: rand(),
      imageSimilarity: rand(),
      flagged: rand() < 0.01,
      decision: null,
    };
  }
  return out;
}

async function perImageMs(files: string[], fn: (f: string) => Promise<unknown>): Promise<number> {
  await fn(files[0]); // warm-up
  const t = performance.now();
  for (const f of files) await fn(f);
  return (performance.now() - t) / files.length;
}

export async function run(): Promise<BenchLine[]> {
  const lines: BenchLine[] = [];
  const cands = syntheticCandidates(1_000_000, 1500);
  let t = performance.now();
  const r = selectDataset(cands, { threshold: 0.3, classes: 1000, train: 300, test: 30, seed: 0, score: 'auto' });
  lines.push({
    name: `select: 1M candidates, 1500 classes -> ${r.classes.length} classes`,
    value: (performance.now() - t) / 1000,
    unit: 's',
  });

  const wasm = await loadNsfwClassifier({ backend: 'wasm' });
  const wasmMs = await perImageMs(photos(12), (f) => wasm.classify(f));
  wasm.dispose();
  const cpu = await loadNsfwClassifier({ backend: 'cpu' });
  const cpuMs = await perImageMs(photos(3), (f) => cpu.classify(f));
  cpu.dispose();
  lines.push({
    name: 'nsfw classifier (nsfwjs MobileNetV2, tfjs-wasm)',
    value: 1000 / wasmMs,
    unit: 'images/s',
    reference: 'tfjs cpu backend',
    referenceValue: 1000 / cpuMs,
    ratio: cpuMs / wasmMs,
  });

  const ocr = await createOcrReader();
  const ocrMs = await perImageMs(photos(8), (f) => ocr.recognize(f));
  await ocr.close();
  lines.push({ name: 'ocr (tesseract.js eng, COCO photos)', value: 1000 / ocrMs, unit: 'images/s' });

  t = performance.now();
  const exportMs = await perImageMs(photos(24), (f) => exportJpeg(f, 224, 'center'));
  lines.push({ name: 'export: resize + centre-crop 224 + JPEG (sharp)', value: 1000 / exportMs, unit: 'images/s' });
  return lines;
}

await runStandalone(import.meta.url, run);
