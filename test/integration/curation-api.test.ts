// The curation and dataset API on a small workspace of real COCO photos, through dispatch (schemas checked both ways)
// and real worker processes: the grid's filters agree with the class's filter counts at any threshold; bulk
// decisions are one undoable batch with a history; the threshold index is stored and a fresh process loads it; a
// selection records what it was made with (matches included) and turns stale when that changes, an empty one is refused, previews and
// suggested parameters come from the kept counts; exports list their path and provenance; the server-side folder
// listing stays inside its roots; the candidates table and encoder import run as jobs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { openWorkspace, type Workspace } from '../../native-workers/store/workspace.ts';
import { JobRunner } from '../../native-workers/jobs/runner.ts';
import { loadWorker } from '../../native-workers/workers/registry.ts';
import { createHandlers } from '../../native-workers/api/handlers/index.ts';
import { dispatch } from '../../native-workers/api/dispatch.ts';
import { classIndex, refreshThresholdIndex } from '../../native-workers/store/threshold-index.ts';
import { orderedIndex } from '../../native-workers/store/slider-index.ts';
import { excludedSql, exclusionParams, writeFlags } from '../../native-workers/store/flags.ts';
import { unpackInt32 } from '../../native-workers/api/channels/packed.ts';
import { SliderCounter } from '../../native-workers/api/channels/slider-index.ts';
import { tempDir } from '../helpers/workspace.ts';
import { clearMatches, insertMatches, recordMatchCounts, upsertCatalog } from '../../native-workers/store/synsets.ts';
import {
  addSamples,
  addSource,
  cocoPhotos,
  storeImage,
  useFilter,
  TEXT_ENCODER,
  type FixtureSample,
} from '../helpers/dataset-fixture.ts';

const A = 'n00000021';
const B = 'n00000022';
const THRESHOLD = 0.6;
let dir: { path: string; cleanup(): void };
let wsDir: string;
let ws: Workspace;
let runner: JobRunner;
let call: (name: string, payload: unknown) => Promise<any>;
const ids: number[] = [];

before(async () => {
  dir = tempDir('imagenot-curation-api-');
  wsDir = join(dir.path, 'ws');
  ws = openWorkspace(wsDir, { create: true });
  const shas: string[] = [];
  for (const p of cocoPhotos(24)) shas.push(await storeImage(ws, p));
  const synset = (wnid: string, lemmas: string[], definition: string) => ({
    wnid,
    name: lemmas[0],
    lemmas,
    definition,
    lexname: 'noun.animal',
    depth: 8,
    inImagenet1k: false,
    eligible: true,
    reason: null,
  });
  upsertCatalog(ws.db, [
    synset(A, ['tabby', 'tabby cat'], 'a cat with a grey or tawny coat mottled with black'),
    synset(B, ['kayak'], 'a small canoe consisting of a light frame made watertight with animal skins'),
  ]);
  const src = addSource(ws, '/data/laion-part-0.parquet');
  const rows: FixtureSample[] = [];
  // Class A: 16 photos with similarities 0.45 .. 0.90, one without an image, one NSFW by metadata.
  for (let i = 0; i < 16; i++)
    rows.push({
      row: rows.length,
      caption: `a tabby cat, photo ${i}`,
      sha256: shas[i],
      wnids: [A],
      lemma: 'tabby cat',
      textSimilarity: 0.45 + i * 0.03,
      imageSimilarity: 0.3,
    });
  rows.push({
    row: rows.length,
    caption: 'tabby without a picture',
    sha256: null,
    wnids: [A],
    lemma: 'tabby',
    textSimilarity: 0.9,
  });
  rows.push({
    row: rows.length,
    caption: 'tabby (nsfw)',
    sha256: shas[16],
    wnids: [A],
    lemma: 'tabby',
    textSimilarity: 0.61,
    nsfwMeta: 'NSFW',
  });
  // Class B: 6 photos, all above the threshold.
  for (let i = 17; i < 23; i++)
    rows.push({
      row: rows.length,
      caption: `my kayak ${i}`,
      sha256: shas[i],
      wnids: [B],
      lemma: 'kayak',
      textSimilarity: 0.62 + (i - 17) * 0.05,
      imageSimilarity: 0.4,
    });
  ids.push(...addSamples(ws, src, rows));
  // An OCR flag on a candidate right at the threshold.
  writeFlags(ws.db, [{ sampleId: ids[5], kind: 'ocr', flagged: true, score: null, detail: '{"text":"SALE"}' }]);
  useFilter(ws, THRESHOLD);
  runner = new JobRunner(ws, { workers: loadWorker }).start();
  const handlers = createHandlers({ ws, runner });
  call = (name, payload) => dispatch(handlers, name, payload) as Promise<any>;
});

