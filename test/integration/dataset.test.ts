// Selection, export and the candidates table on a small workspace of real COCO photos, through the real CLI and worker
// processes: what is kept, that the split never puts one image on both sides, that the same seed gives the same
// selection, that two exports (and an interrupted-then-resumed one) write identical manifests, and the file layouts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { spawnSync } from 'node:child_process';
import sharp from 'sharp';
import tarStream from 'tar-stream';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { openWorkspace, type Workspace } from '../../native-workers/store/workspace.ts';
import { setDecision } from '../../native-workers/store/decisions.ts';
import { JobRunner } from '../../native-workers/jobs/runner.ts';
import { loadWorker } from '../../native-workers/workers/registry.ts';
import { createHandlers } from '../../native-workers/api/handlers/index.ts';
import { dispatch } from '../../native-workers/api/dispatch.ts';
import { runCli, tempDir } from '../helpers/workspace.ts';
import { TORCH_PYTHON } from '../helpers/torchvision.ts';
import {
  addSamples,
  addSource,
  addSynset,
  cocoPhotos,
  storeImage,
  useFilter,
  type FixtureSample,
} from '../helpers/dataset-fixture.ts';

const A = 'n00000001';
const B = 'n00000002';
const C = 'n00000003';
let dir: { path: string; cleanup(): void };
let wsDir: string;
/** Sample ids by role, for the assertions. */
const ids: Record<string, number> = {};
const shaOfSample = new Map<number, string>();

before(async () => {
  dir = tempDir('imagenot-dataset-');
  wsDir = join(dir.path, 'ws');
  const ws = openWorkspace(wsDir, { create: true });
  try {
    const photos = cocoPhotos(20);
    const shas: string[] = [];
    for (const p of photos) shas.push(await storeImage(ws, p));
    addSynset(ws, A, ['tabby', 'tabby cat']);
    addSynset(ws, B, ['kayak']);
    addSynset(ws, C, ['teapot']);
    const src = addSource(ws, '/data/laion-part-0.parquet');
    const rows: FixtureSample[] = [];
    const push = (role: string, s: Omit<FixtureSample, 'row'>) => {
      rows.push({ row: rows.length, ...s });
      ids[role] = -1;
      (rows[rows.length - 1] as FixtureSample & { role?: string }).role = role;
    };
    // Class A: photos 0..7 (8 distinct), photo 0 and 1 a second time (duplicates within the class).
    for (let i = 0; i < 8; i++)
      push(`A${i}`, {
        caption: `a tabby on a mat ${i}`,
        sha256: shas[i],
        wnids: [A],
        lemma: 'tabby',
        textSimilarity: 0.6 + i * 0.01,
        imageSimilarity: 0.3,
      });
    push('Adup0', {
      caption: 'tabby again',
      sha256: shas[0],
      wnids: [A],
      lemma: 'tabby',
      textSimilarity: 0.7,
      imageSimilarity: 0.3,
    });
    push('Adup1', {
      caption: 'tabby once more',
      sha256: shas[1],
      wnids: [A],
      lemma: 'tabby',
      textSimilarity: 0.7,
      imageSimilarity: 0.3,
    });
    push('Abelow', {
      caption: 'tabby, maybe',
      sha256: shas[16],
      wnids: [A],
      lemma: 'tabby',
      textSimilarity: 0.5,
      imageSimilarity: 0.99,
    });
    push('Anoimage', {
      caption: 'tabby without picture',
      sha256: null,
      wnids: [A],
      lemma: 'tabby',
      textSimilarity: 0.9,
    });
    // Class B: photos 8..15 plus photo 0 (an image shared with class A), one NSFW by metadata, one rejected.
    for (let i = 8; i < 16; i++)
      push(`B${i}`, {
        caption: `a red kayak ${i}`,
        sha256: shas[i],
        wnids: [B],
        lemma: 'kayak',
        textSimilarity: 0.8,
        imageSimilarity: 0.35,
        nsfwMeta: 'UNLIKELY',
      });
    push('Bshared', {
      caption: 'kayak and cat',
      sha256: shas[0],
      wnids: [B],
      lemma: 'kayak',
      textSimilarity: 0.8,
      imageSimilarity: 0.35,
    });
    push('Bnsfw', {
      caption: 'kayak nsfw',
      sha256: shas[17],
      wnids: [B],
      lemma: 'kayak',
      textSimilarity: 0.9,
      imageSimilarity: 0.35,
      nsfwMeta: 'NSFW',
    });
    push('Brejected', {
      caption: 'kayak rejected',
      sha256: shas[18],
      wnids: [B],
      lemma: 'kayak',
      textSimilarity: 0.9,
      imageSimilarity: 0.35,
    });
    // Class C: only 4 images, one accepted below threshold -> still too few.
    for (let i = 16; i < 20; i++)
      push(`C${i}`, {
        caption: `a teapot ${i}`,
        sha256: shas[i],
        wnids: [C],
        lemma: 'teapot',
        textSimilarity: i === 19 ? 0.1 : 0.9,
        imageSimilarity: 0.5,
      });
    push('ambiguous', { caption: 'tabby kayak', sha256: shas[2], wnids: [A, B], lemma: 'tabby|kayak' });
    const inserted = addSamples(ws, src, rows);
    rows.forEach((r, i) => {
      ids[(r as FixtureSample & { role: string }).role] = inserted[i];
      if (r.sha256) shaOfSample.set(inserted[i], r.sha256);
    });
    setDecision(ws.db, ids.Brejected, B, 'reject');
    setDecision(ws.db, ids.C19, C, 'accept');
    useFilter(ws, 0.55);
  } finally {
    ws.close();
  }
});

