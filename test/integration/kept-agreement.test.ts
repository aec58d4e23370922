// One definition of "kept": on one workspace with NSFW metadata, an OCR flag, candidates without an image and manual
// decisions, the Curation screen's counts (curation.classes), its items' `kept`, the class image scores, the
// selection and the `imagenot candidates` table all keep the same candidates — without `imagenot nsfw`/`select` having
// written any NSFW metadata flag row first. Then a new flag and a fetched image change the counts at once (the cached
// per-class index rebuilds).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { openWorkspace, type Workspace } from '../../native-workers/store/workspace.ts';
import { setDecision } from '../../native-workers/store/decisions.ts';
import { writeFlags, FLAG_KINDS } from '../../native-workers/store/flags.ts';
import { recordFetchResults } from '../../native-workers/store/samples.ts';
import { keptByClass } from '../../native-workers/store/threshold-index.ts';
import { curationItems } from '../../native-workers/store/curation.ts';
import { classImageScores } from '../../native-workers/store/image-similarities.ts';
import { loadSelectionCandidates } from '../../native-workers/store/selection.ts';
import { selectDataset } from '../../native-workers/core/selection/select.ts';
import { runCli, tempDir } from '../helpers/workspace.ts';
import {
  addSamples,
  addSource,
  addSynset,
  cocoPhotos,
  storeImage,
  IMAGE_ENCODER,
  TEXT_ENCODER,
  type FixtureSample,
} from '../helpers/dataset-fixture.ts';
import { setTextFilter } from '../../native-workers/store/text-similarities.ts';
import { setMeta } from '../../native-workers/store/meta.ts';

const A = 'n00000011';
const B = 'n00000012';
const THRESHOLD = 0.55;
let dir: { path: string; cleanup(): void };
let wsDir: string;
let ws: Workspace;
const id: Record<string, number> = {};
let spareSha = '';

before(async () => {
  dir = tempDir('imagenot-kept-');
  wsDir = join(dir.path, 'ws');
  ws = openWorkspace(wsDir, { create: true });
  const shas: string[] = [];
  for (const p of cocoPhotos(16)) shas.push(await storeImage(ws, p));
  spareSha = shas[15];
  addSynset(ws, A, ['tabby']);
  addSynset(ws, B, ['kayak']);
  const src = addSource(ws, '/data/laion-part-0.parquet');
  const rows: (FixtureSample & { role: string })[] = [];
  let next = 0;
  const push = (role: string, wnid: string, textSimilarity: number, extra: Partial<FixtureSample> = {}) =>
    rows.push({
      role,
      row: rows.length,
      caption: `${role} caption`,
      wnids: [wnid],
      lemma: 'x',
      textSimilarity,
      imageSimilarity: 0.3,
      sha256: shas[next++],
      ...extra,
    });
  // Class A: 4 plain kept, one below, one without image, one NSFW by metadata, one flagged by OCR, one below but
  // accepted, one above but rejected, one NSFW but accepted, one without image but accepted (no image: never kept).
  for (let i = 0; i < 4; i++) push(`A${i}`, A, 0.6 + i * 0.05);
  push('Abelow', A, 0.5);
  push('AnoImage', A, 0.9, { sha256: null, imageSimilarity: undefined });
  push('Ansfw', A, 0.9, { nsfwMeta: 'NSFW' });
  push('Aocr', A, 0.9);
  push('Aaccepted', A, 0.1);
  push('Arejected', A, 0.9);
  push('AnsfwAccepted', A, 0.9, { nsfwMeta: ' unsure ' });
  push('AnoImageAccepted', A, 0.9, { sha256: null, imageSimilarity: undefined });
  // Class B: 3 kept (LAION's allowed value), one UNSURE.
  for (let i = 0; i < 3; i++) push(`B${i}`, B, 0.8, { nsfwMeta: 'UNLIKELY' });
  push('Bunsure', B, 0.8, { nsfwMeta: 'UNSURE' });
  const ids = addSamples(ws, src, rows);
  rows.forEach((r, i) => (id[r.role] = ids[i]));
  writeFlags(ws.db, [{ sampleId: id.Aocr, kind: 'ocr', flagged: true, score: null, detail: null }]);
  setDecision(ws.db, id.Aaccepted, A, 'accept');
  setDecision(ws.db, id.Arejected, A, 'reject');
  setDecision(ws.db, id.AnsfwAccepted, A, 'accept');
  setDecision(ws.db, id.AnoImageAccepted, A, 'accept');
  setTextFilter(ws.db, TEXT_ENCODER, THRESHOLD);
  setMeta(ws.db, 'image_encoder', IMAGE_ENCODER);
});

after(() => {
  ws.close();
  dir.cleanup();
});

const EXPECTED_KEPT: Record<string, string[]> = {
  [A]: ['A0', 'A1', 'A2', 'A3', 'Aaccepted', 'AnsfwAccepted'],
  [B]: ['B0', 'B1', 'B2'],
};

function curationCounts(): Record<string, number> {
  return Object.fromEntries(keptByClass(ws.db, TEXT_ENCODER, THRESHOLD).map((c) => [c.wnid, c.kept]));
}