after(async () => {
  await runner?.stop();
  ws?.close();
  dir?.cleanup();
});

const FILTERS = ['all', 'kept', 'dropped', 'near', 'flagged', 'accepted', 'rejected', 'undecided'] as const;

async function assertFacetsAgree(wnid: string, threshold: number): Promise<Record<string, number>> {
  const { facets } = await call('curation.class', { wnid, threshold });
  const totals: Record<string, number> = {};
  for (const filter of FILTERS) {
    const page = await call('curation.items', { wnid, filter, threshold, limit: 1000 });
    totals[filter] = page.total;
    assert.equal(page.items.length, page.total);
    assert.equal(
      page.total,
      filter === 'all' ? facets.candidates : facets[filter],
      `${filter} at ${threshold}: items ${page.total} vs count`,
    );
    if (filter === 'kept') assert.ok(page.items.every((i: any) => i.kept));
    if (filter === 'dropped') assert.ok(page.items.every((i: any) => !i.kept));
  }
  const listed = (await call('curation.classes', { threshold })).classes.find((c: any) => c.wnid === wnid);
  assert.equal(listed.kept, facets.kept, 'the class list and the class header agree');
  return totals;
}

test('the grid filters agree with the class filter counts at any threshold; the class shows its definition and lemmas', async () => {
  const info = await call('curation.class', { wnid: A, threshold: THRESHOLD });
  assert.equal(info.definition, 'a cat with a grey or tawny coat mottled with black');
  assert.deepEqual(info.lemmas, ['tabby', 'tabby cat']);
  for (const t of [0.5, THRESHOLD, 0.75]) await assertFacetsAgree(A, t);
  const at = await assertFacetsAgree(A, THRESHOLD);
  // 16 photos at 0.45 + 0.03 i: above 0.6 are i = 6..15 (i = 5 sits at 0.60, not above) minus none flagged among them.
  assert.equal(at.kept, 10);
  assert.equal(at.flagged, 2, 'the OCR flag and the NSFW metadata value');
  assert.equal(at.near, 0, '0.57 and 0.63 lie outside 0.6 ± 0.02, 0.60 and 0.61 are flagged');
  assert.equal((await assertFacetsAgree(A, 0.58)).near, 1, '0.57 is within 0.58 ± 0.02');
  const page = await call('curation.items', { wnid: A, filter: 'all', limit: 2 });
  assert.deepEqual(page.items[0].lemmas, ['tabby']);
  assert.equal(page.classTotal, 18);
});

