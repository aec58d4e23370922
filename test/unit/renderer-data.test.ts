// The renderer's data readers on real backend output: the Rankings screen reads the object core/stats/rankings.ts
// computes (with the bundled torchvision reference), chart CSV export quotes what needs quoting, captions highlight
// the lemmas they matched, and the class list's orders are stable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeRankings } from '../../native-workers/core/stats/rankings.ts';
import { readReference } from '../../native-workers/io/rankings/tables.ts';
import { readRankings, type RankingPoint } from '../../renderer/store/rankings.ts';
import { toCsv } from '../../renderer/components/exportChart.ts';
import { captionParts, lemmaRanges } from '../../renderer/components/highlight.ts';
import { orderClasses } from '../../renderer/store/class-order.ts';

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

test('lemma highlight finds what the matcher matched: punctuation as spaces, whole words, case as stored', () => {
  const parts = (caption: string, lemmas: string[]) => captionParts(caption, lemmas).filter((p) => p.match).map((p) => p.text);
  assert.deepEqual(parts('A tabby cat, sleeping (tabby) on a mat.', ['tabby cat']), ['tabby cat']);
  assert.deepEqual(parts('tabby-cat and tabbycat', ['tabby cat']), ['tabby-cat'], 'the hyphen is punctuation, "tabbycat" is another word');
  assert.deepEqual(parts('My Kayak on the lake', ['Kayak']), ['Kayak']);
  assert.deepEqual(parts('MY KAYAK', ['kayak']), ['KAYAK'], 'a lemma stored lowercased (ignoreCase matching) is found without case');
  assert.deepEqual(parts('a cathedral', ['cat']), [], 'never inside a word');
  // Overlapping lemmas merge into one highlighted span; the parts always rebuild the caption.
  const caption = 'the golden retriever dog';
  assert.deepEqual(parts(caption, ['golden retriever', 'retriever', 'dog']), ['golden retriever', 'dog']);
  assert.equal(captionParts(caption, ['golden retriever', 'dog']).map((p) => p.text).join(''), caption);
  assert.deepEqual(lemmaRanges('', ['x']), []);
});

test('class orders are stable: ties keep the backend order, and counts are read once when the order is taken', () => {
  const c = (wnid: string, candidates: number, kept: number, decided = 0, name = wnid) => ({ wnid, name, candidates, kept, decided });
  const classes = [c('n1', 30, 5), c('n2', 20, 15), c('n3', 20, 5, 20), c('n4', 10, 10, 0, 'aardvark')];
  assert.deepEqual(orderClasses(classes, 'candidates'), ['n1', 'n2', 'n3', 'n4']);
  assert.deepEqual(orderClasses(classes, 'kept'), ['n2', 'n4', 'n1', 'n3']);
  assert.deepEqual(orderClasses(classes, 'share'), ['n4', 'n2', 'n3', 'n1']);
  assert.deepEqual(orderClasses(classes, 'unreviewed'), ['n1', 'n2', 'n4', 'n3']);
  assert.deepEqual(orderClasses(classes, 'name'), ['n4', 'n1', 'n2', 'n3']);
  // The same input in another order gives the same result when the backend order is the same.
  const moved = classes.map((x) => ({ ...x, kept: x.kept + 1 }));
  assert.deepEqual(orderClasses(moved, 'candidates'), orderClasses(classes, 'candidates'));
});
