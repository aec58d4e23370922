// The dataset card's text: the Hub's size buckets, YAML that stays valid for any class name, Markdown table cells that
// a '|' in a name cannot break, per-class sizes stated as a range when classes differ, and a text-only ranking said so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { datasetCard, sizeCategory, type CardInfo } from '../../native-workers/io/dataset/card.ts';

const info = (over: Partial<CardInfo> = {}): CardInfo => ({
  layout: 'imagefolder',
  selectionId: 4,
  seed: 0,
  threshold: 0.82,
  textEncoder: 'clip-vit-b32',
  imageEncoder: null,
  scoreMode: 'count',
  image: { size: 224, crop: 'center' },
  counts: { classes: 2, train: 1999, test: 200, skipped: 1 },
  classes: [
    { index: 0, wnid: 'n00000001', name: 'pipe | tube', rank: 2, train: 999, test: 100 },
    { index: 1, wnid: 'n00000002', name: 'say "hi"', rank: 1, train: 1000, test: 100 },
  ],
  sources: [{ path: '/data/laion/part-00000.parquet', kind: 'parquet', images: 2199 }],
  ...over,
});

test('size buckets follow the Hub: n<1K up to 100M<n<1B', () => {
  assert.deepEqual([0, 999, 1000, 9999, 10000, 1_100_000, 5e8].map(sizeCategory), [
    'n<1K',
    'n<1K',
    '1K<n<10K',
    '1K<n<10K',
    '10K<n<100K',
    '1M<n<10M',
    '100M<n<1B',
  ]);
});

test('the card: quoted YAML, escaped table cells, per-class ranges, a count ranking, the skipped images', () => {
  const card = datasetCard(info());
  assert.ok(card.startsWith('---\n'));
  assert.match(card, /\nsize_categories:\n- 1K<n<10K\n/);
  assert.match(card, /'0': "n00000001"\n {10}'1': "n00000002"\n/);
  assert.ok(card.includes('| 0 | n00000001 | pipe \\| tube | 2 | 999 | 100 |'));
  assert.ok(card.includes('| 1 | n00000002 | say "hi" | 1 | 1000 | 100 |'));
  assert.ok(card.includes('| Train images | 1999 (999–1000 per class) |'));
  assert.ok(card.includes('| Test images | 200 (100 per class) |'));
  assert.ok(card.includes('| Left out (unreadable image) | 1 |'));
  assert.ok(card.includes('| Image encoder | none |'));
  assert.ok(card.includes('| Classes ranked by | number of kept images (no image encoder) |'));
  assert.ok(card.includes('- `part-00000.parquet` (parquet): 2199 images'), 'sources by file name, not the local path');
  assert.ok(!card.includes('/data/laion'));
});

test('a webdataset card names the shards per split and declares no image-folder features', () => {
  const card = datasetCard(info({ layout: 'webdataset' }));
  assert.match(card, /path: "train-\*\.tar"/);
  assert.ok(!card.includes('class_label'));
  assert.ok(card.includes('load_dataset("webdataset"'));
});
