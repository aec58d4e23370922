// The native oneDNN kernels the wasm backend uses when the addon is built (io/tf-engine/native-kernels.ts): every
// convolution kernel against the cpu backend (the shared suite, test/helpers/wasm-kernel-suite.ts), and the fused
// training batch norm and hard-swish kernels against the formulas computed here in double precision.
// Without the addon (no libdnnl-dev) the file is skipped, except in CI, which installs it and must test it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { nativeKernelInfo, nativeKernelsUnavailable } from '../../native-workers/io/tf-engine/native-kernels.ts';
import { assertClose, defineWasmKernelSuite, rand } from '../helpers/wasm-kernel-suite.ts';

const unavailable = nativeKernelsUnavailable();
if (unavailable && process.env.CI !== 'true') {
  test('native oneDNN kernels', { skip: `addon unavailable: ${unavailable}` }, () => {});
} else {
  defineWasmKernelSuite('native');

  // The ISA matrix (native-isa-matrix.test.ts) runs this file under oneDNN caps and forced loop builds: prove they
  // took effect, or the matrix would test the same code three times.
  test('native: oneDNN and the element loops run the instruction sets asked for (ONEDNN_MAX_CPU_ISA, IMAGENOT_NATIVE_LOOPS)', () => {
    const info = nativeKernelInfo()!;
    assert.ok(info.runnableLoops.includes(info.loops), `loops ${info.loops} among ${info.runnableLoops}`);
    assert.equal(info.loops, process.env.IMAGENOT_NATIVE_LOOPS || info.runnableLoops[0]);
    if (process.env.ONEDNN_MAX_CPU_ISA) assert.equal(info.isa, process.env.ONEDNN_MAX_CPU_ISA);
  });

  /** Per-channel mean and 1/sqrt(biased variance + eps) of a [rows, C] array, in double precision. */
  const moments = (x: Float32Array, c: number, eps: number) => {
    const rows = x.length / c;
    const mean = new Float64Array(c);
    const invStd = new Float64Array(c);
    for (let i = 0; i < x.length; i++) mean[i % c] += x[i] / rows;
    for (let i = 0; i < x.length; i++) invStd[i % c] += (x[i] - mean[i % c]) ** 2 / rows;
    for (let j = 0; j < c; j++) invStd[j] = 1 / Math.sqrt(invStd[j] + eps);
    return { mean, invStd };
  };
  const run = (kernel: string, inputs: Record<string, tf.Tensor>, attrs: object = {}) =>
    tf.tidy(() => {
      const out = tf.engine().runKernel(kernel, inputs as never, attrs as never) as tf.Tensor | tf.Tensor[];
      return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync() as Float32Array);
    });

  const bnCases: [number[], boolean][] = [
    [[6, 5], false],
    [[2, 7, 5, 3], false],
    [[4, 3, 3, 16], false],
    [[2, 7, 5, 3], true],
    [[4, 3, 3, 16], true],
  ];
  for (const [shape, relu] of bnCases) {
    test(`native: ImagenotBatchNormTrain and its gradient on ${JSON.stringify(shape)}${relu ? ' fused with ReLU' : ''} equal the formulas`, async () => {
      await tf.setBackend('wasm');
      const c = shape[shape.length - 1];
      const rows = shape.reduce((a, b) => a * b, 1) / c;
      const eps = 1e-3;
      const x = rand(shape).map((v, i) => v * (1 + (i % c)) + (i % c)); // channels with different scales and means
      const gamma = rand([c]);
      const beta = rand([c]);
      const dy = rand(shape);
      const { mean, invStd } = moments(x, c, eps);

      const [y, gotMean, gotInvStd] = run(
        'ImagenotBatchNormTrain',
        { x: tf.tensor(x, shape), gamma: tf.tensor(gamma), beta: tf.tensor(beta) },
        { epsilon: eps, relu: relu ? 1 : 0 },
      );
      assertClose(gotMean, Float32Array.from(mean), 'mean');
      assertClose(gotInvStd, Float32Array.from(invStd), 'invStd');
      const affine = x.map((v, i) => (v - mean[i % c]) * invStd[i % c] * gamma[i % c] + beta[i % c]);
      assertClose(y, relu ? affine.map((v) => Math.max(0, v)) : affine, 'y');
      if (relu) assert.ok(affine.some((v) => v < 0) && affine.some((v) => v > 0), 'the ReLU cuts somewhere');
      // With the ReLU, dy passes only where the output is positive; the rest is the plain batch-norm gradient.
      const passed = relu ? dy.map((g, i) => (affine[i] > 0 ? g : 0)) : dy;

      // dbeta = sum dy; dgamma = sum dy*xhat; dx = gamma*invStd/N * (N*dy - dbeta - xhat*dgamma)
      const xhat = x.map((v, i) => (v - mean[i % c]) * invStd[i % c]);
      const dbeta = new Float64Array(c);
      const dgamma = new Float64Array(c);
      passed.forEach((g, i) => {
        dbeta[i % c] += g;
        dgamma[i % c] += g * xhat[i];
      });
      const wantDx = passed.map(
        (g, i) => ((gamma[i % c] * invStd[i % c]) / rows) * (rows * g - dbeta[i % c] - xhat[i] * dgamma[i % c]),
      );
      const [dx, gotDgamma, gotDbeta] = run(
        'ImagenotBatchNormTrainGrad',
        {
          dy: tf.tensor(dy, shape),
          x: tf.tensor(x, shape),
          gamma: tf.tensor(gamma),
          mean: tf.tensor(gotMean),
          invStd: tf.tensor(gotInvStd),
          ...(relu ? { y: tf.tensor(y, shape) } : {}),
        },
        { relu: relu ? 1 : 0 },
      );
      assertClose(dx, wantDx, 'dx');
      assertClose(gotDgamma, Float32Array.from(dgamma), 'dgamma');
      assertClose(gotDbeta, Float32Array.from(dbeta), 'dbeta');
    });
  }

  test('native: ImagenotHardSwish and its gradient follow torch (kinks included)', async () => {
    await tf.setBackend('wasm');
    const x = Float32Array.from([-5, -3, -2.5, -1, 0, 0.5, 2.9, 3, 3.5, 10, ...rand([200]).map((v) => v * 12)]);
    const dy = rand([x.length]).map((v) => v + 1);
    const [y] = run('ImagenotHardSwish', { x: tf.tensor(x) });
    assertClose(
      y,
      x.map((v) => (v * Math.min(Math.max(v + 3, 0), 6)) / 6),
      'hardswish',
    );
    const [dx] = run('ImagenotHardSwishGrad', { dy: tf.tensor(dy), x: tf.tensor(x) });
    // torch's hardswish_backward: 0 for x < -3, dy for x > 3, dy*(2x+3)/6 in between (both ends inclusive).
    assertClose(
      dx,
      x.map((v, i) => (v < -3 ? 0 : v <= 3 ? (dy[i] * (2 * v + 3)) / 6 : dy[i])),
      'hardswish grad',
    );
    assert.ok(Math.abs(dx[1] - dy[1] * -0.5) < 1e-6 && dx[1] !== 0, `at x = -3 the middle branch applies (${dx[1]})`);
  });
}