test('curation counts, curation items, selection, class image scores and the candidates table keep the same candidates', () => {
  assert.equal(
    (ws.db.prepare(`SELECT COUNT(*) n FROM flags WHERE kind = 'nsfw_meta'`).get() as { n: number }).n,
    0,
    'no command has written NSFW metadata flag rows yet',
  );
  const expectedIds = Object.fromEntries(
    Object.entries(EXPECTED_KEPT).map(([w, roles]) => [w, roles.map((r) => id[r]).sort((a, b) => a - b)]),
  );

  // Curation screen: class counts and the kept items of each class.
  assert.deepEqual(curationCounts(), { [A]: 6, [B]: 3 });
  const classes = keptByClass(ws.db, TEXT_ENCODER, THRESHOLD);
  assert.deepEqual(
    Object.fromEntries(classes.map((c) => [c.wnid, c.candidates])),
    { [A]: 12, [B]: 4 },
    'candidates = every matched sample of the class',
  );
  for (const wnid of [A, B]) {
    const { items } = curationItems(ws.db, {
      wnid,
      textEncoder: TEXT_ENCODER,
      imageEncoder: IMAGE_ENCODER,
      threshold: THRESHOLD,
      sort: 'id',
      order: 'asc',
      offset: 0,
      limit: 100,
    });
    assert.deepEqual(
      items.filter((i) => i.kept).map((i) => i.sampleId),
      expectedIds[wnid],
      `curation items of ${wnid}`,
    );
  }
  const nsfwItem = curationItems(ws.db, {
    wnid: B,
    textEncoder: TEXT_ENCODER,
    imageEncoder: null,
    threshold: THRESHOLD,
    sort: 'id',
    order: 'asc',
    offset: 0,
    limit: 100,
  }).items.find((i) => i.sampleId === id.Bunsure);
  assert.deepEqual(nsfwItem?.flags, ['nsfw_meta'], 'the derived NSFW metadata flag is shown on the item');

  // Selection: the same candidates, and per class the same kept count (every image is distinct here).
  const candidates = loadSelectionCandidates(ws.db, {
    textEncoder: TEXT_ENCODER,
    imageEncoder: IMAGE_ENCODER,
    excludeFlags: FLAG_KINDS,
  });
  const selection = selectDataset(candidates, {
    threshold: THRESHOLD,
    classes: 10,
    train: 2,
    test: 1,
    seed: 1,
    score: 'auto',
  });
  assert.deepEqual(
    Object.fromEntries(selection.classes.map((c) => [c.wnid, c.kept])),
    curationCounts(),
    'selection kept == curation kept',
  );
  for (const c of selection.classes)
    assert.deepEqual(
      [...c.train, ...c.test].sort((a, b) => a - b).every((s) => expectedIds[c.wnid].includes(s)),
      true,
    );

  // Class image scores use the same kept candidates (all image similarities are 0.3, so only the class set tells).
  assert.deepEqual(
    [
      ...classImageScores(ws.db, {
        imageEncoder: IMAGE_ENCODER,
        textEncoder: TEXT_ENCODER,
        threshold: THRESHOLD,
      }).keys(),
    ].sort(),
    [A, B],
  );

  // `imagenot candidates`: the kept column marks exactly those candidates, with the derived NSFW metadata flag.
  const csv = join(dir.path, 'candidates.csv');
  const r = runCli(['candidates', wsDir, '--out', csv]);
  assert.equal(r.code, 0, r.stderr);
  const [head, ...lines] = readFileSync(csv, 'utf8').trim().split('\n');
  const cols = head.split(',');
  const kept = lines
    .map((l) => l.split(','))
    .filter((c) => c[cols.indexOf('kept')] === 'true')
    .map((c) => Number(c[cols.indexOf('sample_id')]))
    .sort((a, b) => a - b);
  assert.deepEqual(
    kept,
    [...expectedIds[A], ...expectedIds[B]].sort((a, b) => a - b),
    'candidates table kept == curation kept',
  );
  const nsfwCol = cols.indexOf('nsfw_meta_flag');
  const bunsure = lines.map((l) => l.split(',')).find((c) => Number(c[0]) === id.Bunsure)!;
  assert.equal(bunsure[nsfwCol], 'true');
});

test('a new flag or a fetched image changes the curation counts at once', () => {
  const before = curationCounts();
  writeFlags(ws.db, [{ sampleId: id.A0, kind: 'nsfw_classifier', flagged: true, score: 0.9, detail: null }]);
  assert.equal(curationCounts()[A], before[A] - 1, 'a classifier flag drops the candidate');
  ws.db.transaction(() =>
    recordFetchResults(ws.db, [{ id: id.AnoImage, status: 'ok', error: null, imageSha256: spareSha }]),
  )();
  assert.equal(curationCounts()[A], before[A], 'a fetched image makes the candidate keepable');
  ws.db.transaction(() =>
    recordFetchResults(ws.db, [{ id: id.AnoImageAccepted, status: 'ok', error: null, imageSha256: spareSha }]),
  )();
  assert.equal(curationCounts()[A], before[A] + 1, 'an accepted candidate with a fresh image is kept');
  const candidates = loadSelectionCandidates(ws.db, {
    textEncoder: TEXT_ENCODER,
    imageEncoder: null,
    excludeFlags: FLAG_KINDS,
  });
  const perClass = selectDataset(candidates, {
    threshold: THRESHOLD,
    classes: 10,
    train: 1,
    test: 1,
    seed: 1,
    score: 'count',
  });
  // Two candidates now share spareSha: the selection counts distinct images, curation counts candidates.
  assert.equal(perClass.classes.find((c) => c.wnid === A)!.kept, curationCounts()[A] - 1);
});
