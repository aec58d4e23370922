// The selection rule on plain data: thresholds (strict), flags, missing images, manual decisions, class ranking,
// train/test sizes, sha256 never on both sides of the split, and determinism under a seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  selectDataset,
  type SelectionCandidate,
  type SelectionParams,
} from '../../native-workers/core/selection/select.ts';
import { keptReason } from '../../native-workers/core/selection/kept.ts';
import { seededRandom, seededShuffle } from '../../native-workers/core/selection/rng.ts';
import { findClassNameInText } from '../../native-workers/core/flags/ocr.ts';
import { NSFW_UNSAFE_CLASSES_STRICT, nsfwMetaFlag, nsfwScore } from '../../native-workers/core/flags/nsfw.ts';

const base: SelectionParams = { threshold: 0.5, classes: 10, train: 4, test: 2, seed: 1, score: 'auto' };

function cand(sampleId: number, wnid: string, over: Partial<SelectionCandidate> = {}): SelectionCandidate {
  return {
    sampleId,
    wnid,
    sha256: `img-${sampleId}`,
    textSimilarity: 0.9,
    imageSimilarity: null,
    flagged: false,
    decision: null,
    ...over,
  };
}

test('kept: strictly above the threshold, flags and missing images drop, decisions override', () => {
  const t = 0.5;
  const f = { textSimilarity: 0.5, flagged: false, hasImage: true, decision: null } as const;
  assert.equal(keptReason(f, t), 'below-threshold', 'equal to the threshold is not kept');
  assert.equal(keptReason({ ...f, textSimilarity: 0.5000001 }, t), 'kept');
  assert.equal(keptReason({ ...f, textSimilarity: 0.9, flagged: true }, t), 'flagged');
  assert.equal(keptReason({ ...f, textSimilarity: 0.9, hasImage: false }, t), 'no-image');
  assert.equal(keptReason({ ...f, textSimilarity: 0.1, decision: 'accept' }, t), 'accepted');
  assert.equal(keptReason({ ...f, textSimilarity: 0.9, flagged: true, decision: 'accept' }, t), 'accepted');
  assert.equal(keptReason({ ...f, textSimilarity: 0.9, decision: 'reject' }, t), 'rejected');
  assert.equal(keptReason({ ...f, textSimilarity: null, decision: 'accept' }, t), 'accepted');
  assert.equal(
    keptReason({ ...f, textSimilarity: 0.9, hasImage: false, decision: 'accept' }, t),
    'no-image',
    'no image, nothing to export',
  );
});

test('classes need train + test kept images; accept lifts a class over the bar, reject drops it below', () => {
  const cands: SelectionCandidate[] = [];
  // A: exactly 6 kept; B: 5 kept + 1 below threshold; C: 7 kept but one rejected and one flagged -> 5.
  for (let i = 0; i < 6; i++) cands.push(cand(100 + i, 'nA'));
  for (let i = 0; i < 5; i++) cands.push(cand(200 + i, 'nB'));
  cands.push(cand(205, 'nB', { textSimilarity: 0.2 }));
  for (let i = 0; i < 7; i++)
    cands.push(cand(300 + i, 'nC', { decision: i === 0 ? 'reject' : null, flagged: i === 1 }));
  let r = selectDataset(cands, base);
  assert.deepEqual(
    r.classes.map((c) => c.wnid),
    ['nA'],
  );
  assert.equal(r.classesWithKept, 3);
  // Accepting B's below-threshold candidate gives B its sixth image.
  cands.find((c) => c.sampleId === 205)!.decision = 'accept';
  r = selectDataset(cands, base);
  assert.deepEqual(r.classes.map((c) => c.wnid).sort(), ['nA', 'nB']);
  const b = r.classes.find((c) => c.wnid === 'nB')!;
  assert.ok([...b.train, ...b.test].includes(205), 'the accepted candidate is used');
  // Rejecting one of A's drops A.
  cands.find((c) => c.sampleId === 103)!.decision = 'reject';
  r = selectDataset(cands, base);
  assert.deepEqual(
    r.classes.map((c) => c.wnid),
    ['nB'],
  );
});

test('ranking: mean image similarity when present, else kept count; top K only', () => {
  const cands: SelectionCandidate[] = [];
  const sims: Record<string, number> = { nA: 0.2, nB: 0.4, nC: 0.3 };
  const sizes: Record<string, number> = { nA: 9, nB: 6, nC: 7 };
  let id = 1;
  for (const w of Object.keys(sims))
    for (let i = 0; i < sizes[w]; i++) cands.push(cand(id++, w, { imageSimilarity: sims[w] + i * 0.001 }));
  const byImage = selectDataset(cands, { ...base, classes: 2 });
  assert.equal(byImage.scoreMode, 'image');
  assert.deepEqual(
    byImage.classes.map((c) => c.wnid),
    ['nB', 'nC'],
  );
  assert.ok(Math.abs(byImage.classes[0].score! - (0.4 + 0.0025)) < 1e-12, 'score = mean of kept image similarities');
  const byCount = selectDataset(
    cands.map((c) => ({ ...c, imageSimilarity: null })),
    { ...base, classes: 2 },
  );
  assert.equal(byCount.scoreMode, 'count');
  assert.deepEqual(
    byCount.classes.map((c) => [c.wnid, c.score]),
    [
      ['nA', 9],
      ['nC', 7],
    ],
  );
  // Only kept images count toward the score: flag nB's best image (id 15, 0.405) and its mean falls to 0.402.
  const flagged = cands.map((c) => (c.sampleId === 15 ? { ...c, flagged: true } : c));
  const nB = selectDataset(flagged, { ...base, train: 3 }).classes.find((c) => c.wnid === 'nB')!;
  assert.ok(Math.abs(nB.score! - 0.402) < 1e-12, `score ${nB.score}`);
});