after(() => dir.cleanup());

function latestSplits(ws: Workspace, selectionId: number) {
  return ws.db
    .prepare(`SELECT sample_id sampleId, wnid, split FROM splits WHERE selection_id = ? ORDER BY sample_id`)
    .all(selectionId) as {
    sampleId: number;
    wnid: string;
    split: string;
  }[];
}

test('select: kept rule, ranking by image similarity, sha256-safe split, same seed -> same selection', () => {
  const r1 = runCli(['select', wsDir, '--train', '4', '--test', '2', '--classes', '5', '--seed', '3', '--json']);
  assert.equal(r1.code, 0, r1.stderr);
  const out1 = JSON.parse(r1.stdout);
  assert.equal(out1.selection.scoreMode, 'image');
  assert.deepEqual(
    out1.classes.map((c: { wnid: string }) => c.wnid),
    [B, A],
    'B (mean 0.35) ranks above A (0.30); C has too few',
  );
  // A: 8 distinct kept images (duplicates and the below-threshold one do not count); B: 8 + shared photo 0 = 9.
  assert.deepEqual(
    out1.classes.map((c: { kept: number }) => c.kept),
    [9, 8],
  );
  const ws = openWorkspace(wsDir);
  try {
    const s1 = latestSplits(ws, out1.selection.selectionId);
    assert.equal(s1.length, 12);
    const used = new Set(s1.map((s) => s.sampleId));
    for (const role of ['Abelow', 'Anoimage', 'Bnsfw', 'Brejected', 'ambiguous', 'C16', 'C19'])
      assert.ok(!used.has(ids[role]), `${role} is not selected`);
    const sideOfSha = new Map<string, string>();
    for (const s of s1) {
      const sha = shaOfSample.get(s.sampleId)!;
      assert.ok(
        !sideOfSha.has(sha) || sideOfSha.get(sha) === s.split,
        `image ${sha.slice(0, 8)} is in both train and test`,
      );
      sideOfSha.set(sha, s.split);
    }
    const flags = ws.db
      .prepare(`SELECT sample_id, flagged FROM flags WHERE kind = 'nsfw_meta' ORDER BY sample_id`)
      .all() as { sample_id: number; flagged: number }[];
    assert.equal(flags.length, 9, 'nine samples carry an NSFW metadata value');
    assert.deepEqual(
      flags.filter((f) => f.flagged).map((f) => f.sample_id),
      [ids.Bnsfw],
    );

    const r2 = runCli(['select', wsDir, '--train', '4', '--test', '2', '--classes', '5', '--seed', '3', '--json']);
    assert.equal(r2.code, 0, r2.stderr);
    const out2 = JSON.parse(r2.stdout);
    assert.notEqual(out2.selection.selectionId, out1.selection.selectionId);
    assert.deepEqual(latestSplits(ws, out2.selection.selectionId), s1, 'same workspace + seed -> same selection');
    const r3 = runCli(['select', wsDir, '--train', '4', '--test', '2', '--classes', '1', '--seed', '4', '--json']);
    assert.equal(r3.code, 0, r3.stderr);
    const out3 = JSON.parse(r3.stdout);
    assert.deepEqual(
      out3.classes.map((c: { wnid: string }) => c.wnid),
      [B],
      '--classes 1 keeps the top class',
    );
  } finally {
    ws.close();
  }
});

