// The fused training ops of core/architectures/fused-ops.ts and the TorchBatchNorm layer, on tfjs's cpu backend:
// values and gradients against the plain tf-ops formulations and tfjs-layers' BatchNormalization, torch's running
// statistics computed by hand, torch's gradient convention at the hard-swish/hard-sigmoid kinks, and the dispatch to
// a registered native kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  BATCH_NORM_TRAIN_GRAD_KERNEL,
  BATCH_NORM_TRAIN_KERNEL,
  HARD_SWISH_GRAD_KERNEL,
  HARD_SWISH_KERNEL,
  batchNormTrainFromOps,
  batchNormTrainGradFromOps,
  batchNormTraining,
  hardSigmoid,
  hardSwish,
  hardSwishFromOps,
  hardSwishGradFromOps,
} from '../../native-workers/core/architectures/fused-ops.ts';
import { TorchBatchNorm } from '../../native-workers/core/architectures/layers.ts';

tf.setBackend('cpu');

/** max |a - b| <= tol * (1 + max |b|) */
function assertClose(a: tf.Tensor, b: tf.Tensor, tol: number, what: string): void {
  assert.deepEqual(a.shape, b.shape, `${what}: shape`);
  const [x, y] = [a.dataSync(), b.dataSync()];
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < x.length; i++) {
    worst = Math.max(worst, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(y[i]));
  }
  assert.ok(worst <= tol * (1 + scale), `${what}: max difference ${worst} (values up to ${scale})`);
}

/** Channels with their own offsets and spreads (the mean is large against the spread in some), as activations are. */
function activations(shape: number[], seed: number): tf.Tensor {
  const c = shape[shape.length - 1];
  const offsets = tf.tensor1d(Array.from({ length: c }, (_, i) => (i % 3) * 4 - 2 + i * 0.5));
  const spreads = tf.tensor1d(Array.from({ length: c }, (_, i) => 0.1 + (i % 4) * 0.7));
  return tf.add(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed), spreads), offsets);
}

/** Training-mode batch norm written with plain tf ops (tf.moments), differentiated by tfjs's own gradients. */
function batchNormPlain(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), gamma), beta);
}

for (const shape of [
  [6, 5],
  [2, 3, 4, 5],
]) {
  test(`batchNormTraining on [${shape}]: values, statistics and gradients equal the plain tf-ops formulation`, () => {
    const eps = 1e-3;
    const c = shape[shape.length - 1];
    const x = activations(shape, 1);
    const gamma = tf.randomUniform([c], 0.5, 1.5, 'float32', 2) as tf.Tensor1D;
    const beta = tf.randomNormal([c], 0, 1, 'float32', 3) as tf.Tensor1D;
    // A random cotangent: the gradient of sum(y * w) is the vector-Jacobian product with w.
    const w = tf.randomNormal(shape, 0, 1, 'float32', 4);

    const { y, mean, variance } = batchNormTraining(x, gamma, beta, eps);
    const axes = shape.slice(0, -1).map((_, i) => i);
    const moments = tf.moments(x, axes);
    assertClose(y, batchNormPlain(x, gamma, beta, eps), 1e-5, 'y');
    assertClose(mean, moments.mean, 1e-6, 'mean');
    assertClose(variance, moments.variance, 1e-5, 'variance');

    const loss =
      (f: (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor) => (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(f(a, g, b), w));
    const fused = tf.grads(loss((a, g, b) => batchNormTraining(a, g as tf.Tensor1D, b as tf.Tensor1D, eps).y))([
      x,
      gamma,
      beta,
    ]);
    const plain = tf.grads(loss((a, g, b) => batchNormPlain(a, g, b, eps)))([x, gamma, beta]);
    ['x', 'gamma', 'beta'].forEach((name, i) => assertClose(fused[i], plain[i], 2e-5, `d${name}`));
  });
}

test('batchNormTraining with relu: values and gradients equal relu(batch norm) written with plain tf ops', () => {
  const eps = 1e-5;
  const shape = [2, 3, 4, 5];
  const x = activations(shape, 7);
  const gamma = tf.randomUniform([5], 0.5, 1.5, 'float32', 8) as tf.Tensor1D;
  const beta = tf.randomNormal([5], 0, 1, 'float32', 9) as tf.Tensor1D;
  const w = tf.randomNormal(shape, 0, 1, 'float32', 10);
  const { y } = batchNormTraining(x, gamma, beta, eps, true);
  const plainY = tf.relu(batchNormPlain(x, gamma, beta, eps));
  assertClose(y, plainY, 1e-5, 'y');
  const negatives = tf.sum(tf.cast(tf.equal(y, 0), 'float32')).dataSync()[0];
  assert.ok(negatives > 0 && negatives < y.size, `the ReLU cuts some but not all (${negatives} of ${y.size})`);
  const loss =
    (f: (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor) => (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(f(a, g, b), w));
  const fused = tf.grads(loss((a, g, b) => batchNormTraining(a, g as tf.Tensor1D, b as tf.Tensor1D, eps, true).y))([
    x,
    gamma,
    beta,
  ]);
  const plain = tf.grads(loss((a, g, b) => tf.relu(batchNormPlain(a, g, b, eps))))([x, gamma, beta]);
  ['x', 'gamma', 'beta'].forEach((name, i) => assertClose(fused[i], plain[i], 2e-5, `d${name}`));
});

test('batchNormTraining equals tfjs-layers BatchNormalization in training, value and input gradient', () => {
  const eps = 1e-5;
  const x = activations([3, 4, 4, 6], 5);
  const layer = tf.layers.batchNormalization({
    axis: -1,
    epsilon: eps,
    gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 6 }),
    betaInitializer: tf.initializers.randomNormal({ seed: 7 }),
  });
  layer.apply(x, { training: false }); // build
  const [gamma, beta] = layer.getWeights() as [tf.Tensor1D, tf.Tensor1D];
  const w = tf.randomNormal(x.shape, 0, 1, 'float32', 8);
  assertClose(batchNormTraining(x, gamma, beta, eps).y, layer.apply(x, { training: true }) as tf.Tensor, 1e-5, 'y');
  const viaLayer = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(layer.apply(a, { training: true }) as tf.Tensor, w)))(x);
  const viaFused = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(batchNormTraining(a, gamma, beta, eps).y, w)))(x);
  assertClose(viaFused, viaLayer, 2e-5, 'dx');
});