test('bulk decisions are one batch with a history; undo restores them, a later decision stands', async () => {
  const kept = await call('curation.items', {
    wnid: A,
    filter: 'kept',
    threshold: THRESHOLD,
    sort: 'id',
    order: 'asc',
    limit: 100,
  });
  const bulk = await call('curation.decideMany', { wnid: A, decision: 'reject', filter: 'kept', threshold: THRESHOLD });
  assert.deepEqual([bulk.matched, bulk.changed], [kept.total, kept.total]);
  const counted = await call('curation.class', { wnid: A, threshold: THRESHOLD });
  assert.deepEqual([counted.facets.kept, counted.facets.rejected], [0, kept.total]);
  // One of them is accepted afterwards: undoing the bulk leaves it accepted.
  const later = kept.items[0].sampleId;
  await call('curation.decide', { sampleId: later, wnid: A, decision: 'accept' });
  const detail = await call('curation.item', { wnid: A, sampleId: later });
  assert.deepEqual(
    detail.history.map((h: any) => [h.decision, h.previous, h.batchSize]),
    [
      ['reject', null, kept.total],
      ['accept', 'reject', 1],
    ],
  );
  assert.equal(detail.source.path, '/data/laion-part-0.parquet');
  assert.equal(detail.keptReason, 'accepted');
  assert.ok(detail.image && existsSync(join(wsDir, detail.image)), 'the stored image of the expanded view exists');
  const undone = await call('curation.undo', { batch: bulk.batch });
  assert.deepEqual([undone.changed, undone.skipped], [kept.total - 1, 1]);
  const after = await call('curation.class', { wnid: A, threshold: THRESHOLD });
  assert.deepEqual([after.facets.kept, after.facets.accepted, after.facets.rejected], [kept.total, 1, 0]);
  await call('curation.decide', { sampleId: later, wnid: A, decision: null });
  await assert.rejects(
    call('curation.decideMany', { wnid: A, decision: 'accept', sampleIds: [ids[20]] }),
    /not candidates of n00000021/,
  );
  await assert.rejects(call('curation.decideMany', { wnid: A, decision: 'accept' }), /either sampleIds or filter/);
});

test('the threshold index is stored: a fresh database handle loads it instead of rebuilding; a running job serves it marked not current', () => {
  const built = refreshThresholdIndex(ws.db, TEXT_ENCODER);
  const other = openWorkspace(wsDir);
  try {
    const loaded = classIndex(other.db, TEXT_ENCODER);
    assert.equal(loaded.builtAt, built.builtAt, 'loaded, not rebuilt');
    assert.equal(loaded.current, true);
    assert.deepEqual(Array.from(loaded.index.keptCounts(THRESHOLD)), Array.from(built.index.keptCounts(THRESHOLD)));
    // A data job running and changing the inputs: the last index serves (not current) instead of a rebuild per call.
    const job = Number(
      other.db
        .prepare(
          `INSERT INTO jobs (kind, lane, params, state, created_at) VALUES ('fetch', 'data', '{}', 'running', ?)`,
        )
        .run(new Date().toISOString()).lastInsertRowid,
    );
    writeFlags(other.db, [{ sampleId: ids[10], kind: 'nsfw_classifier', flagged: true, score: 0.99, detail: null }]);
    const during = classIndex(other.db, TEXT_ENCODER);
    assert.equal(during.current, false);
    assert.equal(during.builtAt, built.builtAt);
    // A screen counts on the server meanwhile: the slider index sends no similarities for it.
    const duringSlider = orderedIndex(other.db, TEXT_ENCODER);
    assert.deepEqual([duringSlider.current, duringSlider.sizes, duringSlider.similarities], [false, null, null]);
    other.db.prepare(`UPDATE jobs SET state = 'succeeded' WHERE id = ?`).run(job);
    const rebuilt = classIndex(other.db, TEXT_ENCODER);
    assert.equal(rebuilt.current, true);
    assert.equal(
      rebuilt.index.keptCount(A, THRESHOLD),
      built.index.keptCount(A, THRESHOLD) - 1,
      'the new flag counts once the job is over',
    );
    writeFlags(other.db, [{ sampleId: ids[10], kind: 'nsfw_classifier', flagged: false, score: 0.01, detail: null }]);
  } finally {
    other.close();
  }
});

