// The renderer's pure data pieces: metric series that append streamed points (and drop what a resumed run
// recomputes), chart points (smoothing, log axis, time, LTTB downsampling), the Rankings plots' axes and
// non-overlapping labels, the launch form's field checks, chart CSV export, captions highlighting the lemmas they
// matched, and the class list's stable orders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricSeries, RunMetricStore } from '../../renderer/store/metric-series.ts';
import { chartPoints, downsample, smooth } from '../../renderer/components/series.ts';
import { labelsOverlap, niceAxis, placeLabels } from '../../renderer/screens/Rankings/layout.ts';
import { fieldError, placeholder, resolved, startRequest } from '../../renderer/screens/Training/form.ts';
import { toCsv } from '../../renderer/components/exportChart.ts';
import { captionParts, lemmaRanges } from '../../renderer/components/highlight.ts';
import { orderClasses } from '../../renderer/store/class-order.ts';
import { readReference } from '../../native-workers/io/rankings/tables.ts';

test('metric series: append in step order, replace a repeated step, drop what a resumed run recomputes', () => {
  const s = new MetricSeries();
  for (let step = 1; step <= 5; step++) s.add({ step, epoch: step / 5, time: 100 + step, value: 10 - step });
  s.add({ step: 5, epoch: 1, time: 106, value: 4.5 });
  assert.deepEqual(s.value, [9, 8, 7, 6, 4.5]);
  // Resumed from the checkpoint at step 3: steps 4.. come again.
  s.add({ step: 4, epoch: 0.8, time: 200, value: 5.9 });
  assert.deepEqual(s.step, [1, 2, 3, 4]);
  assert.deepEqual(s.value, [9, 8, 7, 5.9]);
  s.add({ step: 6, epoch: 1.2, time: null, value: 3 });
  assert.ok(Number.isNaN(s.time[4]));

  const store = new RunMetricStore();
  store.add(7, 'loss', { step: 9, epoch: 1, time: 1, value: 0.5 }); // streamed while the history was being fetched
  store.add(7, 'loss', { step: 10, epoch: 1, time: 1, value: 0.4 });
  store.load(7, [
    { name: 'loss', step: 8, epoch: 1, time: 1, value: 0.6 },
    { name: 'loss', step: 9, epoch: 1, time: 1, value: 0.5 },
    { name: 'val_loss', step: 9, epoch: 1, time: 1, value: 0.7 },
  ]);
  assert.deepEqual(store.series(7, 'loss')!.step, [8, 9, 10]);
  assert.equal(store.count(7, ['loss', 'val_loss']), 4);
});

test('chart points: debiased smoothing, log axis, time in minutes, at most maxPoints by LTTB', () => {
  assert.deepEqual(
    smooth([4, 4, 4], 0.9).map((v) => Number(v.toFixed(9))),
    [4, 4, 4],
    'debiased: a constant stays constant',
  );
  assert.deepEqual(smooth([1, 2], 0), [1, 2]);
  const sm = smooth([0, 10], 0.5);
  assert.equal(sm[1], (0.5 * 0.5 * 0 + 0.5 * 10) / (1 - 0.25));

  const s = new MetricSeries();
  for (let i = 1; i <= 5000; i++)
    s.add({ step: i, epoch: i / 100, time: 1000 + i * 0.6, value: i === 2500 ? 20000 : 2 / Math.sqrt(i) });
  const pts = chartPoints(s, { x: 'step', smoothing: 0, logY: false, maxPoints: 400 });
  assert.equal(pts.length, 400);
  assert.ok(
    pts.some((p) => p.y === 20000),
    'LTTB keeps the spike a stride would miss',
  );
  assert.deepEqual([pts[0].x, pts[pts.length - 1].x], [1, 5000], 'the ends are kept');
  const t = chartPoints(s, { x: 'time', smoothing: 0, logY: false, maxPoints: 10000 });
  assert.equal(t[0].x, 0);
  assert.ok(Math.abs(t[t.length - 1].x - (4999 * 0.6) / 60) < 1e-9, 'minutes since the first point');
  const neg = new MetricSeries();
  [-1, 0, 2, 3].forEach((value, i) => neg.add({ step: i + 1, epoch: 0, time: null, value }));
  assert.deepEqual(
    chartPoints(neg, { x: 'epoch', smoothing: 0, logY: true, maxPoints: 10 }).map((p) => p.y),
    [2, 3],
  );
  assert.equal(downsample([{ x: 0, y: 0 }], 10).length, 1);
});