test('select: a manual accept below the threshold brings a candidate in; --exclude-flags none keeps the NSFW one', async () => {
  const ws = openWorkspace(wsDir);
  try {
    setDecision(ws.db, ids.Abelow, A, 'accept');
    const runner = new JobRunner(ws, { workers: loadWorker }).start();
    const job = await runner.waitFor(
      (await runner.enqueue('select', { train: 8, test: 1, classes: 5, seed: 3, excludeFlags: [] })).id,
    );
    await runner.stop();
    assert.equal(job.state, 'succeeded', job.error ?? '');
    const sel = (job.result as { selectionId: number }).selectionId;
    const splits = latestSplits(ws, sel);
    const a = splits.filter((s) => s.wnid === A).map((s) => s.sampleId);
    assert.equal(a.length, 9, 'A now has 9 distinct kept images (8 + the accepted one) = train 8 + test 1');
    assert.ok(a.includes(ids.Abelow));
    assert.ok(
      splits.some((s) => s.sampleId === ids.Bnsfw),
      'with no excluded flags the NSFW-by-metadata candidate can be drawn',
    );
    setDecision(ws.db, ids.Abelow, A, null);
  } finally {
    ws.close();
  }
});

function readParquet(path: string) {
  return asyncBufferFromFile(path).then((file) => parquetReadObjects({ file }));
}