test('a selection records its encoder, threshold and seed, turns stale when they change; an empty one is refused', async () => {
  const suggested = await call('dataset.suggest', {});
  assert.match(suggested.basis, /classes have at least \d+ kept images/);
  assert.ok(suggested.train >= 1 && suggested.test >= 1);
  const preview = await call('dataset.preview', { classes: 10, train: 4, test: 2, seed: 3 });
  assert.deepEqual(
    [preview.classesEligible, preview.selectedClasses, preview.trainImages, preview.testImages, preview.current],
    [2, 2, 8, 4, null],
  );
  const job = await call('dataset.select', { classes: 10, train: 4, test: 2, seed: 3 });
  const done = await runner.waitFor(job.id);
  assert.equal(done.state, 'succeeded', done.error ?? '');
  let res = await call('dataset.classes', {});
  const s = res.selection;
  assert.deepEqual(
    [s.encoder, s.threshold, s.seed, s.classes, s.train, s.test, s.trainPerClass, s.testPerClass],
    [TEXT_ENCODER, THRESHOLD, 3, 2, 8, 4, 4, 2],
  );
  assert.deepEqual(s.stale, []);

  // Exports carry the selection's provenance and their path.
  const exp = await call('dataset.export', { format: 'imagefolder', size: 32 });
  assert.equal((await runner.waitFor(exp.id)).state, 'succeeded');
  const [listed] = await call('dataset.exports', {});
  assert.deepEqual(
    [listed.selectionId, listed.encoder, listed.threshold, listed.seed, listed.present, listed.stale],
    [s.id, TEXT_ENCODER, THRESHOLD, 3, true, []],
  );
  assert.ok(existsSync(join(listed.out, 'dataset.json')));

  // A new workspace threshold, a new match run (here recording the same counts again) and a decision make both
  // stale, saying why.
  await call('curation.setThreshold', { threshold: 0.55 });
  const counts = ws.db.prepare(`SELECT wnid, candidates, ambiguous FROM synsets WHERE wnid IN (?, ?)`).all(A, B) as {
    wnid: string;
    candidates: number;
    ambiguous: number;
  }[];
  recordMatchCounts(ws.db, [A, B], new Map(counts.map((c) => [c.wnid, c])));
  await call('curation.decide', { sampleId: ids[0], wnid: A, decision: 'reject' });
  res = await call('dataset.classes', {});
  assert.deepEqual(res.selection.stale, [
    'the threshold is now 0.55 (selected at 0.6)',
    'captions were matched again since',
    '1 curation decision made since',
  ]);
  const [stale] = await call('dataset.exports', {});
  assert.deepEqual(stale.stale, res.selection.stale);

  // Asking for more images per class than any class has: the job refuses and the selection stays.
  const tooMany = await call('dataset.preview', { train: 50, test: 5 });
  assert.equal(tooMany.selectedClasses, 0);
  assert.equal(tooMany.current.id, s.id);
  const empty = await call('dataset.select', { train: 50, test: 5 });
  const failed = await runner.waitFor(empty.id);
  assert.equal(failed.state, 'failed');
  assert.match(
    failed.error ?? '',
    new RegExp(`no class has 55 kept images .*Nothing was saved; selection #${s.id} stays`),
  );
  assert.equal((await call('dataset.classes', {})).selection.id, s.id);
  const again = await call('dataset.suggest', {});
  assert.deepEqual(
    [again.train, again.test, again.seed, again.basis],
    [4, 2, 3, `the parameters of selection #${s.id}`],
  );
  await call('curation.decide', { sampleId: ids[0], wnid: A, decision: null });
  await call('curation.setThreshold', { threshold: THRESHOLD });
});

test('status, settings and the class list give one kept figure', async () => {
  const status = await call('status.get', {});
  const settings = await call('curation.settings', {});
  const { classes } = await call('curation.classes', { threshold: settings.threshold });
  assert.equal(status.kept, settings.kept);
  assert.equal(
    status.kept,
    classes.reduce((n: number, c: any) => n + c.kept, 0),
  );
  assert.ok(status.above_threshold > status.kept, 'above the threshold counts flagged and imageless candidates too');
});

test('the folder listing stays inside its roots and names what ingest would read', async () => {
  const data = join(dir.path, 'data');
  mkdirSync(join(data, 'shards'), { recursive: true });
  writeFileSync(join(data, 'part-0.parquet'), 'x');
  writeFileSync(join(data, 'notes.md'), 'x');
  writeFileSync(join(data, '.hidden'), 'x');
  symlinkSync('/etc', join(data, 'etc-link'));
  const listing = await call('files.list', { path: data });
  assert.deepEqual(
    listing.entries.map((e: any) => [e.name, e.kind, e.ingestAs]),
    [
      ['etc-link', 'dir', null],
      ['shards', 'dir', null],
      ['notes.md', 'file', null],
      ['part-0.parquet', 'file', 'table'],
    ],
  );
  assert.equal(listing.parent, dir.path);
  const root = await call('files.list', {});
  assert.equal(root.path, dir.path, 'starts in the folder holding the workspace');
  assert.equal(root.parent, null, 'never above a root');
  assert.ok((await call('files.list', { path: data, hidden: true })).entries.some((e: any) => e.name === '.hidden'));
  await assert.rejects(call('files.list', { path: join(data, 'etc-link') }), /outside the folders the app may list/);
  await assert.rejects(call('files.list', { path: '/' }), /outside the folders the app may list/);
  await assert.rejects(call('files.list', { path: join(data, 'nope') }), /does not exist/);
  await assert.rejects(call('files.list', { path: join(data, 'notes.md') }), /not a folder/);
});