test('Rankings plots: each axis its own nice range; labels of clustered models do not overlap', () => {
  const a = niceAxis([56.5, 72.4, 78.3, 74.0, 84.2]);
  assert.ok(a.domain[0] <= 56.5 && a.domain[1] >= 84.2 && a.domain[1] - a.domain[0] <= 50, JSON.stringify(a));
  assert.deepEqual(a.ticks[0], a.domain[0]);
  const b = niceAxis([0.2, 0.21]);
  assert.ok(b.domain[1] - b.domain[0] < 0.2, 'a narrow range is not stretched to the other axis');
  // The nine architectures at their ImageNet top-1 (x) and a cluster of similar accuracies here (y), 600 x 300 px.
  const ref = readReference();
  const points = ref.map((r, i) => ({ x: ((r.top1 - 55) / 35) * 600, y: 150 + (i % 3) * 4, text: r.arch }));
  const placed = placeLabels(points, 600, 300);
  assert.equal(placed.length, points.length);
  assert.equal(labelsOverlap(points, placed), false);
  assert.equal(
    labelsOverlap(
      points,
      points.map(() => ({ dx: 8, dy: 4, anchor: 'start' as const })),
    ),
    true,
    'the naive placement does overlap',
  );
});

test('launch form: fields checked in words, recipe values shown, request built from valid fields only', () => {
  assert.equal(fieldError('epochs', ''), null);
  assert.equal(fieldError('epochs', '2.5'), 'enter a whole number');
  assert.equal(fieldError('epochs', '0'), 'at least 1');
  assert.equal(fieldError('lr', '0'), 'must be above 0');
  assert.equal(fieldError('lr', 'abc'), 'enter a number');
  assert.equal(fieldError('seed', '0'), null);
  const defaults = [
    { arch: 'alexnet', epochs: 8, batch: 32, lr: 0.01, patience: 5, seed: 0, inputSize: 32 },
    { arch: 'vgg19', epochs: 6, batch: 32, lr: 0.02, patience: 5, seed: 0, inputSize: 32 },
  ];
  assert.equal(placeholder(defaults, ['alexnet', 'vgg19'], 'epochs'), 'recipe: 6–8');
  assert.equal(placeholder(defaults, ['alexnet'], 'lr'), 'recipe: 0.01');
  const values = { epochs: '3', batch: 'x', lr: '', patience: '', seed: '' };
  const plan = resolved(defaults, ['vgg19'], values);
  assert.deepEqual([plan[0].epochs, plan[0].batch, plan[0].overridden], [3, 32, ['epochs']]);
  assert.deepEqual(startRequest(['vgg19'], 'local', 'tfjs', 'exports/a', values), {
    archs: ['vgg19'],
    profile: 'local',
    engine: 'tfjs',
    dataset: 'exports/a',
    epochs: 3,
  });
});

test('toCsv quotes commas, quotes and newlines, and leaves empty cells for null', () => {
  const csv = toCsv(
    ['arch', 'note', 'top1'],
    [
      ['alexnet', 'baseline, from "torchvision"', 56.522],
      ['vit_b_16', 'two\nlines', null],
    ],
  );
  assert.equal(csv, 'arch,note,top1\nalexnet,"baseline, from ""torchvision""",56.522\nvit_b_16,"two\nlines",\n');
});

test('lemma highlight finds what the matcher matched: punctuation as spaces, whole words, case as stored', () => {
  const parts = (caption: string, lemmas: string[]) =>
    captionParts(caption, lemmas)
      .filter((p) => p.match)
      .map((p) => p.text);
  assert.deepEqual(parts('A tabby cat, sleeping (tabby) on a mat.', ['tabby cat']), ['tabby cat']);
  assert.deepEqual(
    parts('tabby-cat and tabbycat', ['tabby cat']),
    ['tabby-cat'],
    'the hyphen is punctuation, "tabbycat" is another word',
  );
  assert.deepEqual(parts('My Kayak on the lake', ['Kayak']), ['Kayak']);
  assert.deepEqual(
    parts('MY KAYAK', ['kayak']),
    ['KAYAK'],
    'a lemma stored lowercased (ignoreCase matching) is found without case',
  );
  assert.deepEqual(parts('a cathedral', ['cat']), [], 'never inside a word');
  // Overlapping lemmas merge into one highlighted span; the parts always rebuild the caption.
  const caption = 'the golden retriever dog';
  assert.deepEqual(parts(caption, ['golden retriever', 'retriever', 'dog']), ['golden retriever', 'dog']);
  assert.equal(
    captionParts(caption, ['golden retriever', 'dog'])
      .map((p) => p.text)
      .join(''),
    caption,
  );
  assert.deepEqual(lemmaRanges('', ['x']), []);
});

test('class orders are stable: ties keep the backend order, and counts are read once when the order is taken', () => {
  const c = (wnid: string, candidates: number, kept: number, decided = 0, name = wnid) => ({
    wnid,
    name,
    candidates,
    kept,
    decided,
  });
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
