// Rank-preservation statistics against values computed by hand (including ties), and the rankings object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { averageRanks, kendallTauB, ols, pearson, spearman } from '../../native-workers/core/stats/correlation.ts';
import { bootstrapInterval, mulberry32, quantile } from '../../native-workers/core/stats/bootstrap.ts';
import { computeRankings, RankingsError } from '../../native-workers/core/stats/rankings.ts';

const close = (a: number | null, b: number, what: string, tol = 1e-9) => assert.ok(a != null && Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

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
  const stat = (idx: number[]) => pearson(idx.map((i) => xs[i]), idx.map((i) => ys[i]));
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
  assert.throws(() => computeRankings([{ arch: 'vgg19', top1: 50 }], REF), (e: Error) => e instanceof RankingsError && /no alexnet/.test(e.message));
  assert.throws(
    () => computeRankings([{ arch: 'alexnet', top1: 50 }, { arch: 'lenet', top1: 10 }], REF),
    /no reference top-1 for lenet/,
  );
});