test('the candidates table, encoder import and image scores run as jobs from the API', async () => {
  const job = await call('candidates.export', { format: 'csv' });
  const done = await runner.waitFor(job.id);
  assert.equal(done.state, 'succeeded', done.error ?? '');
  const out = (done.result as { out: string; rows: number }).out;
  assert.ok(out.startsWith(join(wsDir, 'exports')), out);
  assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 1 + 24);

  const bad = join(dir.path, 'not-a-model');
  mkdirSync(bad);
  const imp = await call('encoders.import', { kind: 'clip', dir: bad });
  const failed = await runner.waitFor(imp.id);
  assert.equal(failed.state, 'failed');
  assert.match(failed.error ?? '', /config\.json/);
  await assert.rejects(call('encoders.import', { kind: 'clip' }), /either a folder or a model id/);
  await assert.rejects(call('clipscore.start', { model: TEXT_ENCODER }), /need a CLIP model/);
  await assert.rejects(call('clipscore.start', { model: 'nope' }), /unknown model/);
});

/** Kept per class by SQL alone, the rule in words (KEPT_RULE): image required; accepted kept, rejected not; else
 * no excluding flag and similarity strictly above the threshold. */
function sqlKept(threshold: number): Record<string, number> {
  const rows = ws.db
    .prepare(
      `SELECT m.wnids wnid, SUM(CASE WHEN s.image_sha256 IS NULL THEN 0 WHEN d.decision = 'accept' THEN 1 WHEN d.decision = 'reject' THEN 0
                                     WHEN ${excludedSql('s')} THEN 0 WHEN t.similarity > @threshold THEN 1 ELSE 0 END) kept
       FROM matches m JOIN samples s ON s.id = m.sample_id
       LEFT JOIN text_similarities t ON t.sample_id = m.sample_id AND t.wnid = m.wnids AND t.encoder = @encoder
       LEFT JOIN decisions d ON d.sample_id = m.sample_id AND d.wnid = m.wnids
       WHERE m.status = 'matched' GROUP BY m.wnids`,
    )
    .all({ threshold, encoder: TEXT_ENCODER, ...exclusionParams(ws.db) }) as { wnid: string; kept: number }[];
  return Object.fromEntries(rows.map((r) => [r.wnid, r.kept]));
}

/** The slider's counts (packed, in the class list's order) by class, after checking they line up with the list. */
async function sliderKept(threshold: number): Promise<Record<string, number>> {
  const { classes, version } = await call('curation.classes', { threshold });
  const counts = await call('curation.counts', { threshold });
  assert.equal(counts.version, version);
  const kept = Array.from(unpackInt32(counts.kept));
  assert.deepEqual(
    kept,
    classes.map((c: any) => c.kept),
    `counts and class list at ${threshold}`,
  );
  assert.equal(
    counts.total,
    kept.reduce((a, b) => a + b, 0),
  );
  // The page's own count from the slider index (what the screen does on a move) is the server's.
  const wire = await call('curation.sliderIndex', {});
  assert.equal(wire.version, version);
  const counter = new SliderCounter(
    classes.map((c: any) => c.wnid),
    wire,
  );
  assert.deepEqual(Array.from(counter.count(threshold)), kept, `counted in the page at ${threshold}`);
  return Object.fromEntries(classes.map((c: any, i: number) => [c.wnid, kept[i]]));
}

