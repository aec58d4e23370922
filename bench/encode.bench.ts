// Captions/s of the CLIP text path (transformers.js tokenizer + onnxruntime-node session + L2 normalisation, as the
// filter job runs it) against a bare onnxruntime-node loop running the same model on the same, pre-tokenised batches
// (goal >= 0.9x). No real CLIP weights exist offline, so the model is generated: a CLIP-layout text tower with a
// 20k-word vocabulary, hidden 512, four per-token 512x512 layers and a 512-d projection, on real LAION captions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { writeTinyClip } from '../test/helpers/tiny-onnx.ts';
import { openHfTextEncoder } from '../native-workers/io/encoders/hf-text.ts';
import { runStandalone, type BenchLine } from './types.ts';

const CAPTIONS = 1024;
const BATCH = 32;

async function laionCaptions(): Promise<string[]> {
  const file = resolve(
    import.meta.dirname,
    '..',
    '..',
    'shared',
    'data',
    'laion-sample',
    'img2dataset-test_10000.parquet',
  );
  const rows = (await parquetReadObjects({ file: await asyncBufferFromFile(file), columns: ['TEXT'] })) as {
    TEXT: string | null;
  }[];
  return rows.map((r) => r.TEXT ?? '').filter((t) => t.trim().length > 0);
}

function vocabularyOf(captions: string[], size: number): string[] {
  const counts = new Map<string, number>();
  for (const c of captions)
    for (const w of c.toLowerCase().split(/\s+/)) if (w) counts.set(w, (counts.get(w) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, size)
    .map(([w]) => w);
}

export async function run(): Promise<BenchLine[]> {
  const all = await laionCaptions();
  const captions = all.slice(0, CAPTIONS);
  const dir = mkdtempSync(join(tmpdir(), 'imagenot-bench-encode-'));
  try {
    writeTinyClip(dir, { vocab: vocabularyOf(all, 20000), hidden: 512, dim: 512, layers: 4, maxLength: 77, seed: 9 });
    const batches: string[][] = [];
    for (let i = 0; i < captions.length; i += BATCH) batches.push(captions.slice(i, i + BATCH));

    const encoder = await openHfTextEncoder('bench', 'clip', dir);
    // Bare: the same model on the same token batches, tokenised beforehand, outputs used as they come.
    const feeds = batches.map((b) => {
      const enc = encoder.tokenizer(b, { padding: true, truncation: true });
      return {
        input_ids: new ort.Tensor('int64', enc.input_ids.data as BigInt64Array, enc.input_ids.dims),
        attention_mask: new ort.Tensor('int64', enc.attention_mask.data as BigInt64Array, enc.attention_mask.dims),
      };
    });
    const session = await ort.InferenceSession.create(join(dir, 'onnx', 'text_model.onnx'));
    await encoder.encodeTexts(batches[0]); // warm-up both
    await session.run(feeds[0]);

    // The CPU is shared, so the two loops alternate batch by batch (each pair sees the same load), over 3 rounds.
    let oursS = 0;
    let bareS = 0;
    const ROUNDS = 3;
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < batches.length; i++) {
        const t0 = performance.now();
        await encoder.encodeTexts(batches[i]); // what the filter job calls
        const t1 = performance.now();
        await session.run(feeds[i]);
        const t2 = performance.now();
        oursS += (t1 - t0) / 1000;
        bareS += (t2 - t1) / 1000;
      }
    }
    const t = performance.now();
    for (const b of batches) encoder.tokenizer(b, { padding: true, truncation: true });
    const tokenizeS = (performance.now() - t) / 1000;
    await encoder.dispose();
    await session.release();

    const ours = (ROUNDS * captions.length) / oursS;
    const bare = (ROUNDS * captions.length) / bareS;
    return [
      {
        name: `encode: CLIP text path, ${captions.length} LAION captions, batch ${BATCH} (hidden 512 x4 layers)`,
        value: ours,
        unit: 'captions/s',
        reference: 'bare onnxruntime-node loop, pre-tokenised',
        referenceValue: bare,
        ratio: ours / bare,
        goal: '>= 0.9x',
      },
      {
        name: 'encode: tokenisation alone (transformers.js, same batches)',
        value: captions.length / tokenizeS,
        unit: 'captions/s',
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await runStandalone(import.meta.url, run);
