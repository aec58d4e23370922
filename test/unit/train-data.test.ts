// Reading dataset exports for training: WebDataset shards written by the exporter's own writer (indexed by tar
// header offsets), ImageFolder with dataset.json's class order, the latest export of a workspace, and the decode
// pipeline's crop geometry on a real image.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { tempDir } from '../helpers/workspace.ts';
import { writeShard } from '../../native-workers/io/dataset/webdataset.ts';
import { latestExport, readDatasetExport, readImageBytes } from '../../native-workers/io/train-data/export-dataset.ts';
import { decodeInto, IMAGENET_MEAN, IMAGENET_STD } from '../../native-workers/io/train-data/decode.ts';

const jpeg = (v: number, w = 20, h = 12) =>
  sharp({ create: { width: w, height: h, channels: 3, background: { r: v, g: v, b: v } } })
    .jpeg()
    .toBuffer();

test('WebDataset shards: every image found by offset, with its class index', async () => {
  const dir = tempDir();
  try {
    const classes = [{ wnid: 'n00000001' }, { wnid: 'n00000002' }, { wnid: 'n00000003' }];
    writeFileSync(join(dir.path, 'dataset.json'), JSON.stringify({ classes }));
    const samples = async (split: string, n: number, offset: number) =>
      Promise.all(
        Array.from({ length: n }, async (_, i) => ({
          key: String(offset + i),
          jpeg: await jpeg(10 * i),
          classIndex: i % 3,
          json: { split },
        })),
      );
    await writeShard(dir.path, 'train-000000.tar', await samples('train', 4, 0));
    await writeShard(dir.path, 'train-000001.tar', await samples('train', 3, 100));
    await writeShard(dir.path, 'test-000000.tar', await samples('test', 2, 200));
    const data = readDatasetExport(dir.path);
    assert.equal(data.format, 'webdataset');
    assert.deepEqual(data.classes, ['n00000001', 'n00000002', 'n00000003']);
    assert.equal(data.train.length, 7);
    assert.equal(data.test.length, 2);
    for (const item of data.train) {
      const meta = await sharp(readImageBytes(item.ref)).metadata();
      assert.equal(meta.width, 20, 'the bytes at the indexed offset are the whole JPEG');
    }
    assert.deepEqual(data.train.map((t) => t.label).sort(), [0, 1, 2, 0, 0, 1, 2].sort());
  } finally {
    dir.cleanup();
  }
});

test('ImageFolder uses dataset.json order; a workspace trains on its newest complete export', async () => {
  const dir = tempDir();
  try {
    const exportsDir = join(dir.path, 'exports');
    const mk = async (name: string, classes: string[], mtime: number, complete = true) => {
      for (const [i, c] of classes.entries()) {
        for (const split of ['train', 'test']) {
          mkdirSync(join(exportsDir, name, split, c), { recursive: true });
          writeFileSync(join(exportsDir, name, split, c, `${i}.jpg`), await jpeg(50));
        }
      }
      // The export's Hugging Face metadata sits beside the class folders: neither a class nor an image.
      for (const split of ['train', 'test'])
        writeFileSync(join(exportsDir, name, split, 'metadata.jsonl'), '{"file_name": "x.jpg"}\n');
      if (complete) {
        const f = join(exportsDir, name, 'dataset.json');
        writeFileSync(f, JSON.stringify({ classes: classes.map((wnid) => ({ wnid })) }));
        utimesSync(f, mtime, mtime);
      }
    };
    await mk('old', ['b', 'a'], 1000);
    await mk('new', ['z', 'y'], 2000);
    await mk('partial', ['q'], 0, false);
    assert.equal(latestExport(exportsDir), join(exportsDir, 'new'));
    const data = readDatasetExport(join(exportsDir, 'old'));
    assert.deepEqual(data.classes, ['b', 'a'], 'class index = dataset.json order, not folder order');
    assert.equal(data.train.find((t) => t.ref.kind === 'file' && t.ref.path.includes('/b/'))!.label, 0);
    assert.deepEqual([data.train.length, data.test.length], [2, 2], 'metadata.jsonl is not an image');
    // Without dataset.json (a folder from elsewhere) the classes are the sorted folder names, as in torchvision.
    assert.deepEqual(readDatasetExport(join(exportsDir, 'partial')).classes, ['q']);
  } finally {
    dir.cleanup();
  }
});

test('decoding: centre crop of a grey image gives the normalised grey value in every channel', async () => {
  const out = new Float32Array(8 * 8 * 3);
  await decodeInto(await jpeg(128, 30, 20), { train: false, seed: 0, size: 8, evalResize: 9 }, out, 0);
  for (let c = 0; c < 3; c++) {
    const want = (128 / 255 - IMAGENET_MEAN[c]) / IMAGENET_STD[c];
    assert.ok(Math.abs(out[c] - want) < 0.05, `channel ${c}: ${out[c]} vs ${want}`);
  }
  const aug = new Float32Array(8 * 8 * 3);
  await decodeInto(await jpeg(128, 30, 20), { train: true, seed: 7, size: 8, evalResize: 9 }, aug, 0);
  assert.ok(Math.abs(aug[0] - out[0]) < 0.05, 'a flat image stays flat under any crop');
});