test('a page holding the slider index fetches only the decisions again, and counts them as the server does', async () => {
  const { classes, version } = await call('curation.classes', { threshold: THRESHOLD });
  const wnids = classes.map((c: any) => c.wnid);
  const full = await call('curation.sliderIndex', {});
  const counter = new SliderCounter(wnids, full);
  const light = await call('curation.sliderIndex', { have: version });
  assert.equal(light.sizes, null);
  assert.equal(light.similarities, null);
  assert.throws(() => new SliderCounter(wnids, light), /no similarities/);
  assert.throws(() => new SliderCounter(wnids.slice(1), full), /class sizes for a list/);
  const thresholds = [0.44, 0.5, 0.6, 0.75];
  const serverCounts = async () =>
    Promise.all(
      thresholds.map(async (t) => Array.from(unpackInt32((await call('curation.counts', { threshold: t })).kept))),
    );
  const { batch: accepted } = await call('curation.decide', { sampleId: ids[2], wnid: A, decision: 'accept' });
  const { batch: rejected } = await call('curation.decide', { sampleId: ids[14], wnid: A, decision: 'reject' });
  try {
    const now = await serverCounts();
    // Without the new decisions the page's counts are wrong (so the screen must not count until it has them) ...
    assert.notDeepEqual(
      thresholds.map((t) => Array.from(counter.count(t))),
      now,
    );
    // ... with them, right.
    const refreshed = await call('curation.sliderIndex', { have: version });
    assert.equal(refreshed.sizes, null);
    counter.setDecisions(refreshed.decisions);
    assert.deepEqual(
      thresholds.map((t) => Array.from(counter.count(t))),
      now,
    );
  } finally {
    await call('curation.undo', { batch: rejected });
    await call('curation.undo', { batch: accepted });
  }
});

test('the slider counts equal a SQL count at every threshold, with decisions, and after a re-match makes the index stale', async () => {
  const thresholds = [-1, 0.44, 0.45, 0.5, 0.51, 0.6, 0.61, 0.62, 0.75, 0.9, 1];
  for (const t of thresholds) assert.deepEqual(await sliderKept(t), sqlKept(t), `threshold ${t}`);
  // Decisions on top: an accepted low candidate, a rejected high one (undone at the end).
  await call('curation.decide', { sampleId: ids[1], wnid: A, decision: 'accept' });
  await call('curation.decide', { sampleId: ids[15], wnid: A, decision: 'reject' });
  for (const t of thresholds) assert.deepEqual(await sliderKept(t), sqlKept(t), `threshold ${t} with decisions`);
  const before = (await call('curation.classes', { threshold: THRESHOLD })).version;
  // A re-match as the match job writes it: every match replaced, one A candidate now ambiguous, one B sample gone.
  const matches = ws.db.prepare(`SELECT sample_id sampleId, wnids, lemmas, status FROM matches`).all() as {
    sampleId: number;
    wnids: string;
    lemmas: string;
    status: 'matched' | 'ambiguous';
  }[];
  const rematch = (rows: typeof matches) =>
    ws.db.transaction(() => {
      clearMatches(ws.db);
      insertMatches(ws.db, rows);
    })();
  try {
    rematch(
      matches
        .filter((m) => m.sampleId !== ids[20])
        .map((m) => (m.sampleId === ids[12] ? { ...m, status: 'ambiguous' as const } : m)),
    );
    assert.notEqual(
      (await call('curation.classes', { threshold: THRESHOLD })).version,
      before,
      'the stored index is stale: rebuilt',
    );
    const after = await sliderKept(THRESHOLD);
    assert.deepEqual(after, sqlKept(THRESHOLD));
    for (const t of thresholds) assert.deepEqual(await sliderKept(t), sqlKept(t), `threshold ${t} after the re-match`);
    assert.equal((await call('curation.class', { wnid: B, threshold: -1 })).facets.candidates, 5, 'B lost its sample');
  } finally {
    rematch(matches);
    await call('curation.decide', { sampleId: ids[1], wnid: A, decision: null });
    await call('curation.decide', { sampleId: ids[15], wnid: A, decision: null });
  }
  for (const t of thresholds) assert.deepEqual(await sliderKept(t), sqlKept(t), `threshold ${t} restored`);
});
