// The NSFW and OCR flag jobs on real COCO photos and on generated images with rendered words, through the CLI and
// worker processes. Asserted: classifier scores are probabilities in [0, 1]; no COCO photo is flagged NSFW at the
// default 0.5 (Porn + Hentai); the metadata rule follows --allow; OCR flags exactly the image whose rendered word is its class name
// (not one showing another class's name, not the photos); the selection and the candidates table then exclude/show it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { openWorkspace } from '../../native-workers/store/workspace.ts';
import { flagsOf } from '../../native-workers/store/flags.ts';
import { runCli, tempDir } from '../helpers/workspace.ts';
import { addSamples, addSource, addSynset, cocoPhotos, storeImage, useFilter } from '../helpers/dataset-fixture.ts';

const A = 'n00000001';
const B = 'n00000002';
let dir: { path: string; cleanup(): void };
let wsDir: string;
const photoIds: number[] = [];
let wordIdA = 0; // class A image showing the word "tabby"
let otherWordIdA = 0; // class A image showing the word "kayak"

/** A photo-sized picture with one word rendered large, the way a sign or a product label shows it. */
async function wordImage(word: string, background: string): Promise<Buffer> {
  const svg = `<svg width="640" height="480" xmlns="http://www.w3.org/2000/svg"><rect width="100%" height="100%" fill="${background}"/>
    <text x="70" y="270" font-family="DejaVu Sans, sans-serif" font-size="110" font-weight="bold" fill="#111">${word}</text></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 92 }).toBuffer();
}

before(async () => {
  dir = tempDir('imagenot-flags-');
  wsDir = join(dir.path, 'ws');
  const ws = openWorkspace(wsDir, { create: true });
  try {
    addSynset(ws, A, ['tabby', 'tabby cat']);
    addSynset(ws, B, ['kayak']);
    const src = addSource(ws, '/data/part.parquet');
    const photos = cocoPhotos(12);
    const rows = [];
    const nsfwValues = ['UNLIKELY', 'UNSURE', 'NSFW', null];
    for (let i = 0; i < photos.length; i++) {
      rows.push({
        row: i,
        caption: `photo ${i}`,
        sha256: await storeImage(ws, photos[i]),
        wnids: [i % 2 ? B : A],
        textSimilarity: 0.9,
        nsfwMeta: nsfwValues[i % 4],
      });
    }
    rows.push({
      row: 12,
      caption: 'tabby sign',
      sha256: await storeImage(ws, await wordImage('tabby', '#d8e4f0')),
      wnids: [A],
      textSimilarity: 0.9,
    });
    rows.push({
      row: 13,
      caption: 'kayak sign, tabby caption',
      sha256: await storeImage(ws, await wordImage('kayak', '#f0e0c8')),
      wnids: [A],
      textSimilarity: 0.9,
    });
    const ids = addSamples(ws, src, rows);
    photoIds.push(...ids.slice(0, 12));
    wordIdA = ids[12];
    otherWordIdA = ids[13];
    useFilter(ws, 0.5, false);
  } finally {
    ws.close();
  }
});

after(() => dir.cleanup());

test('nsfw: metadata rule + nsfwjs classifier on real photos', () => {
  const r = runCli(['nsfw', wsDir, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const job = JSON.parse(r.stdout);
  assert.equal(job.state, 'succeeded');
  assert.deepEqual(
    job.result.meta,
    { checked: 9, flagged: 6 },
    '12 photos cycle UNLIKELY/UNSURE/NSFW/none: 9 valued, 6 not UNLIKELY',
  );
  assert.equal(job.result.classifier.checked, 14);
  const ws = openWorkspace(wsDir);
  try {
    const scores: number[] = [];
    for (const id of [...photoIds, wordIdA, otherWordIdA]) {
      const f = flagsOf(ws.db, id).find((x) => x.kind === 'nsfw_classifier')!;
      assert.ok(f.score! >= 0 && f.score! <= 1, `score ${f.score} in [0, 1]`);
      const probs = Object.values(JSON.parse(f.detail!).probabilities as Record<string, number>);
      assert.equal(probs.length, 5, 'the five nsfwjs class probabilities are kept');
      assert.ok(Math.abs(probs.reduce((a, b) => a + b) - 1) < 1e-3, 'and sum to 1');
      if (photoIds.includes(id)) {
        assert.equal(f.flagged, false, `COCO photo (sample ${id}) not flagged NSFW (score ${f.score})`);
        scores.push(f.score!);
      }
    }
    process.stderr.write(
      `nsfw scores of 12 COCO photos: max ${Math.max(...scores).toFixed(4)}, mean ${(scores.reduce((a, b) => a + b) / scores.length).toFixed(4)}\n`,
    );
    assert.ok(new Set(scores.map((s) => s.toFixed(6))).size > 1, 'scores depend on the image');
  } finally {
    ws.close();
  }
  // Re-running only scores what is new (nothing); widening the metadata rule unflags UNSURE.
  const again = runCli(['nsfw', wsDir, '--allow', 'UNLIKELY,UNSURE', '--json']);
  assert.equal(again.code, 0, again.stderr);
  const j2 = JSON.parse(again.stdout);
  assert.deepEqual(j2.result.meta, { checked: 9, flagged: 3 });
  assert.equal(j2.result.classifier.done, 0, 'already-scored candidates are not scored again');
  assert.equal(j2.result.classifier.checked, 14);
});

test('ocr: flags the image that spells its own class name, and selection/candidates follow', () => {
  const r = runCli(['ocr', wsDir, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const job = JSON.parse(r.stdout);
  assert.equal(job.state, 'succeeded');
  assert.equal(job.result.checked, 14);
  assert.equal(job.result.flagged, 1);
  const ws = openWorkspace(wsDir);
  try {
    const tabby = flagsOf(ws.db, wordIdA).find((f) => f.kind === 'ocr')!;
    assert.equal(tabby.flagged, true);
    assert.equal(JSON.parse(tabby.detail!).found, 'tabby');
    const kayak = flagsOf(ws.db, otherWordIdA).find((f) => f.kind === 'ocr')!;
    assert.equal(kayak.flagged, false, 'the word is another class name, not its own');
    assert.match(JSON.parse(kayak.detail!).text, /kayak/i, 'but the word was read');
    for (const id of photoIds) assert.equal(flagsOf(ws.db, id).find((f) => f.kind === 'ocr')!.flagged, false);
  } finally {
    ws.close();
  }
  // Class A: photos 0, 2, 4, 6, 8, 10 + 2 word images. NSFW metadata cycles UNLIKELY/UNSURE/NSFW/none, so under the
  // rule (UNLIKELY, UNSURE) photos 2, 6 and 10 (NSFW) drop -> 3 photos + the kayak-word image = 4 kept; the
  // ocr-flagged tabby-word image is out. Class B: photos 1, 3, ..., 11, none NSFW -> 6 kept.
  const sel = runCli(['select', wsDir, '--train', '2', '--test', '2', '--json']);
  assert.equal(sel.code, 0, sel.stderr);
  const out = JSON.parse(sel.stdout);
  assert.deepEqual(out.classes.map((c: { wnid: string; kept: number }) => [c.wnid, c.kept]).sort(), [
    [A, 4],
    [B, 6],
  ]);
  const ws2 = openWorkspace(wsDir);
  try {
    const used = ws2.db
      .prepare(`SELECT sample_id FROM splits WHERE selection_id = ?`)
      .all(out.selection.selectionId)
      .map((r) => (r as { sample_id: number }).sample_id);
    assert.ok(!used.includes(wordIdA), 'the OCR-flagged candidate is not selected');
  } finally {
    ws2.close();
  }
  // --redo reads every candidate again (the default skips those already read).
  const redo = runCli(['ocr', wsDir, '--redo', '--json']);
  assert.equal(redo.code, 0, redo.stderr);
  assert.deepEqual([JSON.parse(redo.stdout).result.done, JSON.parse(redo.stdout).result.flagged], [14, 1]);
  const csv = join(dir.path, 'c.csv');
  assert.equal(runCli(['candidates', wsDir, '--out', csv]).code, 0);
  const lines = readFileSync(csv, 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const row = lines.find((l) => l.startsWith(`${wordIdA},`))!.split(',');
  const get = (name: string) => row[header.indexOf(name)];
  assert.deepEqual([get('ocr_flag'), get('kept')], ['true', 'false']);
  assert.equal(get('ocr_text'), 'tabby');
});