test('export imagefolder: layout, 224×224 images, sorted-wnid class index, metadata.jsonl, dataset card, identical files across exports', async () => {
  const sel = runCli(['select', wsDir, '--train', '4', '--test', '2', '--seed', '3', '--json']);
  assert.equal(sel.code, 0, sel.stderr);
  const out1 = join(dir.path, 'export1');
  const out2 = join(dir.path, 'export2');
  for (const out of [out1, out2]) {
    const r = runCli(['export', wsDir, out, '--size', '224']);
    assert.equal(r.code, 0, r.stderr);
  }
  const m1 = readFileSync(join(out1, 'manifest.parquet'));
  assert.ok(m1.equals(readFileSync(join(out2, 'manifest.parquet'))), 'manifest.parquet byte-identical');
  assert.equal(readFileSync(join(out1, 'dataset.json'), 'utf8'), readFileSync(join(out2, 'dataset.json'), 'utf8'));
  const ds = JSON.parse(readFileSync(join(out1, 'dataset.json'), 'utf8'));
  // Class index follows sorted wnids (torchvision ImageFolder's order); the ranking (B above A) is kept as `rank`.
  assert.deepEqual(
    ds.classes.map((c: { index: number; wnid: string; name: string; rank: number }) => [
      c.index,
      c.wnid,
      c.name,
      c.rank,
    ]),
    [
      [0, A, 'tabby', 2],
      [1, B, 'kayak', 1],
    ],
  );
  assert.deepEqual(ds.counts, { classes: 2, train: 8, test: 4, skipped: 0 });
  assert.equal(ds.seed, 3);
  assert.equal(ds.threshold, 0.55);
  assert.equal(ds.textEncoder, 'glove');
  assert.equal(ds.imageEncoder, 'tiny-clip');
  assert.deepEqual(ds.classes[0].lemmas, ['tabby', 'tabby cat']);
  const rows = await readParquet(join(out1, 'manifest.parquet'));
  assert.equal(rows.length, 12);
  for (const row of rows) {
    const file = join(out1, row.path as string);
    assert.ok(existsSync(file), `${row.path} exists`);
    assert.equal(row.path, `${row.split}/${row.wnid}/${row.sample_id}.jpg`);
    assert.equal(row.class_index, row.wnid === A ? 0 : 1);
    assert.equal(row.rank, row.wnid === B ? 1 : 2);
    assert.equal(row.sha256, shaOfSample.get(Number(row.sample_id)));
    assert.equal(typeof row.text_similarity, 'number');
    assert.equal(typeof row.image_similarity, 'number');
  }
  for (const split of ['train', 'test'])
    for (const w of [A, B]) assert.equal(readdirSync(join(out1, split, w)).length, split === 'train' ? 4 : 2);
  // Hugging Face imagefolder: <split>/metadata.jsonl, file_name relative to the split folder, one line per image.
  for (const split of ['train', 'test']) {
    const lines = readFileSync(join(out1, split, 'metadata.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, split === 'train' ? 8 : 4);
    for (const m of lines) {
      const row = rows.find((r) => Number(r.sample_id) === m.sample_id)!;
      assert.equal(row.split, split);
      assert.equal(m.file_name, `${m.wnid}/${m.sample_id}.jpg`);
      assert.ok(existsSync(join(out1, split, m.file_name)), `${split}/${m.file_name} exists`);
      assert.deepEqual([m.label, m.wnid, m.class_name, m.rank], m.wnid === A ? [0, A, 'tabby', 2] : [1, B, 'kayak', 1]);
      assert.deepEqual(
        [m.caption, m.url, m.text_similarity, m.image_similarity, m.sha256],
        [row.caption, row.url, row.text_similarity, row.image_similarity, row.sha256],
      );
    }
  }
  assert.equal(
    readFileSync(join(out1, 'train', 'metadata.jsonl'), 'utf8'),
    readFileSync(join(out2, 'train', 'metadata.jsonl'), 'utf8'),
  );
  assert.deepEqual(
    readFileSync(join(out1, 'classes.tsv'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => l.split('\t').slice(0, 4)),
    [
      ['index', 'wnid', 'name', 'rank'],
      ['0', A, 'tabby', '2'],
      ['1', B, 'kayak', '1'],
    ],
  );
  // The dataset card: YAML front matter the Hub reads, then the figures of this export.
  const card = readFileSync(join(out1, 'README.md'), 'utf8');
  assert.equal(card, readFileSync(join(out2, 'README.md'), 'utf8'));
  const front = card.split('\n---\n')[0];
  assert.match(front, /^---\n[\s\S]*\nlicense: other\n/);
  assert.match(front, /\ntask_categories:\n- image-classification\n/);
  assert.match(front, /\nsize_categories:\n- n<1K\n/);
  assert.match(front, /- split: train\n {4}path: "train\/\*\*"\n {2}- split: test\n {4}path: "test\/\*\*"/);
  assert.match(front, new RegExp(`names:\\n {10}'0': "${A}"\\n {10}'1': "${B}"\\n`));
  assert.match(front, /- name: train\n {4}num_examples: 8\n {2}- name: test\n {4}num_examples: 4/);
  for (const line of [
    '| Classes | 2 |',
    '| Train images | 8 (4 per class) |',
    '| Test images | 4 (2 per class) |',
    '| Seed | 3 |',
    '| Text-similarity threshold | caption kept when strictly above 0.55 |',
    '| Text encoder | `glove` |',
    '| Image encoder | `tiny-clip` |',
    `| 0 | ${A} | tabby | 2 | 4 | 2 |`,
    `| 1 | ${B} | kayak | 1 | 4 | 2 |`,
    '- `laion-part-0.parquet` (parquet): 12 images',
  ]) {
    assert.ok(card.includes(line), `the card says ${line}`);
  }
  assert.match(card, /## Licence\n\nThis export grants no licence to the images: each image belongs to its owner/);
  // torchvision's ImageFolder numbers the class folders exactly as dataset.json does.
  const tv = spawnSync(
    TORCH_PYTHON,
    [
      '-c',
      'import sys, json; from torchvision.datasets import ImageFolder; print(json.dumps(ImageFolder(sys.argv[1]).class_to_idx))',
      join(out1, 'train'),
    ],
    { encoding: 'utf8' },
  );
  assert.equal(tv.status, 0, tv.stderr);
  assert.deepEqual(
    JSON.parse(tv.stdout),
    Object.fromEntries(ds.classes.map((c: { wnid: string; index: number }) => [c.wnid, c.index])),
  );
  const meta = await sharp(join(out1, rows[0].path as string)).metadata();
  assert.deepEqual([meta.width, meta.height, meta.format], [224, 224, 'jpeg']);
  // A second export into a folder that holds something else is refused.
  const busy = runCli(['export', wsDir, join(dir.path, 'export1', 'train')]);
  assert.equal(busy.code, 1);
  assert.match(busy.stderr, /not empty/);
});

test('export resumes after a cancel and writes the same manifest', async () => {
  const ws = openWorkspace(wsDir);
  const out = join(dir.path, 'export-resumed');
  try {
    const runner = new JobRunner(ws, { workers: loadWorker }).start();
    // Large images so the job is still running when the cancel lands (the manifest does not depend on the size).
    const job = await runner.enqueue('export', { out, batch: 1, size: 1536 });
    await new Promise<void>((resolve) => runner.on('progress', (p) => p.jobId === job.id && p.done >= 1 && resolve()));
    runner.cancel(job.id);
    const cancelled = await runner.waitFor(job.id);
    assert.equal(cancelled.state, 'cancelled');
    assert.ok(!existsSync(join(out, 'manifest.parquet')), 'the manifest is written last');
    const partial = readdirSync(out, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.jpg')).length;
    assert.ok(partial >= 1 && partial < 12, `some images were written before the cancel (${partial})`);
    runner.resume(job.id);
    const done = await runner.waitFor(job.id);
    await runner.stop();
    assert.equal(done.state, 'succeeded', done.error ?? '');
    assert.ok(
      readFileSync(join(out, 'manifest.parquet')).equals(readFileSync(join(dir.path, 'export1', 'manifest.parquet'))),
    );
    const leftovers = readdirSync(out, { recursive: true })
      .map(String)
      .filter((f) => f.includes('.partial-'));
    assert.deepEqual(leftovers, []);
  } finally {
    ws.close();
  }
});

async function tarMembers(path: string): Promise<Map<string, Buffer>> {
  const members = new Map<string, Buffer>();
  const extract = tarStream.extract();
  extract.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: unknown) => chunks.push(c as Buffer));
    stream.on('end', () => {
      members.set(header.name, Buffer.concat(chunks));
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    extract.on('finish', resolve);
    extract.on('error', reject);
    createReadStream(path).pipe(extract);
  });
  return members;
}

test('export webdataset: shards of .jpg/.cls/.json, byte-identical on repeat', async () => {
  const out1 = join(dir.path, 'wds1');
  const out2 = join(dir.path, 'wds2');
  for (const out of [out1, out2]) {
    const r = runCli(['export', wsDir, out, '--format', 'webdataset', '--shard-size', '3', '--size', '64']);
    assert.equal(r.code, 0, r.stderr);
  }
  const shards = readdirSync(out1)
    .filter((f) => f.endsWith('.tar'))
    .sort();
  assert.deepEqual(shards, [
    'test-000000.tar',
    'test-000001.tar',
    'train-000000.tar',
    'train-000001.tar',
    'train-000002.tar',
  ]);
  for (const s of shards) assert.ok(readFileSync(join(out1, s)).equals(readFileSync(join(out2, s))), `${s} identical`);
  const rows = await readParquet(join(out1, 'manifest.parquet'));
  let seen = 0;
  for (const s of shards) {
    const members = await tarMembers(join(out1, s));
    const keys = new Set([...members.keys()].map((n) => n.split('.')[0]));
    for (const key of keys) {
      const json = JSON.parse(members.get(`${key}.json`)!.toString());
      const row = rows.find((r) => Number(r.sample_id) === Number(key))!;
      assert.equal(row.path, `${s}#${key}`);
      assert.equal(Number(members.get(`${key}.cls`)!.toString()), row.class_index);
      assert.equal(json.wnid, row.wnid);
      assert.equal(json.split, s.split('-')[0]);
      const meta = await sharp(members.get(`${key}.jpg`)!).metadata();
      assert.deepEqual([meta.width, meta.height], [64, 64]);
      seen++;
    }
  }
  assert.equal(seen, 12);
  const ds = JSON.parse(readFileSync(join(out1, 'dataset.json'), 'utf8'));
  assert.equal(ds.layout, 'webdataset');
  assert.deepEqual(ds.shards.test, ['test-000000.tar', 'test-000001.tar']);
  assert.deepEqual(
    ds.classes.map((c: { wnid: string; rank: number }) => [c.wnid, c.rank]),
    [
      [A, 2],
      [B, 1],
    ],
  );
  assert.ok(
    rows.every((r) => r.class_index === (r.wnid === A ? 0 : 1)),
    'shards label by sorted wnid',
  );
  assert.ok(!existsSync(join(out1, 'train', 'metadata.jsonl')), 'no split folders in a webdataset export');
  const card = readFileSync(join(out1, 'README.md'), 'utf8');
  assert.match(card, /- split: train\n {4}path: "train-\*\.tar"\n {2}- split: test\n {4}path: "test-\*\.tar"/);
  assert.ok(card.includes('load_dataset("webdataset"'));
});

test('candidates: one row per matched candidate with source, row, flags, decision and kept', async () => {
  const csvPath = join(dir.path, 'candidates.csv');
  const r = runCli(['candidates', wsDir, '--out', csvPath]);
  assert.equal(r.code, 0, r.stderr);
  const lines = readFileSync(csvPath, 'utf8').trimEnd().split('\n');
  const header = lines[0].split(',');
  assert.deepEqual(header.slice(0, 8), [
    'sample_id',
    'source_file',
    'row',
    'url',
    'caption',
    'wnid',
    'lemmas',
    'text_similarity',
  ]);
  for (const col of [
    'text_encoder',
    'image_similarity',
    'nsfw_meta_flag',
    'nsfw_classifier_flag',
    'ocr_flag',
    'decision',
    'kept',
  ])
    assert.ok(header.includes(col), col);
  // 12 A + 11 B + 4 C matched; the ambiguous sample is not a candidate.
  assert.equal(lines.length - 1, 27);
  const parse = (line: string) => {
    const fields: string[] = [];
    let cur = '';
    let q = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (q) {
        if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
        else if (ch === '"') q = false;
        else cur += ch;
      } else if (ch === '"') q = true;
      else if (ch === ',') fields.push(cur), (cur = '');
      else cur += ch;
    }
    fields.push(cur);
    return Object.fromEntries(header.map((h, i) => [h, fields[i]]));
  };
  const bySample = new Map(
    lines
      .slice(1)
      .map((l) => parse(l))
      .map((o) => [Number(o.sample_id), o]),
  );
  assert.ok(!bySample.has(ids.ambiguous));
  const abelow = bySample.get(ids.Abelow)!;
  assert.deepEqual(
    [abelow.source_file, abelow.row, abelow.wnid, abelow.caption, abelow.text_encoder, abelow.kept],
    ['/data/laion-part-0.parquet', '10', A, 'tabby, maybe', 'glove', 'false'],
  );
  assert.equal(Number(abelow.text_similarity), 0.5);
  assert.equal(bySample.get(ids.A0)!.row, '0');
  assert.equal(bySample.get(ids.A0)!.kept, 'true');
  assert.equal(bySample.get(ids.A0)!.lemmas, 'tabby');
  assert.equal(bySample.get(ids.Anoimage)!.kept, 'false');
  assert.deepEqual([bySample.get(ids.Bnsfw)!.nsfw_meta_flag, bySample.get(ids.Bnsfw)!.kept], ['true', 'false']);
  assert.equal(bySample.get(ids.B8)!.nsfw_meta_flag, 'false');
  assert.equal(bySample.get(ids.A0)!.nsfw_meta_flag, '', 'no NSFW metadata: no flag');
  assert.deepEqual([bySample.get(ids.Brejected)!.decision, bySample.get(ids.Brejected)!.kept], ['reject', 'false']);
  assert.deepEqual([bySample.get(ids.C19)!.decision, bySample.get(ids.C19)!.kept], ['accept', 'true']);
  assert.equal(bySample.get(ids.B8)!.image_similarity, '0.35');

  const pqPath = join(dir.path, 'candidates.parquet');
  const rp = runCli(['candidates', wsDir, '--out', pqPath]);
  assert.equal(rp.code, 0, rp.stderr);
  const rows = await readParquet(pqPath);
  assert.equal(rows.length, 27);
  const pb = rows.find((x) => Number(x.sample_id) === ids.Bnsfw)!;
  assert.deepEqual(
    [pb.nsfw_meta_flag, pb.kept, pb.wnid, Number(pb.row)],
    [true, false, B, Number(bySample.get(ids.Bnsfw)!.row)],
  );
  assert.equal(runCli(['candidates', wsDir, '--out', join(dir.path, 'x.txt')]).code, 2);
});

test('API: dataset.classes returns the latest selection; dataset.select validates its request', async () => {
  const ws = openWorkspace(wsDir);
  try {
    const runner = new JobRunner(ws, { workers: loadWorker });
    const handlers = createHandlers({ ws, runner });
    const res = (await dispatch(handlers, 'dataset.classes', {})) as {
      selectionId: number;
      scoreMode: string;
      classes: { wnid: string; train: number; test: number; rank: number }[];
    };
    assert.equal(res.scoreMode, 'image');
    assert.deepEqual(
      res.classes.map((c) => [c.rank, c.wnid, c.train, c.test]),
      [
        [1, B, 4, 2],
        [2, A, 4, 2],
      ],
    );
    await assert.rejects(dispatch(handlers, 'dataset.select', { classes: 0 }), /invalid request/);
    await assert.rejects(dispatch(handlers, 'flags.start', { kind: 'bogus' }), /invalid request/);
    const job = (await dispatch(handlers, 'dataset.select', { classes: 1, train: 4, test: 2, seed: 9 })) as {
      kind: string;
      state: string;
    };
    assert.equal(job.kind, 'select');
    const end = await runner.waitFor((job as unknown as { id: number }).id);
    assert.equal(end.state, 'succeeded', end.error ?? '');
    // dataset.export writes inside the workspace: exports/selection-<id>-<format>-<size>/ (where training looks).
    const exp = (await dispatch(handlers, 'dataset.export', { format: 'imagefolder', size: 32 })) as { id: number };
    const expEnd = await runner.waitFor(exp.id);
    await runner.stop();
    assert.equal(expEnd.state, 'succeeded', expEnd.error ?? '');
    const selId = (end.result as { selectionId: number }).selectionId;
    const ds = JSON.parse(
      readFileSync(join(ws.paths.exports, `selection-${selId}-imagefolder-32`, 'dataset.json'), 'utf8'),
    );
    assert.deepEqual([ds.selectionId, ds.counts.train, ds.counts.test], [selId, 4, 2]);
  } finally {
    ws.close();
  }
});

test('an unreadable image is recorded as a rejection and left out; the export goes on (exit 1)', async () => {
  const ws = openWorkspace(wsDir);
  let broken: { sampleId: number; storedPath: string };
  try {
    broken = ws.db
      .prepare(
        `SELECT p.sample_id sampleId, i.stored_path storedPath FROM splits p JOIN samples s ON s.id = p.sample_id JOIN images i ON i.sha256 = s.image_sha256
         WHERE p.selection_id = (SELECT MAX(id) FROM selections) ORDER BY p.sample_id LIMIT 1`,
      )
      .get() as { sampleId: number; storedPath: string };
    writeFileSync(ws.resolveInside(broken.storedPath), 'not a jpeg');
  } finally {
    ws.close();
  }
  const out = join(dir.path, 'export-broken');
  const r = runCli(['export', wsDir, out]);
  assert.equal(r.code, 1, 'rejections make the command exit 1');
  assert.match(r.stderr, new RegExp(`sample ${broken.sampleId} \\(image ${broken.storedPath}\\): cannot export`));
  const ds = JSON.parse(readFileSync(join(out, 'dataset.json'), 'utf8'));
  assert.equal(ds.counts.skipped, 1);
  assert.equal(
    ds.counts.train + ds.counts.test,
    5,
    'the latest selection (class B: 4 train + 2 test) minus the broken image',
  );
  assert.equal(ds.classes[0].train + ds.classes[0].test, 5, 'per-class counts are what was written');
  const rows = await readParquet(join(out, 'manifest.parquet'));
  assert.equal(rows.length, 5);
  assert.ok(!rows.some((x) => Number(x.sample_id) === broken.sampleId));
});

test('a selection with no class (too few images) is refused and the latest selection stays', () => {
  const before = JSON.parse(runCli(['status', wsDir, '--json']).stdout).classes_selected;
  const sel = runCli(['select', wsDir, '--train', '50', '--test', '5']);
  assert.equal(sel.code, 1);
  assert.match(
    sel.stderr,
    /no class has 55 kept images \(50 train \+ 5 test\).*Nothing was saved; selection #\d+ stays/,
  );
  assert.equal(JSON.parse(runCli(['status', wsDir, '--json']).stdout).classes_selected, before);
  assert.ok(before > 0);
});