/** A random workspace: classes of varying size, images shared within and across classes, some flags/decisions. */
function randomCandidates(seed: number): SelectionCandidate[] {
  const rand = seededRandom(seed);
  const out: SelectionCandidate[] = [];
  let id = 1;
  const shas = Array.from({ length: 400 }, (_, i) => `sha-${i}`);
  for (let c = 0; c < 12; c++) {
    const n = 4 + Math.floor(rand() * 30);
    for (let i = 0; i < n; i++) {
      const r = rand();
      out.push({
        sampleId: id++,
        wnid: `n${String(c).padStart(8, '0')}`,
        sha256: r < 0.03 ? null : shas[Math.floor(rand() * shas.length)],
        textSimilarity: rand(),
        imageSimilarity: rand() < 0.8 ? rand() : null,
        flagged: rand() < 0.05,
        decision: rand() < 0.05 ? 'accept' : rand() < 0.05 ? 'reject' : null,
      });
    }
  }
  return out;
}

test('property: exact split sizes, only kept candidates, one image per class, no sha256 on both sides', () => {
  let selectedTotal = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const cands = randomCandidates(seed);
    const bySample = new Map(cands.map((c) => [c.sampleId, c]));
    const p = { ...base, threshold: 0.3, train: 5, test: 2, seed, classes: 6 };
    const r = selectDataset(cands, p);
    const sides = new Map<string, Set<string>>();
    for (const cls of r.classes) {
      assert.equal(cls.train.length, p.train);
      assert.equal(cls.test.length, p.test);
      const shasInClass = new Set<string>();
      for (const [side, ids] of [
        ['train', cls.train],
        ['test', cls.test],
      ] as const) {
        for (const sid of ids) {
          const c = bySample.get(sid)!;
          assert.equal(c.wnid, cls.wnid);
          assert.ok(c.sha256 != null);
          assert.ok(
            c.decision === 'accept' || (c.decision == null && !c.flagged && c.textSimilarity! > p.threshold),
            `sample ${sid} is kept`,
          );
          assert.ok(!shasInClass.has(c.sha256!), 'one candidate per image within a class');
          shasInClass.add(c.sha256!);
          let s = sides.get(c.sha256!);
          if (!s) sides.set(c.sha256!, (s = new Set()));
          s.add(side);
        }
      }
    }
    for (const [sha, s] of sides) assert.ok(s.size === 1, `seed ${seed}: image ${sha} is in both train and test`);
    assert.ok(r.classes.length <= p.classes);
    selectedTotal += r.classes.length;
  }
  assert.ok(selectedTotal >= 60, `the random workspaces select classes (${selectedTotal} over 60 seeds)`);
});

test('determinism: same seed -> same selection; another seed -> another split of the same classes', () => {
  const cands = randomCandidates(7);
  const p = { ...base, threshold: 0.2, train: 5, test: 2, classes: 5 };
  const a = selectDataset(cands, p);
  const b = selectDataset(seededShuffle(cands, 99), p);
  assert.deepEqual(a, b, 'input order does not matter');
  const c = selectDataset(cands, { ...p, seed: 2 });
  assert.deepEqual(c.classes.map((x) => x.wnid).sort(), a.classes.map((x) => x.wnid).sort());
  assert.notDeepEqual(
    c.classes.map((x) => x.test),
    a.classes.map((x) => x.test),
  );
});

test('NSFW rules: metadata values and classifier score', () => {
  assert.equal(nsfwMetaFlag('UNLIKELY', ['UNLIKELY']), false);
  assert.equal(nsfwMetaFlag(' unlikely ', ['UNLIKELY']), false);
  assert.equal(nsfwMetaFlag('UNSURE', ['UNLIKELY']), true);
  assert.equal(nsfwMetaFlag('UNSURE', ['UNLIKELY', 'UNSURE']), false);
  assert.equal(nsfwMetaFlag('NSFW', ['UNLIKELY', 'UNSURE']), true);
  assert.equal(nsfwMetaFlag(null, ['UNLIKELY']), null);
  assert.equal(nsfwMetaFlag('', ['UNLIKELY']), null);
  const preds = [
    { className: 'Neutral', probability: 0.6 },
    { className: 'Sexy', probability: 0.25 },
    { className: 'Porn', probability: 0.1 },
    { className: 'Drawing', probability: 0.04 },
    { className: 'Hentai', probability: 0.01 },
  ];
  assert.ok(Math.abs(nsfwScore(preds) - 0.11) < 1e-12, 'Porn + Hentai by default');
  assert.ok(Math.abs(nsfwScore(preds, NSFW_UNSAFE_CLASSES_STRICT) - 0.36) < 1e-12, 'plus Sexy when strict');
});

test('OCR rule: whole words, case-insensitive, multi-word lemmas', () => {
  assert.equal(findClassNameInText('FRESH Tabby-Cat food\n', ['tabby_cat', 'tabby']), 'tabby cat');
  assert.equal(findClassNameInText('tabbycat', ['tabby']), null);
  assert.equal(findClassNameInText('the STOP sign', ['stop']), 'stop');
  assert.equal(findClassNameInText('', ['stop']), null);
  assert.equal(findClassNameInText('rn ory a', ['A', 'a']), null, 'one-letter names are OCR noise, not searched');
  assert.equal(findClassNameInText('OX', ['ox']), null);
  assert.equal(findClassNameInText('a cow', ['cow']), 'cow');
});