if (!unavailable || process.env.CI === 'true') {
  test('native: FusedMomentumOptimizer (one kernel per weight) equals tfjs MomentumOptimizer on the cpu backend, nesterov too', async () => {
    const { FusedMomentumOptimizer, MOMENTUM_UPDATE_KERNEL } = await import(
      '../../native-workers/core/training/fused-momentum.ts'
    );
    assert.ok(
      tf.getKernel(MOMENTUM_UPDATE_KERNEL, 'wasm'),
      'the native update kernel is registered, so it is what runs',
    );
    for (const nesterov of [false, true]) {
      const shapes = [[3, 4], [5], [2, 2, 3]];
      const start = shapes.map((s) => rand(s));
      const grads = [0, 1, 2].map(() => shapes.map((s) => rand(s)));
      const run = async (backend: 'cpu' | 'wasm') => {
        await tf.setBackend(backend);
        const vars = shapes.map((s, i) => tf.variable(tf.tensor(start[i], s), true, `w${backend}${nesterov}${i}`));
        const opt =
          backend === 'wasm' ? new FusedMomentumOptimizer(0.1, 0.9, nesterov) : tf.train.momentum(0.1, 0.9, nesterov);
        for (const [step, g] of grads.entries()) {
          if (step === 2) opt.setLearningRate(0.05); // the schedule changes the rate between steps
          opt.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: tf.tensor(g[i], shapes[i]) })));
        }
        const slots = (await opt.getWeights()).map((w) => ({
          name: w.name.replace(backend, ''),
          data: w.tensor.dataSync() as Float32Array,
        }));
        const values = vars.map((v) => v.dataSync() as Float32Array);
        vars.forEach((v) => v.dispose());
        opt.dispose();
        return { slots, values };
      };
      const want = await run('cpu');
      const got = await run('wasm');
      assert.deepEqual(
        got.slots.map((s) => s.name),
        want.slots.map((s) => s.name),
        'the same slots, same names',
      );
      got.slots.forEach((s, i) => assertClose(s.data, want.slots[i].data, `slot ${s.name}`));
      got.values.forEach((v, i) => assertClose(v, want.values[i], `weight ${i} nesterov=${nesterov}`));
    }
  });
}

if (!unavailable || process.env.CI === 'true') {
  test('native: the batch-norm moving statistics kernel equals movingStatsUpdate computed with tf ops on the cpu backend', async () => {
    const { movingStatsUpdate, MOVING_STATS_KERNEL } = await import(
      '../../native-workers/core/architectures/fused-ops.ts'
    );
    assert.ok(tf.getKernel(MOVING_STATS_KERNEL, 'wasm'), 'the native kernel is registered, so it is what runs on wasm');
    const c = 37;
    const data = [rand([c]), rand([c]).map((v) => v + 1), rand([c]), rand([c]).map((v) => v + 2)];
    const o = { momentum: 0.1, epsilon: 1e-3, unbias: 12 / 11 };
    const run = async (backend: 'cpu' | 'wasm') => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const [mm, mv, mean, invStd] = data.map((d) => tf.tensor1d(d));
        return movingStatsUpdate({ mean: mm, variance: mv }, { mean, invStd }, o).map(
          (t) => t.dataSync() as Float32Array,
        );
      });
    };
    const want = await run('cpu');
    const got = await run('wasm');
    assertClose(got[0], want[0], 'moving mean');
    assertClose(got[1], want[1], 'moving variance');
    // And by hand for one channel: torch's running_var update with the unbiased batch variance.
    const v0 = 1 / data[3][0] ** 2 - o.epsilon;
    assert.ok(Math.abs(got[1][0] - (0.9 * data[1][0] + 0.1 * o.unbias * v0)) < 1e-5);
  });
}