test('TorchBatchNorm: training output, torch running statistics (unbiased variance) by hand, inference on them', () => {
  const [eps, momentum] = [1e-5, 0.1];
  const layer = new TorchBatchNorm({ epsilon: eps, momentum });
  const batches = [activations([2, 3, 3, 4], 11), activations([2, 3, 3, 4], 12)];
  layer.apply(batches[0], { training: false }); // build
  const [gamma0, beta0] = [tf.randomUniform([4], 0.5, 1.5, 'float32', 13), tf.randomNormal([4], 0, 1, 'float32', 14)];
  layer.setWeights([gamma0, beta0, ...layer.getWeights().slice(2)]);
  assert.deepEqual(
    layer.trainableWeights.map((v) => v.originalName),
    [`${layer.name}/gamma`, `${layer.name}/beta`],
  );
  assert.deepEqual(
    layer.nonTrainableWeights.map((v) => v.originalName),
    [`${layer.name}/moving_mean`, `${layer.name}/moving_variance`],
  );

  // torch: running = (1 - momentum) * running + momentum * batch statistic, from mean 0 and variance 1,
  // with the variance unbiased (divided by n - 1).
  const running = { mean: [0, 0, 0, 0], variance: [1, 1, 1, 1] };
  for (const batch of batches) {
    const y = layer.apply(batch, { training: true }) as tf.Tensor;
    assertClose(y, batchNormPlain(batch, gamma0, beta0, eps), 1e-5, 'training output');
    const rows = batch.reshape([-1, 4]).arraySync() as number[][];
    const n = rows.length;
    for (let ch = 0; ch < 4; ch++) {
      const values = rows.map((r) => r[ch]);
      const mean = values.reduce((a, v) => a + v, 0) / n;
      const unbiased = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
      running.mean[ch] = (1 - momentum) * running.mean[ch] + momentum * mean;
      running.variance[ch] = (1 - momentum) * running.variance[ch] + momentum * unbiased;
    }
  }
  const [, , movingMean, movingVariance] = layer.getWeights();
  assertClose(movingMean, tf.tensor1d(running.mean), 1e-6, 'moving_mean');
  assertClose(movingVariance, tf.tensor1d(running.variance), 1e-6, 'moving_variance');

  // Inference normalizes with the running statistics, and changes nothing.
  const x = batches[0];
  const expected = tf.add(
    tf.mul(tf.div(tf.sub(x, tf.tensor1d(running.mean)), tf.sqrt(tf.add(tf.tensor1d(running.variance), eps))), gamma0),
    beta0,
  );
  assertClose(layer.apply(x) as tf.Tensor, expected, 1e-5, 'inference output');
  assert.deepEqual(
    layer.getWeights()[3].dataSync(),
    movingVariance.dataSync(),
    'inference leaves moving_variance as it was',
  );
});

