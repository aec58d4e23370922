// Rank-preservation statistics against values computed by hand (including ties), the rankings object, per-model
// binomial intervals, and the run choice rule shared by the Rankings screen and `imagenot rankings WS`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { averageRanks, kendallTauB, ols, pearson, spearman } from '../../native-workers/core/stats/correlation.ts';
import { bootstrapInterval, mulberry32, quantile } from '../../native-workers/core/stats/bootstrap.ts';
import { computeRankings, RankingsError } from '../../native-workers/core/stats/rankings.ts';
import { relativeImprovementInterval, wilsonInterval } from '../../native-workers/core/stats/binomial.ts';
import { chooseRuns, DEFAULT_RUN_CHOICE, type RunCandidate } from '../../native-workers/core/stats/run-choice.ts';
import { workspaceRankings } from '../../native-workers/core/stats/workspace-rankings.ts';

const close = (a: number | null, b: number, what: string, tol = 1e-9) =>
  assert.ok(a != null && Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

// x = 1..5, y = 2,4,5,4,5: dx = -2..2, dy = -2,0,1,0,1 -> Sxy = 6, Sxx = 10, Syy = 6.
const X = [1, 2, 3, 4, 5];
const Y = [2, 4, 5, 4, 5];

test('Pearson and OLS by hand', () => {
  close(pearson(X, Y), 6 / Math.sqrt(60), 'r');
  const fit = ols(X, Y);
  close(fit.slope, 0.6, 'slope');
  close(fit.intercept, 4 - 0.6 * 3, 'intercept');
  close(fit.r2, 0.6, 'r2 = r^2 for simple regression');
  assert.ok(Number.isNaN(pearson([1, 1, 1], [1, 2, 3])), 'constant x -> NaN');
  assert.ok(Number.isNaN(pearson([1], [2])), 'one point -> NaN');
});

test('average ranks and Spearman with ties', () => {
  assert.deepEqual(averageRanks(Y), [1, 2.5, 4.5, 2.5, 4.5]);
  assert.deepEqual(averageRanks([3, 1, 3, 3]), [3, 1, 3, 3]);
  // ranks of Y deviate -2, -0.5, 1.5, -0.5, 1.5 from 3: Sxy = 7, Sxx = 10, Syy = 9.
  close(spearman(X, Y), 7 / Math.sqrt(90), 'rho');
  close(spearman([1, 2, 3], [30, 20, 10]), -1, 'reversed');
});

test('Kendall tau-b with ties in y and in both', () => {
  // 10 pairs: 7 concordant, 1 discordant (5 vs 4), 2 tied in y -> (7 - 1) / sqrt(10 * 8).
  close(kendallTauB(X, Y), 6 / Math.sqrt(80), 'tau-b');
  // x = 1,1,2,3 ; y = 1,2,2,3: pairs (0,1) tie x; (0,2) C; (0,3) C; (1,2) tie y; (1,3) C; (2,3) C -> C=4, D=0,
  // n0 = 6, tiesX = 1, tiesY = 1 -> 4 / sqrt(5 * 5) = 0.8.
  close(kendallTauB([1, 1, 2, 3], [1, 2, 2, 3]), 0.8, 'tau-b ties in both');
  close(kendallTauB([1, 2, 3], [3, 2, 1]), -1, 'reversed');
});

test('seeded bootstrap is reproducible and brackets the estimate', () => {
  const a = mulberry32(7);
  const b = mulberry32(7);
  for (let i = 0; i < 5; i++) assert.equal(a(), b());
  assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
  const xs = Array.from({ length: 30 }, (_, i) => i);
  const ys = xs.map((x) => 2 * x + ((x * 7) % 5));
  const stat = (idx: number[]) =>
    pearson(
      idx.map((i) => xs[i]),
      idx.map((i) => ys[i]),
    );
  const i1 = bootstrapInterval(30, stat, { seed: 3, resamples: 500 });
  const i2 = bootstrapInterval(30, stat, { seed: 3, resamples: 500 });
  assert.deepEqual(i1, i2);
  const r = pearson(xs, ys);
  assert.ok(i1.low <= r && r <= i1.high && i1.high <= 1, `${i1.low} <= ${r} <= ${i1.high}`);
});

const REF = [
  { arch: 'alexnet', top1: 56.522 },
  { arch: 'vgg19', top1: 72.376 },
  { arch: 'resnet152', top1: 78.312 },
  { arch: 'mobilenet_v3_large', top1: 74.042 },
];

test('rankings: relative improvements, statistics over the right models, ties, CI', () => {
  const res = [
    { arch: 'alexnet', top1: 50 },
    { arch: 'vgg19', top1: 55 },
    { arch: 'resnet152', top1: 60 },
    { arch: 'mobilenet_v3_large', top1: 55 },
  ];
  const r = computeRankings(res, REF, { seed: 1, resamples: 300 });
  assert.equal(r.n, 4);
  const m = Object.fromEntries(r.models.map((x) => [x.arch, x]));
  close(m.alexnet.relative_improvement, 0, 'alexnet RI');
  close(m.vgg19.relative_improvement, 0.1, 'vgg RI');
  close(m.resnet152.relative_improvement, 0.2, 'resnet RI');
  close(m.resnet152.reference_relative_improvement, (78.312 - 56.522) / 56.522, 'resnet ref RI');
  // Pearson/OLS over vgg19, resnet152, mobilenet (AlexNet excluded).
  const rx = [72.376, 78.312, 74.042].map((v) => (v - 56.522) / 56.522);
  const ry = [0.1, 0.2, 0.1];
  close(r.pearson_r, pearson(rx, ry), 'pearson over non-alexnet');
  const mx = rx.reduce((a, b) => a + b) / 3;
  const my = 0.4 / 3;
  const slope = rx.reduce((s, x, i) => s + (x - mx) * (ry[i] - my), 0) / rx.reduce((s, x) => s + (x - mx) ** 2, 0);
  close(r.slope, slope, 'slope');
  close(r.intercept, my - slope * mx, 'intercept');
  // Spearman/Kendall over all four top-1s; new side has a tie (vgg19 = mobilenet = 55).
  // ref ranks 1,2,4,3; new ranks 1,2.5,4,2.5.
  close(r.spearman_rho, pearson([1, 2, 4, 3], [1, 2.5, 4, 2.5]), 'spearman');
  // pairs: (a,v) C (a,r) C (a,m) C (v,r) C (v,m) tie-new (r,m) C -> 5 / sqrt(6 * 5).
  close(r.kendall_tau, 5 / Math.sqrt(30), 'kendall');
  assert.equal(r.same_ranking, false, 'a tie on one side only is not the same ranking');
  for (const k of ['pearson_r', 'slope', 'spearman_rho', 'kendall_tau'] as const) {
    assert.ok(r.ci[k].low == null || r.ci[k].low! <= r.ci[k].high!, k);
  }
  const again = computeRankings(res, REF, { seed: 1, resamples: 300 });
  assert.deepEqual(again.ci, r.ci, 'same seed, same intervals');

  const same = computeRankings(
    [
      { arch: 'alexnet', top1: 40 },
      { arch: 'vgg19', top1: 45 },
      { arch: 'resnet152', top1: 52 },
      { arch: 'mobilenet_v3_large', top1: 47 },
    ],
    REF,
  );
  assert.equal(same.same_ranking, true);
  close(same.spearman_rho, 1, 'rho 1');
  close(same.kendall_tau, 1, 'tau 1');
});

test('rankings without AlexNet, or with an unknown model, fail with a clear message', () => {
  assert.throws(
    () => computeRankings([{ arch: 'vgg19', top1: 50 }], REF),
    (e: Error) => e instanceof RankingsError && /no alexnet/.test(e.message),
  );
  assert.throws(
    () =>
      computeRankings(
        [
          { arch: 'alexnet', top1: 50 },
          { arch: 'lenet', top1: 10 },
        ],
        REF,
      ),
    /no reference top-1 for lenet/,
  );
});

test('Wilson intervals match the published values; the relative-improvement interval brackets the estimate', () => {
  // statsmodels proportion_confint(50, 100, method='wilson') = (0.40383, 0.59617); (0, 10) -> (0, 0.27753).
  const half = wilsonInterval(50, 100);
  close(half.low, 40.383153, 'low', 1e-5);
  close(half.high, 59.616847, 'high', 1e-5);
  const zero = wilsonInterval(0, 10);
  close(zero.low, 0, 'zero low');
  close(zero.high, 27.75328, 'zero high', 1e-5);
  assert.ok(Number.isNaN(wilsonInterval(50, 0).low), 'no items, no interval');
  // Narrower with more items.
  const wide = wilsonInterval(60, 50);
  const narrow = wilsonInterval(60, 5000);
  assert.ok(narrow.high - narrow.low < (wide.high - wide.low) / 5);
  // (60 - 50) / 50 = 0.2; se by the delta method: sqrt(.24/1000/.25 + .36 * .25/1000/.0625) = sqrt(0.00096 + 0.00144).
  const rel = relativeImprovementInterval(60, 1000, 50, 1000);
  close(rel.low, 0.2 - 1.959963984540054 * Math.sqrt(0.0024), 'rel low');
  close(rel.high, 0.2 + 1.959963984540054 * Math.sqrt(0.0024), 'rel high');
});

test('rankings carry n, per-model intervals, provisional marks and the accuracy-on-the-line fit', () => {
  const r = computeRankings(
    [
      { arch: 'alexnet', top1: 50, n: 1000, runId: 1 },
      { arch: 'vgg19', top1: 55, n: 1000, runId: 2 },
      { arch: 'resnet152', top1: 60, n: 200, provisional: true, runId: 3 },
      { arch: 'mobilenet_v3_large', top1: 57 },
    ],
    REF,
    { resamples: 100 },
  );
  assert.equal(r.n, 4);
  assert.equal(r.n_relative, 3);
  assert.equal(r.n_provisional, 1);
  const m = Object.fromEntries(r.models.map((x) => [x.arch, x]));
  assert.deepEqual(m.vgg19.top1_ci, wilsonInterval(55, 1000));
  assert.equal(m.resnet152.provisional, true);
  assert.equal(m.resnet152.run_id, 3);
  assert.deepEqual(m.mobilenet_v3_large.top1_ci, { low: null, high: null }, 'no n, no interval');
  assert.deepEqual(m.alexnet.relative_improvement_ci, { low: 0, high: 0 });
  const ri = m.vgg19.relative_improvement_ci;
  assert.ok(ri.low! < 0.1 && 0.1 < ri.high!, `${ri.low} < 0.1 < ${ri.high}`);
  const ax = REF.map((x) => x.top1);
  const ay = [50, 55, 60, 57];
  const fit = ols(ax, ay);
  close(r.accuracy_fit.slope, fit.slope, 'accuracy fit slope');
  close(r.accuracy_fit.intercept, fit.intercept, 'accuracy fit intercept');
  close(r.accuracy_fit.pearson_r, pearson(ax, ay), 'accuracy fit r');
});

function candidate(id: number, arch: string, o: Partial<RunCandidate> = {}): RunCandidate {
  return {
    id,
    arch,
    status: 'succeeded',
    dataset: 'exports/a',
    profile: 'local',
    engine: 'tfjs',
    epoch: 6,
    epochs: 6,
    top1: 40 + id,
    testImages: 500,
    latestVal: 38 + id,
    valImages: 90,
    excluded: false,
    ...o,
  };
}

test('run choice: newest finished run per architecture on the export most architectures finished on', () => {
  const runs = [
    candidate(1, 'alexnet'),
    candidate(2, 'vgg19'),
    candidate(3, 'alexnet'), // newer: stands for alexnet
    candidate(4, 'resnet152', { status: 'failed', top1: null }),
    candidate(5, 'resnet152', { dataset: 'exports/b' }), // the only run on b: b has 1 arch, a has 2
    candidate(6, 'vgg19', { excluded: true }), // excluded: never chosen by the rule
    candidate(7, 'mobilenet_v3_large', { status: 'running', top1: null, latestVal: 33.3 }),
    candidate(8, 'convnext_tiny', { status: 'running', top1: null, latestVal: null }), // no accuracy yet
  ];
  const out = chooseRuns(runs, DEFAULT_RUN_CHOICE);
  assert.equal(out.dataset, 'exports/a');
  assert.deepEqual(
    out.chosen.map((c) => [c.arch, c.runId, c.top1, c.n, c.provisional]),
    [
      ['alexnet', 3, 43, 500, false],
      ['mobilenet_v3_large', 7, 33.3, 90, true],
      ['vgg19', 2, 42, 500, false],
    ],
  );
  assert.deepEqual(
    out.exports.find((e) => e.dataset === 'exports/b'),
    { dataset: 'exports/b', archs: 1, runs: 1 },
  );
  // Final runs only.
  assert.deepEqual(
    chooseRuns(runs, { ...DEFAULT_RUN_CHOICE, provisional: false }).chosen.map((c) => c.arch),
    ['alexnet', 'vgg19'],
  );
  // A pick by hand wins, even on another export or when excluded, and says so.
  const picked = chooseRuns(runs, { ...DEFAULT_RUN_CHOICE, picks: { alexnet: 1, resnet152: 5 } });
  assert.equal(picked.chosen.find((c) => c.arch === 'alexnet')!.runId, 1);
  assert.equal(picked.chosen.find((c) => c.arch === 'resnet152')!.pickedByHand, true);
  assert.ok(
    picked.notes.some((n) => /resnet152: run #5 .* another export, exports\/b/.test(n)),
    picked.notes.join('\n'),
  );
  // A pick that cannot be compared falls back to the rule, with a note.
  const gone = chooseRuns(runs, { ...DEFAULT_RUN_CHOICE, picks: { vgg19: 99 } });
  assert.equal(gone.chosen.find((c) => c.arch === 'vgg19')!.runId, 2);
  assert.ok(gone.notes.some((n) => /vgg19: run #99 .*deleted/.test(n)));
  // Choosing the other export.
  const b = chooseRuns(runs, { ...DEFAULT_RUN_CHOICE, dataset: 'exports/b' });
  assert.deepEqual(
    b.chosen.map((c) => c.runId),
    [5],
  );
  // Mixed profiles are noted.
  const mixed = chooseRuns([candidate(1, 'alexnet'), candidate(2, 'vgg19', { profile: 'paper' })], DEFAULT_RUN_CHOICE);
  assert.ok(
    mixed.notes.some((n) => /differ in profile: alexnet local, vgg19 paper/.test(n)),
    mixed.notes.join('\n'),
  );
  // A tie in architectures goes to the export of the newest finished run.
  assert.equal(
    chooseRuns([candidate(1, 'alexnet'), candidate(2, 'alexnet', { dataset: 'exports/b' })], DEFAULT_RUN_CHOICE)
      .dataset,
    'exports/b',
  );
});

test('workspace rankings: neutral reasons while incomplete, statistics once AlexNet is in', () => {
  const none = workspaceRankings([], REF, DEFAULT_RUN_CHOICE);
  assert.equal(none.rankings, null);
  assert.equal(none.unavailable, 'no training runs yet');
  const noAlex = workspaceRankings([candidate(1, 'vgg19')], REF, DEFAULT_RUN_CHOICE);
  assert.match(noAlex.unavailable!, /no alexnet/);
  assert.equal(noAlex.archs[0].run_id, 1);
  const full = workspaceRankings(
    [candidate(1, 'alexnet'), candidate(2, 'vgg19'), candidate(3, 'resnet152', { status: 'running', top1: null })],
    REF,
    DEFAULT_RUN_CHOICE,
    { resamples: 50 },
  );
  assert.equal(full.unavailable, null);
  assert.equal(full.rankings!.n, 3);
  assert.equal(full.rankings!.n_provisional, 1);
  const resnet = full.archs.find((a) => a.arch === 'resnet152')!;
  assert.deepEqual([resnet.run_id, resnet.provisional, resnet.runs[0].comparable], [3, true, true]);
});
