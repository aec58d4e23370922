// End to end: import generated ONNX models (CLIP with both towers, a sentence model) with `imagenot models add`,
// run `imagenot filter` / `imagenot clipscore` as real processes on candidates inserted directly, and check that the
// stored similarities equal the models' own outputs computed independently with onnxruntime-node; broken model
// folders give errors naming the problem; the curation API answers from the stored similarities.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { AutoProcessor, AutoTokenizer, RawImage } from '@huggingface/transformers';
import { runCli, sharedDir, tempDir } from '../helpers/workspace.ts';
import { writeTinyClip, writeTinySentence } from '../helpers/tiny-onnx.ts';
import { openWorkspace, type Workspace } from '../../native-workers/store/workspace.ts';
import { JobRunner } from '../../native-workers/jobs/runner.ts';
import { loadWorker } from '../../native-workers/workers/registry.ts';
import { createHandlers } from '../../native-workers/api/handlers/index.ts';
import { dispatch } from '../../native-workers/api/dispatch.ts';
import { classImageScores } from '../../native-workers/store/image-similarities.ts';
import { inputsVersion } from '../../native-workers/store/threshold-index.ts';
import { synsetText } from '../../native-workers/core/similarity/synset-text.ts';
import { DEFAULT_THRESHOLDS } from '../../native-workers/core/similarity/thresholds.ts';
import { unpackInt32 } from '../../native-workers/api/channels/packed.ts';

const DOG = 'n02084071';
const CAR = 'n02958343';
const MOUSE = 'n02330245';
const SYNSETS = [
  [DOG, 'dog', 'a member of the genus Canis that has been domesticated by man since prehistoric times'],
  [CAR, 'car', 'a motor vehicle with four wheels; usually propelled by an internal combustion engine'],
  [
    MOUSE,
    'mouse',
    'any of numerous small rodents typically resembling diminutive rats having pointed snouts and small ears',
  ],
] as const;
/** [caption, wnid or null (not matched), status] */
const SAMPLES: [string, string | null, 'matched' | 'ambiguous' | null][] = [
  ['a dog playing with a ball in the park', DOG, 'matched'],
  ['black dog sitting on the beach', DOG, 'matched'],
  ['hot dog with red sauce', DOG, 'matched'],
  ['dog', DOG, 'matched'],
  ['old red car on the street', CAR, 'matched'],
  ['a car and a truck on the road', CAR, 'matched'],
  ['toy car for child', CAR, 'matched'],
  ['wireless computer mouse and keyboard', MOUSE, 'matched'],
  ['small brown mouse eating in the grass', MOUSE, 'matched'],
  ['a dog in a car', `${DOG}|${CAR}`, 'ambiguous'],
  ['blue sky over the sea', null, null],
];

let tmp: { path: string; cleanup(): void };
let wsDir: string;
let ws: Workspace;
let clipDir: string;
let sentDir: string;
const imageSamples: number[] = [];

function cli(args: string[], cwd?: string) {
  return runCli(args, { cwd });
}

