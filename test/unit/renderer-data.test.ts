// The renderer's data readers on real backend output: the Rankings screen reads the object core/stats/rankings.ts
// computes (with the bundled torchvision reference), and chart CSV export quotes what needs quoting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeRankings } from '../../native-workers/core/stats/rankings.ts';
import { readReference } from '../../native-workers/io/rankings/tables.ts';
import { readRankings, type RankingPoint } from '../../renderer/store/rankings.ts';
import { toCsv } from '../../renderer/components/exportChart.ts';

test('readRankings maps every model and statistic of computeRankings', () => {
  const reference = readReference();
  const results = [
    { arch: 'alexnet', top1: 20 },
    { arch: 'resnet152', top1: 31 },
    { arch: 'vgg19', top1: 25 },
    { arch: 'mobilenet_v3_large', top1: 27.5 },
    { arch: 'convnext_tiny', top1: 33 },
  ];
  const raw = computeRankings(results, reference, { resamples: 200, seed: 1 });
  const read = readRankings(JSON.parse(JSON.stringify(raw)));
  if ('error' in read) throw new Error(read.error);
  const view = read;
  assert.equal(view.points.length, 5);
  for (const m of raw.models) {
    const p: RankingPoint = view.points.find((x) => x.arch === m.arch)!;
    assert.equal(p.top1, m.top1);
    assert.equal(p.imagenetTop1, m.reference_top1);
    assert.equal(p.rel, m.relative_improvement);
    assert.equal(p.imagenetRel, m.reference_relative_improvement);
  }
  const alex = view.points.find((p) => p.arch === 'alexnet')!;
  assert.equal(alex.rel, 0, 'AlexNet improves on itself by nothing');
  assert.equal(view.pearson, raw.pearson_r);
  assert.equal(view.slope, raw.slope);
  assert.equal(view.intercept, raw.intercept);
  assert.equal(view.spearman, raw.spearman_rho);
  assert.equal(view.kendall, raw.kendall_tau);
  assert.equal(view.sameRanking, raw.same_ranking);
  assert.ok(view.ci.pearson && view.ci.pearson[0] <= view.ci.pearson[1]);
});

test('readRankings passes the backend error through and refuses non-objects', () => {
  assert.deepEqual(readRankings({ error: 'no alexnet among the results' }), { error: 'no alexnet among the results' });
  assert.ok('error' in readRankings(null));
  assert.ok('error' in readRankings([1, 2]));
});

test('toCsv quotes commas, quotes and newlines, and leaves empty cells for null', () => {
  const csv = toCsv(['arch', 'note', 'top1'], [
    ['alexnet', 'baseline, from "torchvision"', 56.522],
    ['vit_b_16', 'two\nlines', null],
  ]);
  assert.equal(csv, 'arch,note,top1\nalexnet,"baseline, from ""torchvision""",56.522\nvit_b_16,"two\nlines",\n');
});