test('TorchBatchNorm is serializable and its gamma starts at gammaInit', () => {
  const layer = new TorchBatchNorm({ name: 'features.0.1', epsilon: 1e-3, momentum: 0.01, gammaInit: 0 });
  const input = tf.input({ shape: [2, 2, 3] });
  const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
  const config = layer.getConfig();
  assert.equal(config.epsilon, 1e-3);
  assert.equal(config.momentum, 0.01);
  assert.deepEqual(Array.from(layer.getWeights()[0].dataSync()), [0, 0, 0]);
  const json = model.toJSON(undefined, false) as { config: { layers: { class_name: string }[] } };
  assert.ok(json.config.layers.some((l) => l.class_name === 'TorchBatchNorm'));
  model.dispose();
});

test("hardSwish and hardSigmoid: torch's values, and torch's gradients at and between the kinks", () => {
  // A grid over [-5, 5] that contains -3 and 3 exactly.
  const grid = Array.from({ length: 81 }, (_, i) => -5 + i * 0.125);
  assert.ok(grid.includes(-3) && grid.includes(3));
  const x = tf.tensor1d(grid);
  const relu6 = (v: number) => Math.min(6, Math.max(0, v));
  assertClose(hardSwish(x), tf.tensor1d(grid.map((v) => (v * relu6(v + 3)) / 6)), 1e-6, 'hardswish');
  assertClose(hardSigmoid(x), tf.tensor1d(grid.map((v) => relu6(v + 3) / 6)), 1e-6, 'hardsigmoid');

  // torch's hardswish_backward: 0 below -3, (2x + 3)/6 on [-3, 3], 1 above; hardsigmoid_backward: 1/6 on (-3, 3).
  const dy = tf.randomNormal([grid.length], 0, 1, 'float32', 21);
  const dys = dy.dataSync();
  const swishSlope = (v: number) => (v < -3 ? 0 : v <= 3 ? (2 * v + 3) / 6 : 1);
  const sigmoidSlope = (v: number) => (v > -3 && v < 3 ? 1 / 6 : 0);
  const vjp = (f: (t: tf.Tensor) => tf.Tensor) => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(t), dy)))(x);
  assertClose(vjp(hardSwish), tf.tensor1d(grid.map((v, i) => dys[i] * swishSlope(v))), 1e-6, 'hardswish gradient');
  assertClose(
    vjp(hardSigmoid),
    tf.tensor1d(grid.map((v, i) => dys[i] * sigmoidSlope(v))),
    1e-6,
    'hardsigmoid gradient',
  );

  // Away from the kinks, tfjs's own gradient of the plain formula agrees.
  const smooth = tf.tensor1d(grid.filter((v) => Math.abs(Math.abs(v) - 3) > 0.01).map((v) => v + 0.01));
  const w = tf.randomNormal(smooth.shape, 0, 1, 'float32', 22);
  const plainVjp = (f: (t: tf.Tensor) => tf.Tensor) => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(t), w)))(smooth);
  assertClose(
    plainVjp(hardSwish),
    plainVjp((t) => tf.div(tf.mul(t, tf.relu6(tf.add(t, 3))), 6)),
    1e-6,
    'hardswish vs tfjs autograd',
  );
  assertClose(
    plainVjp(hardSigmoid),
    plainVjp((t) => tf.div(tf.relu6(tf.add(t, 3)), 6)),
    1e-6,
    'hardsigmoid vs tfjs autograd',
  );
});

/**
 * Registers a kernel for 'cpu' that computes with `compute` (the op-built reference) and counts its calls; returns
 * the counter and an unregister function.
 */