before(() => {
  tmp = tempDir('imagenot-filter-');
  clipDir = join(tmp.path, 'tiny-clip');
  sentDir = join(tmp.path, 'tiny-sentence');
  writeTinyClip(clipDir, { hidden: 16, dim: 8, layers: 1, seed: 3 });
  writeTinySentence(sentDir, { hidden: 12, layers: 1, seed: 4 });
  wsDir = join(tmp.path, 'ws');
  ws = openWorkspace(wsDir, { create: true });
  const db = ws.db;
  db.prepare(
    `INSERT INTO sources (id, path, kind, content_hash, rows, state) VALUES (1, 'captions.parquet', 'parquet', 'h1', ?, 'done')`,
  ).run(SAMPLES.length);
  for (const [wnid, name, def] of SYNSETS) {
    db.prepare(
      `INSERT INTO synsets (wnid, name, lemmas, definition, lexname, depth, eligible) VALUES (?, ?, ?, ?, 'noun.animal', 5, 1)`,
    ).run(wnid, name, name, def);
  }
  const photos = readdirSync(join(sharedDir, 'data', 'coco-mini', 'val2017'))
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .slice(0, 4);
  SAMPLES.forEach(([caption, wnid, status], row) => {
    let sha: string | null = null;
    if (row < photos.length || row === 8) {
      const src = join(sharedDir, 'data', 'coco-mini', 'val2017', photos[row % photos.length]);
      const bytes = readFileSync(src);
      sha = createHash('sha256').update(bytes).digest('hex');
      const rel = `media/${sha}.jpg`;
      if (!db.prepare(`SELECT 1 FROM images WHERE sha256 = ?`).get(sha)) {
        copyFileSync(src, join(wsDir, rel));
        db.prepare(
          `INSERT INTO images (sha256, width, height, format, bytes, stored_path, thumb_path) VALUES (?, 1, 1, 'jpeg', ?, ?, ?)`,
        ).run(sha, bytes.length, rel, rel);
      }
    }
    const id = row + 1;
    db.prepare(`INSERT INTO samples (id, source_id, row, url, caption, image_sha256) VALUES (?, 1, ?, ?, ?, ?)`).run(
      id,
      row,
      `http://example.com/${row}.jpg`,
      caption,
      sha,
    );
    if (sha && status === 'matched') imageSamples.push(id);
    if (wnid && status)
      db.prepare(`INSERT INTO matches (sample_id, wnids, lemmas, status) VALUES (?, ?, 'x', ?)`).run(id, wnid, status);
  });
});

after(() => {
  ws?.close();
  tmp?.cleanup();
});

const candidates = () =>
  SAMPLES.map((s, i) => ({ id: i + 1, caption: s[0], wnid: s[1], status: s[2] })).filter((s) => s.status === 'matched');

function normalize(v: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(v);
  const n = Math.hypot(...out);
  return out.map((x) => x / n);
}
const dotp = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);

/** The text model's own embedding of one text, straight from onnxruntime-node (no padding, no batching). */
async function ownTextEmbedding(
  dir: string,
  file: string,
  text: string,
  pool: 'text_embeds' | 'mean',
): Promise<Float32Array> {
  const tokenizer = await AutoTokenizer.from_pretrained(dir);
  const ids = (tokenizer(text).input_ids.tolist() as bigint[][])[0];
  const session = await ort.InferenceSession.create(join(dir, file));
  const feeds = {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids), [1, ids.length]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
  };
  const out = await session.run(feeds);
  await session.release();
  if (pool === 'text_embeds') return normalize(out.text_embeds.data as Float32Array);
  const h = out.last_hidden_state;
  const [, seq, dim] = h.dims as number[];
  const mean = new Float32Array(dim);
  for (let t = 0; t < seq; t++) for (let j = 0; j < dim; j++) mean[j] += (h.data as Float32Array)[t * dim + j] / seq;
  return normalize(mean);
}

