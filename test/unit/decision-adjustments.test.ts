// Manual decisions on top of the threshold index: the per-class shift read off the kept rule
// (core/selection/kept.ts decisionEffect, core/similarity/decision-adjustments.ts) equals applying the rule to every
// candidate, at every threshold, for every combination of decision, flag, image and similarity.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decisionEffect, isKept, type CandidateFacts } from '../../native-workers/core/selection/kept.ts';
import { DecisionAdjustments } from '../../native-workers/core/similarity/decision-adjustments.ts';
import { ClassSimilarityIndex } from '../../native-workers/core/similarity/threshold-index.ts';

function rng(seed: number) {
  return () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
}

test('decision effects: every combination, at thresholds below, at and above the similarity', () => {
  for (const decision of ['accept', 'reject', null] as const) {
    for (const flagged of [false, true]) {
      for (const hasImage of [false, true]) {
        for (const textSimilarity of [null, 0.5]) {
          const c: CandidateFacts = { decision, flagged, hasImage, textSimilarity };
          const e = decisionEffect(c);
          for (const t of [-1, 0.2, 0.5, 0.7, 1]) {
            const expected = Number(isKept(c, t)) - Number(isKept({ ...c, decision: null }, t));
            const got = e.constant + (textSimilarity != null && textSimilarity > t ? e.step : 0);
            assert.equal(got, expected, `${JSON.stringify(c)} at ${t}`);
          }
        }
      }
    }
  }
});

test('the index plus decision adjustments equals the kept rule over 5000 random candidates and 200 thresholds', () => {
  const rand = rng(7);
  const wnids = ['n1', 'n2', 'n3', 'n4'];
  const candidates = Array.from({ length: 5000 }, () => ({
    k: Math.floor(rand() * wnids.length),
    facts: {
      textSimilarity: rand() < 0.05 ? null : Math.round(rand() * 1000) / 1000,
      hasImage: rand() > 0.05,
      flagged: rand() < 0.05,
      decision: rand() < 0.2 ? (rand() < 0.5 ? 'accept' : 'reject') : null,
    } as CandidateFacts,
  }));
  // The index holds eligible candidates' similarities (image, no flag), as store/kept.ts builds it.
  const eligible = candidates.filter((c) => c.facts.hasImage && !c.facts.flagged && c.facts.textSimilarity != null);
  const index = new ClassSimilarityIndex(
    wnids,
    eligible.map((c) => c.k),
    eligible.map((c) => c.facts.textSimilarity!),
  );
  const adj = new DecisionAdjustments(
    candidates
      .filter((c) => c.facts.decision)
      .map((c) => ({ k: c.k, textSimilarity: c.facts.textSimilarity, ...decisionEffect(c.facts) })),
  );
  for (let i = 0; i <= 200; i++) {
    const t = -0.1 + i * 0.006;
    const kept = adj.apply(index.keptCounts(t), t);
    const brute = wnids.map((_, k) => candidates.filter((c) => c.k === k && isKept(c.facts, t)).length);
    assert.deepEqual(Array.from(kept), brute, `threshold ${t}`);
  }
  assert.equal(
    [...adj.decided.values()].reduce((a, b) => a + b, 0),
    candidates.filter((c) => c.facts.decision).length,
  );
});

test('the flat form loads back to the same index', () => {
  const rand = rng(3);
  const classOf = Array.from({ length: 1000 }, () => Math.floor(rand() * 7));
  const sims = classOf.map(() => rand());
  const index = new ClassSimilarityIndex(['a', 'b', 'c', 'd', 'e', 'f', 'g'], classOf, sims);
  const loaded = new ClassSimilarityIndex(index.toFlat());
  for (const t of [0, 0.25, 0.5, 0.99])
    assert.deepEqual(Array.from(loaded.keptCounts(t)), Array.from(index.keptCounts(t)));
  assert.deepEqual(loaded.range(), index.range());
  assert.equal(loaded.nearCount(2, 0.5, 0.1), index.similarities('c').filter((v) => v >= 0.4 && v <= 0.6).length);
});