function countingKernel(
  name: string,
  compute: (inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>) => tf.Tensor | tf.Tensor[],
) {
  const calls = { n: 0 };
  tf.registerKernel({
    kernelName: name,
    backendName: 'cpu',
    kernelFunc: ({ inputs, attrs }) => {
      calls.n++;
      // On the cpu backend kernel inputs are the tensors themselves; the outputs are ordinary tensors.
      return compute(
        inputs as unknown as Record<string, tf.Tensor>,
        attrs as Record<string, unknown>,
      ) as unknown as tf.TensorInfo;
    },
  });
  return { calls, unregister: () => tf.unregisterKernel(name, 'cpu') };
}

test('the ops call a registered native kernel (forward and gradient) instead of their op-built fallback', () => {
  const eps = 1e-3;
  const x = activations([2, 3, 3, 4], 31);
  const gamma = tf.randomUniform([4], 0.5, 1.5, 'float32', 32) as tf.Tensor1D;
  const beta = tf.randomNormal([4], 0, 1, 'float32', 33) as tf.Tensor1D;
  const w = tf.randomNormal(x.shape, 0, 1, 'float32', 34);
  const run = () => {
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.mul(batchNormTraining(xv, gamma, beta, eps).y, w)) as tf.Scalar,
      [xv],
    );
    return [value, grads[xv.name]];
  };
  const xv = tf.variable(x);
  const [lossBefore, dxBefore] = run();

  const forward = countingKernel(BATCH_NORM_TRAIN_KERNEL, ({ x: a, gamma: g, beta: b }, attrs) => {
    assert.equal(attrs.epsilon, eps);
    return batchNormTrainFromOps(a, g as tf.Tensor1D, b as tf.Tensor1D, attrs.epsilon as number);
  });
  const backward = countingKernel(BATCH_NORM_TRAIN_GRAD_KERNEL, ({ dy, x: a, gamma: g, mean, invStd }) =>
    batchNormTrainGradFromOps(dy, a, g as tf.Tensor1D, mean as tf.Tensor1D, invStd as tf.Tensor1D),
  );
  const swish = countingKernel(HARD_SWISH_KERNEL, ({ x: a }) => hardSwishFromOps(a));
  const swishGrad = countingKernel(HARD_SWISH_GRAD_KERNEL, ({ dy, x: a }) => hardSwishGradFromOps(dy, a));
  try {
    const [lossAfter, dxAfter] = run();
    assert.equal(forward.calls.n, 1, 'forward kernel calls');
    assert.equal(backward.calls.n, 1, 'gradient kernel calls');
    assertClose(lossAfter, lossBefore, 1e-6, 'loss');
    assertClose(dxAfter, dxBefore, 1e-6, 'dx');
    // The moving statistics come from the kernel's mean and invStd.
    const { mean, variance } = batchNormTraining(x, gamma, beta, eps);
    assert.equal(forward.calls.n, 2);
    const moments = tf.moments(x, [0, 1, 2]);
    assertClose(mean, moments.mean, 1e-6, 'mean from the kernel');
    assertClose(variance, moments.variance, 1e-5, 'variance from the kernel');

    const dh = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(hardSwish(t), w)))(x);
    assert.equal(swish.calls.n, 1);
    assert.equal(swishGrad.calls.n, 1);
    assertClose(dh, hardSwishGradFromOps(w, x), 1e-6, 'hardswish gradient through the kernel');
  } finally {
    for (const k of [forward, backward, swish, swishGrad]) k.unregister();
  }
  assert.equal(tf.getKernel(BATCH_NORM_TRAIN_KERNEL, 'cpu'), undefined);
  batchNormTraining(x, gamma, beta, eps);
  assert.equal(forward.calls.n, 2, 'unregistered: the op-built path runs again');
});

test('batchNormTraining leaves no tensors behind, in or out of a gradient', () => {
  const x = activations([2, 2, 2, 3], 41);
  const gamma = tf.ones([3]) as tf.Tensor1D;
  const beta = tf.zeros([3]) as tf.Tensor1D;
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    batchNormTraining(x, gamma, beta, 1e-5);
    tf.grads((a: tf.Tensor, g: tf.Tensor) => tf.sum(batchNormTraining(a, g as tf.Tensor1D, beta, 1e-5).y))([x, gamma]);
    hardSwish(x);
    tf.grad((a: tf.Tensor) => tf.sum(hardSwish(a)))(x);
  });
  assert.equal(tf.memory().numTensors, before);
});