test('broken model folders are refused with errors naming the problem', () => {
  const broken = (name: string, damage: (dir: string) => void) => {
    const dir = join(tmp.path, name);
    writeTinyClip(dir, { seed: 5 });
    damage(dir);
    return dir;
  };
  const cases: [string, string[], RegExp][] = [
    ['no-vision', ['--kind', 'clip'], /missing onnx\/vision_model\.onnx/],
    ['bad-json', ['--kind', 'clip'], /tokenizer_config\.json is not valid JSON/],
    ['bad-onnx', ['--kind', 'clip'], /onnx\/text_model\.onnx is not a loadable ONNX model/],
    ['bad-tokenizer', ['--kind', 'clip'], /probe \(tokenizer\.json/],
    ['as-sentence', ['--kind', 'sentence'], /missing onnx\/model\.onnx/],
  ];
  const dirs: Record<string, string> = {
    'no-vision': broken('no-vision', (d) => rmSync(join(d, 'onnx', 'vision_model.onnx'))),
    'bad-json': broken('bad-json', (d) => writeFileSync(join(d, 'tokenizer_config.json'), '{ "tokenizer_class": ')),
    'bad-onnx': broken('bad-onnx', (d) => writeFileSync(join(d, 'onnx', 'text_model.onnx'), 'not a model')),
    'bad-tokenizer': broken('bad-tokenizer', (d) =>
      writeFileSync(join(d, 'tokenizer.json'), JSON.stringify({ model: { type: 'NoSuchModel' } })),
    ),
    'as-sentence': broken('as-sentence', () => {}),
  };
  for (const [name, args, expected] of cases) {
    const r = cli(['models', 'add', wsDir, dirs[name], '--name', name, ...args]);
    assert.equal(r.code, 1, `${name}: ${r.stderr}`);
    assert.match(r.stderr, expected, name);
  }
  const wrongOutput = join(tmp.path, 'wrong-output');
  writeTinyClip(wrongOutput, { textOutput: 'pooler_output' });
  const r = cli(['models', 'add', wsDir, wrongOutput, '--kind', 'clip']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /onnx\/text_model\.onnx: no output 'text_embeds' \(outputs: pooler_output\)/);
  assert.equal(cli(['models', 'add', wsDir, join(tmp.path, 'nowhere'), '--kind', 'clip']).code, 1);
  assert.equal((ws.db.prepare(`SELECT COUNT(*) n FROM models`).get() as { n: number }).n, 0, 'nothing imported');
  assert.deepEqual(readdirSync(ws.paths.models), [], 'no leftovers under models/');
});

test("a CLIP model imported with `models add`: filter similarities equal the model's own outputs", async () => {
  const add = cli(['models', 'add', wsDir, clipDir, '--kind', 'clip', '--name', 'tinyclip', '--json']);
  assert.equal(add.code, 0, add.stderr);
  const model = JSON.parse(add.stdout);
  assert.equal(model.kind, 'clip');
  assert.equal(model.info.dim, 8);
  assert.equal(
    cli(['models', 'add', wsDir, clipDir, '--kind', 'clip', '--name', 'tinyclip']).code,
    1,
    'duplicate name refused',
  );
  const list = JSON.parse(cli(['models', 'list', wsDir, '--json']).stdout);
  assert.deepEqual(
    list.map((m: { name: string }) => m.name),
    ['glove', 'tinyclip'],
  );

  const r = cli(['filter', wsDir, '--encoder', 'tinyclip', '--batch', '3', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const job = JSON.parse(r.stdout);
  assert.equal(job.state, 'succeeded');
  assert.equal(job.result.computed, candidates().length);
  assert.equal(job.result.threshold, DEFAULT_THRESHOLDS.clip);

  const rows = ws.db
    .prepare(`SELECT sample_id, wnid, similarity FROM text_similarities WHERE encoder = 'tinyclip'`)
    .all() as { sample_id: number; wnid: string; similarity: number }[];
  assert.equal(rows.length, candidates().length);
  const classText = new Map<string, Float32Array>();
  for (const [wnid, name, def] of SYNSETS)
    classText.set(wnid, await ownTextEmbedding(clipDir, 'onnx/text_model.onnx', synsetText(name, def), 'text_embeds'));
  const spread = new Set<string>();
  for (const c of candidates()) {
    const row = rows.find((x) => x.sample_id === c.id)!;
    assert.equal(row.wnid, c.wnid);
    const own = dotp(
      await ownTextEmbedding(clipDir, 'onnx/text_model.onnx', c.caption, 'text_embeds'),
      classText.get(c.wnid!)!,
    );
    assert.ok(Math.abs(row.similarity - own) < 1e-5, `sample ${c.id}: stored ${row.similarity}, model ${own}`);
    spread.add(row.similarity.toFixed(4));
  }
  assert.ok(spread.size > 3, 'similarities differ between captions');

  const status = JSON.parse(cli(['status', wsDir, '--json']).stdout);
  assert.equal(status.text_encoder, 'tinyclip');
  assert.equal(status.threshold, 0.82);
  assert.equal(status.above_threshold, rows.filter((x) => x.similarity > 0.82).length);

  // A new threshold recomputes nothing.
  const again = JSON.parse(cli(['filter', wsDir, '--encoder', 'tinyclip', '--threshold', '0.1', '--json']).stdout);
  assert.equal(again.result.computed, 0);
  assert.equal(again.result.aboveThreshold, rows.filter((x) => x.similarity > 0.1).length);
});

test("a sentence model: mean pooling over the attention mask, equal to the model's own output", async () => {
  // A folder given relative to the working directory (never mistaken for a Hub model id).
  const add = cli(['models', 'add', wsDir, 'tiny-sentence', '--kind', 'sentence', '--name', 'tinysent'], tmp.path);
  assert.equal(add.code, 0, add.stderr);
  const r = cli(['filter', wsDir, '--encoder', 'tinysent', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).result.threshold, DEFAULT_THRESHOLDS.sentence);
  const rows = ws.db
    .prepare(`SELECT sample_id, similarity FROM text_similarities WHERE encoder = 'tinysent'`)
    .all() as { sample_id: number; similarity: number }[];
  assert.equal(rows.length, candidates().length);
  for (const c of candidates()) {
    const [, name, def] = SYNSETS.find((s) => s[0] === c.wnid)!;
    const own = dotp(
      await ownTextEmbedding(sentDir, 'onnx/model.onnx', c.caption, 'mean'),
      await ownTextEmbedding(sentDir, 'onnx/model.onnx', synsetText(name, def), 'mean'),
    );
    const stored = rows.find((x) => x.sample_id === c.id)!.similarity;
    assert.ok(Math.abs(stored - own) < 1e-5, `sample ${c.id}: stored ${stored}, model ${own}`);
  }
});

test("clipscore: image-caption similarity equals the CLIP towers' own outputs; class score is the mean of kept images", async () => {
  const r = cli(['clipscore', wsDir, '--model', 'tinyclip', '--batch', '2', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const rows = ws.db
    .prepare(`SELECT sample_id, similarity FROM image_similarities WHERE encoder = 'tinyclip' ORDER BY sample_id`)
    .all() as { sample_id: number; similarity: number }[];
  assert.deepEqual(
    rows.map((x) => x.sample_id),
    imageSamples,
  );
  const processor = await AutoProcessor.from_pretrained(clipDir);
  const vision = await ort.InferenceSession.create(join(clipDir, 'onnx', 'vision_model.onnx'));
  for (const row of rows) {
    const s = ws.db
      .prepare(
        `SELECT s.caption, i.stored_path FROM samples s JOIN images i ON i.sha256 = s.image_sha256 WHERE s.id = ?`,
      )
      .get(row.sample_id) as { caption: string; stored_path: string };
    const px = (await processor(await RawImage.read(join(wsDir, s.stored_path)))).pixel_values;
    const out = await vision.run({ pixel_values: new ort.Tensor('float32', px.data as Float32Array, px.dims) });
    const own = dotp(
      normalize(out.image_embeds.data as Float32Array),
      await ownTextEmbedding(clipDir, 'onnx/text_model.onnx', s.caption, 'text_embeds'),
    );
    assert.ok(Math.abs(row.similarity - own) < 1e-5, `sample ${row.sample_id}: stored ${row.similarity}, model ${own}`);
  }
  await vision.release();

  const scores = classImageScores(ws.db, { imageEncoder: 'tinyclip', textEncoder: 'tinyclip', threshold: -1 });
  const dogImages = rows.filter((x) => candidates().find((c) => c.id === x.sample_id)!.wnid === DOG);
  const mean = dogImages.reduce((a, x) => a + x.similarity, 0) / dogImages.length;
  assert.ok(Math.abs(scores.get(DOG)!.score - mean) < 1e-12);
  assert.equal(scores.get(DOG)!.images, dogImages.length);
});

test('GloVe default filter and the curation API', async () => {
  const r = cli(['filter', wsDir, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const job = JSON.parse(r.stdout);
  assert.equal(job.result.encoder, 'glove');
  assert.equal(job.result.threshold, DEFAULT_THRESHOLDS.glove);
  // The job stored the curation screen's per-class index, built from the inputs as they are now.
  const stored = ws.db.prepare(`SELECT version FROM threshold_indexes WHERE encoder = 'glove'`).pluck().get();
  assert.equal(stored, inputsVersion(ws.db), 'the filter job stores a current threshold index');
  const sims = new Map(
    (
      ws.db.prepare(`SELECT sample_id, similarity FROM text_similarities WHERE encoder = 'glove'`).all() as {
        sample_id: number;
        similarity: number;
      }[]
    ).map((x) => [x.sample_id, x.similarity]),
  );
  // Caption 9 (a small brown mouse in the grass) is closer to the rodent gloss than caption 8 (a computer mouse).
  assert.ok(sims.get(9)! > sims.get(8)!, `rodent ${sims.get(9)} vs computer ${sims.get(8)}`);

  const runner = new JobRunner(ws, { workers: loadWorker, onlyIds: [] });
  const api = createHandlers({ ws, runner });
  const call = (name: string, payload: unknown) => dispatch(api, name, payload) as Promise<any>;
  assert.deepEqual(
    (await call('encoders.list', {})).map((e: { name: string; computed: boolean }) => [e.name, e.computed]),
    [
      ['glove', true],
      ['tinyclip', true],
      ['tinysent', true],
    ],
  );
  const initial = await call('curation.settings', {});
  assert.deepEqual(
    [initial.encoder, initial.threshold, initial.imageEncoder],
    ['glove', DEFAULT_THRESHOLDS.glove, 'tinyclip'],
  );
  assert.ok(
    initial.range[0] <= Math.min(...sims.values()) && initial.range[1] >= Math.max(...sims.values()),
    'the range covers every similarity',
  );

  const brute = (t: number, enc = 'glove') =>
    Object.fromEntries(
      // Kept (no decisions yet) = above the threshold AND has an image (core/selection/kept.ts; no flags here).
      (
        ws.db
          .prepare(
            `SELECT t.wnid, SUM(t.similarity > ? AND s.image_sha256 IS NOT NULL) kept, COUNT(*) n FROM text_similarities t JOIN samples s ON s.id = t.sample_id WHERE t.encoder = ? GROUP BY t.wnid`,
          )
          .all(t, enc) as { wnid: string; kept: number; n: number }[]
      ).map((x) => [x.wnid, [x.n, x.kept]]),
    );
  const listed = await call('curation.classes', { threshold: 0.5 });
  for (const t of [-1, 0.3, 0.5, 0.7, 1]) {
    const { classes, version } = await call('curation.classes', { threshold: t });
    assert.deepEqual(
      Object.fromEntries(classes.map((c: any) => [c.wnid, [c.candidates, c.kept]])),
      brute(t),
      `threshold ${t}`,
    );
    assert.equal(classes.find((c: any) => c.wnid === DOG).name, 'dog');
    assert.deepEqual(
      classes.map((c: any) => c.wnid),
      listed.classes.map((c: any) => c.wnid),
      'the class order does not move with the threshold',
    );
    const counts = await call('curation.counts', { threshold: t });
    assert.equal(counts.version, version);
    assert.deepEqual(
      Array.from(unpackInt32(counts.kept)),
      classes.map((c: any) => c.kept),
      'the slider counts line up with the class list',
    );
    assert.equal(
      counts.total,
      classes.reduce((n: number, c: any) => n + c.kept, 0),
    );
  }
  const clipClasses = (await call('curation.classes', { threshold: 0.5, encoder: 'tinyclip' })).classes;
  assert.deepEqual(
    Object.fromEntries(clipClasses.map((c: any) => [c.wnid, [c.candidates, c.kept]])),
    brute(0.5, 'tinyclip'),
  );

  const hist = await call('curation.histogram', { wnid: DOG, threshold: 0.5, bins: 5 });
  assert.equal(hist.counts.length, 5);
  assert.equal(hist.edges.length, 6);
  const dogWithImage = [1, 2, 3, 4].filter((id) => imageSamples.includes(id));
  assert.equal(
    hist.counts.reduce((a: number, b: number) => a + b, 0),
    dogWithImage.length,
    'the histogram counts candidates that can be kept (with an image)',
  );

  // Items: sorted by text similarity, kept at the current threshold; decisions override and are counted.
  const t = [1, 2, 3, 4].map((id) => sims.get(id)!).sort((a, b) => a - b)[1];
  const settings = await call('curation.setThreshold', { threshold: t });
  assert.deepEqual([settings.encoder, settings.threshold], ['glove', t]);
  assert.equal(settings.kept, (await call('status.get', {})).kept, 'one kept figure: settings and status agree');
  const items = await call('curation.items', { wnid: DOG, sort: 'text', order: 'desc', offset: 0, limit: 10 });
  assert.equal(items.total, 4);
  const order = [1, 2, 3, 4].sort((a, b) => sims.get(b)! - sims.get(a)!);
  assert.deepEqual(
    items.items.map((i: any) => i.sampleId),
    order,
  );
  for (const it of items.items) {
    assert.equal(
      it.kept,
      sims.get(it.sampleId)! > t && imageSamples.includes(it.sampleId),
      `kept of sample ${it.sampleId}`,
    );
    assert.equal(it.textSimilarity, sims.get(it.sampleId));
    const image = ws.db
      .prepare(`SELECT similarity FROM image_similarities WHERE sample_id = ? AND encoder = 'tinyclip'`)
      .get(it.sampleId) as { similarity: number } | undefined;
    assert.equal(it.imageSimilarity, image?.similarity ?? null, 'image similarity of the last clipscore model');
    assert.equal(it.thumb != null, imageSamples.includes(it.sampleId));
  }
  // Decisions only matter for candidates with an image (nothing to export otherwise).
  const notKept = items.items.find((i: any) => !i.kept && imageSamples.includes(i.sampleId));
  const kept = items.items.find((i: any) => i.kept);
  const accepted = await call('curation.decide', { sampleId: notKept.sampleId, wnid: DOG, decision: 'accept' });
  assert.deepEqual(
    { ...accepted, batch: undefined },
    { sampleId: notKept.sampleId, wnid: DOG, decision: 'accept', batch: undefined },
  );
  await call('curation.decide', { sampleId: kept.sampleId, wnid: DOG, decision: 'reject' });
  const decided = new Map([
    [notKept.sampleId, 'accept'],
    [kept.sampleId, 'reject'],
  ]);
  const keptWith = (id: number) =>
    imageSamples.includes(id) && (decided.has(id) ? decided.get(id) === 'accept' : sims.get(id)! > t);
  const expectedKept = [1, 2, 3, 4].filter(keptWith).length;
  assert.equal(
    (await call('curation.classes', { threshold: t })).classes.find((c: any) => c.wnid === DOG).kept,
    expectedKept,
  );
  await call('curation.decide', { sampleId: kept.sampleId, wnid: DOG, decision: null });
  decided.delete(kept.sampleId);
  const expectedKept2 = [1, 2, 3, 4].filter(keptWith).length;
  assert.equal(
    (await call('curation.classes', { threshold: t })).classes.find((c: any) => c.wnid === DOG).kept,
    expectedKept2,
  );
  await call('curation.decide', { sampleId: kept.sampleId, wnid: DOG, decision: 'reject' });
  const after = await call('curation.items', { wnid: DOG, sort: 'id', order: 'asc', offset: 0, limit: 10 });
  assert.equal(after.items.find((i: any) => i.sampleId === kept.sampleId).kept, false);
  assert.equal(after.items.find((i: any) => i.sampleId === notKept.sampleId).decision, 'accept');
  await assert.rejects(call('curation.decide', { sampleId: 5, wnid: DOG, decision: 'accept' }), /not a candidate/);
  await assert.rejects(call('curation.classes', { threshold: 0.5, encoder: 'nope' }), /unknown encoder/);
  await assert.rejects(call('curation.histogram', { wnid: 'dog', threshold: 0.5 }), /wnid/);
});
