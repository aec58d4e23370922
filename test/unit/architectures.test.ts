// The nine architectures: torchvision's parameter counts at full size (from the real models), the catalogue, the
// custom layers against hand-computed values, and for every local-profile model a forward pass, a training step and a
// save/load round trip, all on tfjs's cpu backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  ARCHITECTURES,
  ARCH_NAMES,
  buildModel,
  countTrainableParams,
  paramCount,
} from '../../native-workers/core/architectures/index.ts';
import {
  AdaptiveAvgPool2d,
  HardSwish,
  MultiHeadSelfAttention,
  SeededDropout,
  StochasticDepth,
} from '../../native-workers/core/architectures/layers.ts';
import { architectureInfo } from '../../native-workers/core/architectures/registry.ts';
import { SeedSequence } from '../../native-workers/core/architectures/random.ts';
import { makeOptimizer, trainStep } from '../../native-workers/core/training/step.ts';
import { runCli, sharedDir } from '../helpers/workspace.ts';

/** The reference: torchvision 0.14 weight metadata (Inception V3 counted with its auxiliary classifier). */
function torchvisionReference(): { arch: string; params: number; top1: number }[] {
  const [header, ...rows] = readFileSync(join(sharedDir, 'reference', 'torchvision-imagenet.csv'), 'utf8')
    .trim()
    .split('\n');
  const cols = header.split(',');
  return rows.map((r) => {
    const cells = r.split(',');
    const get = (name: string) => cells[cols.indexOf(name)];
    return { arch: get('arch'), params: Number(get('params')), top1: Number(get('imagenet_top1')) };
  });
}
/** ../shared/README.md: "Inception V3 counted with its auxiliary classifier: 23,834,568 without it". */
const INCEPTION_V3_WITHOUT_AUX = 23_834_568;

tf.setBackend('cpu');

test("full-size models have exactly torchvision's parameter counts (1000 classes)", () => {
  const reference = torchvisionReference();
  assert.equal(reference.length, 9);
  for (const { arch, params } of reference) {
    assert.equal(paramCount(arch, { auxLogits: arch === 'inception_v3' }), params, arch);
  }
  assert.equal(paramCount('inception_v3'), INCEPTION_V3_WITHOUT_AUX);
});

test('paramCount counts trainable weights only: BatchNorm moving statistics are not parameters', () => {
  const model = buildModel('resnet152', { profile: 'local', numClasses: 10, seed: 1 });
  try {
    const movingStats = model.nonTrainableWeights.reduce(
      (n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1),
      0,
    );
    assert.ok(movingStats > 0);
    assert.equal(countTrainableParams(model), model.countParams() - movingStats);
    assert.equal(paramCount('resnet152', { profile: 'local', numClasses: 10 }), countTrainableParams(model));
  } finally {
    model.dispose();
  }
});

test('the catalogue lists the nine torchvision architectures with recipes and local settings', () => {
  const reference = torchvisionReference();
  assert.deepEqual(
    ARCHITECTURES.map((a) => a.arch),
    reference.map((r) => r.arch),
  );
  assert.deepEqual(
    [...ARCH_NAMES],
    reference.map((r) => r.arch),
  );
  for (const a of ARCHITECTURES) {
    assert.equal(a.torchvisionParams, reference.find((r) => r.arch === a.arch)!.params, a.arch);
    assert.equal(a.paperInput, a.arch === 'inception_v3' ? 299 : 224);
    for (const r of [a.recipe, a.local.recipe]) {
      assert.ok(r.lr > 0 && r.batchSize > 0 && r.epochs > 0 && r.weightDecay >= 0, `${a.arch} recipe`);
      assert.ok(['sgd', 'rmsprop', 'adamw'].includes(r.optimizer));
      assert.ok(r.source.length > 0);
    }
    assert.ok(a.local.inputSize <= 64 && a.local.description.length > 0);
  }
  // Spot checks against the torchvision README commands.
  const recipe = (arch: string) => ARCHITECTURES.find((a) => a.arch === arch)!.recipe;
  assert.equal(recipe('alexnet').lr, 0.01);
  assert.equal(recipe('resnet152').lr, 0.1);
  assert.deepEqual(recipe('resnet152').schedule, { kind: 'step', stepSize: 30, gamma: 0.1 });
  assert.equal(recipe('mobilenet_v3_large').optimizer, 'rmsprop');
  assert.equal(recipe('vit_b_16').optimizer, 'adamw');
  assert.equal(recipe('vit_b_16').labelSmoothing, 0.11);
  assert.equal(recipe('convnext_tiny').weightDecay, 0.05);
});

test('unknown architectures, profiles and options are refused with a clear message', () => {
  assert.throws(() => buildModel('resnet50'), /unknown architecture 'resnet50'/);
  assert.throws(() => buildModel('alexnet', { profile: 'huge' as 'paper' }), /unknown profile 'huge'/);
  assert.throws(() => buildModel('alexnet', { auxLogits: true }), /only for inception_v3/);
  assert.throws(() => buildModel('vit_b_16', { inputSize: 100 }), /not divisible by the patch size 16/);
  // VGG-19's five 2x2 pools need at least 32 px: the fifth would produce an empty map at 16 px.
  assert.throws(
    () => buildModel('vgg19', { profile: 'local', inputSize: 16 }),
    /vgg19 \(local profile\) cannot be built for 16 px input: .*empty output/,
  );
});

test('the seed makes the initial weights reproducible', () => {
  const weights = (seed: number) => {
    const m = buildModel('efficientnet_v2_s', { profile: 'local', numClasses: 10, seed });
    const values = m.trainableWeights.map((w) => Array.from(w.read().dataSync()));
    m.dispose();
    return values;
  };
  const [a, b, c] = [weights(5), weights(5), weights(6)];
  assert.deepEqual(a, b);
  const differing = a.filter((w, i) => w.some((v, j) => v !== c[i][j])).length;
  assert.ok(differing > a.length / 3, `${differing} of ${a.length} weights differ between seeds 5 and 6`);
});

test("AdaptiveAvgPool2d averages torch's overlapping bins", () => {
  // rows [1, 2, 4] -> 2 bins: rows [0, 2) and [1, 3): (1+2)/2, (2+4)/2
  const down = new AdaptiveAvgPool2d({ outputSize: [2, 1] }).apply(tf.tensor4d([1, 2, 4], [1, 3, 1, 1])) as tf.Tensor;
  assert.deepEqual(Array.from(down.dataSync()), [1.5, 3]);
  // a 1x1 map copied into every cell of a 2x2 grid
  const up = new AdaptiveAvgPool2d({ outputSize: 2 }).apply(tf.tensor4d([7, -1], [1, 1, 1, 2])) as tf.Tensor;
  assert.deepEqual(up.shape, [1, 2, 2, 2]);
  assert.deepEqual(Array.from(up.dataSync()), [7, -1, 7, -1, 7, -1, 7, -1]);
  // divisible: plain 2x2 average pooling
  const even = new AdaptiveAvgPool2d({ outputSize: 1 }).apply(tf.tensor4d([1, 2, 3, 6], [1, 2, 2, 1])) as tf.Tensor;
  assert.deepEqual(Array.from(even.dataSync()), [3]);
});

test("HardSwish is torch's x * relu6(x + 3) / 6", () => {
  const y = new HardSwish({}).apply(tf.tensor1d([-4, -3, -1, 0, 1, 3, 4])) as tf.Tensor;
  const expected = [0, 0, -1 / 3, 0, 2 / 3, 3, 4];
  Array.from(y.dataSync()).forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-6, `${v} vs ${expected[i]}`));
});

test('StochasticDepth drops whole samples in training, scaling survivors, and is the identity at inference', () => {
  const layer = new StochasticDepth({ rate: 0.5 });
  const x = tf.ones([200, 2, 2, 3]);
  const train = (layer.apply(x, { training: true }) as tf.Tensor).reshape([200, 12]).arraySync() as number[][];
  for (const row of train) assert.ok(row.every((v) => v === 0) || row.every((v) => v === 2), `row ${row}`);
  const dropped = train.filter((r) => r[0] === 0).length;
  assert.ok(dropped > 60 && dropped < 140, `dropped ${dropped} of 200 at rate 0.5`);
  assert.deepEqual((layer.apply(x) as tf.Tensor).dataSync(), x.dataSync());
});

test('SeededDropout zeroes elements at its rate, scales survivors, draws its mask from the noise seed, and is the identity at inference', () => {
  const layer = new SeededDropout({ rate: 0.25 });
  const x = tf.ones([100, 40]);
  const draw = (seed: number) =>
    Array.from((layer.apply(x, { training: true, noise: new SeedSequence(seed) }) as tf.Tensor).dataSync());
  const first = draw(3);
  assert.ok(
    first.every((v) => v === 0 || Math.abs(v - 4 / 3) < 1e-6),
    'survivors scaled by 1/(1-rate)',
  );
  const dropped = first.filter((v) => v === 0).length;
  assert.ok(dropped > 850 && dropped < 1150, `dropped ${dropped} of 4000 at rate 0.25`);
  assert.deepEqual(draw(3), first, 'the same noise seed draws the same mask');
  assert.notDeepEqual(draw(4), first, 'another seed draws another mask');
  assert.deepEqual((layer.apply(x) as tf.Tensor).dataSync(), x.dataSync());
});

test('a training step is a function of its noise seed: dropout and stochastic depth repeat for the same seed', () => {
  // EfficientNetV2-S (local) has both: dropout before its classifier and stochastic depth on its residual blocks.
  const arch = 'efficientnet_v2_s';
  const recipe = { ...architectureInfo(arch).recipe, optimizer: 'sgd' as const, clipGradNorm: null };
  const x = tf.randomNormal([4, 16, 16, 3], 0, 1, 'float32', 9) as tf.Tensor4D;
  const y = tf.tensor1d([1, 6, 3, 8], 'int32');
  const stepped = (noiseSeed: number) => {
    const model = buildModel(arch, { profile: 'local', numClasses: 10, inputSize: 16, seed: 7 });
    const { loss } = trainStep(model, makeOptimizer(recipe, 0.05), recipe, x, y, noiseSeed);
    const weights = model.trainableWeights.map((w) => Array.from(w.read().dataSync()));
    model.dispose();
    return { loss, weights };
  };
  const [a, again, other] = [stepped(11), stepped(11), stepped(12)];
  assert.equal(again.loss, a.loss);
  assert.deepEqual(again.weights, a.weights, 'the same seed gives the same weights after the step');
  assert.notEqual(other.loss, a.loss, 'another seed draws other masks');
  tf.dispose([x, y]);
});

test('MultiHeadSelfAttention equals per-head softmax(QK^T/sqrt(d))V computed by hand', () => {
  const [b, n, d, heads] = [2, 3, 4, 2];
  const layer = new MultiHeadSelfAttention({ numHeads: heads, seed: 11 });
  const x = tf.randomNormal([b, n, d], 0, 1, 'float32', 5);
  const y = (layer.apply(x) as tf.Tensor).arraySync() as number[][][];
  const [wIn, bIn, wOut, bOut] = layer.getWeights().map((w) => w.arraySync()) as [
    number[][],
    number[],
    number[][],
    number[],
  ];
  const xs = x.arraySync() as number[][][];
  const hd = d / heads;
  const dense = (v: number[], w: number[][], bias: number[]) =>
    bias.map((b0, j) => b0 + v.reduce((s, vi, i) => s + vi * w[i][j], 0));
  for (let s = 0; s < b; s++) {
    const qkv = xs[s].map((tok) => dense(tok, wIn, bIn));
    const merged = xs[s].map(() => new Array<number>(d).fill(0));
    for (let h = 0; h < heads; h++) {
      const q = qkv.map((r) => r.slice(h * hd, (h + 1) * hd));
      const k = qkv.map((r) => r.slice(d + h * hd, d + (h + 1) * hd));
      const v = qkv.map((r) => r.slice(2 * d + h * hd, 2 * d + (h + 1) * hd));
      for (let i = 0; i < n; i++) {
        const scores = k.map((kj) => kj.reduce((acc, kv, t) => acc + kv * q[i][t], 0) / Math.sqrt(hd));
        const max = Math.max(...scores);
        const e = scores.map((z) => Math.exp(z - max));
        const sum = e.reduce((a, c) => a + c, 0);
        for (let t = 0; t < hd; t++) merged[i][h * hd + t] = e.reduce((acc, ej, j) => acc + (ej / sum) * v[j][t], 0);
      }
    }
    merged.forEach((row, i) =>
      dense(row, wOut, bOut).forEach((want, j) =>
        assert.ok(Math.abs(y[s][i][j] - want) < 1e-5, `${y[s][i][j]} vs ${want}`),
      ),
    );
  }
});

/**
 * Local models on tiny inputs: 16 px, batch 2 — VGG-19 needs 32 px for its five pools, and gets one image (it has no
 * batch norm) because the cpu backend's filter gradient is slow.
 */
const tinyInput = (arch: string) => (arch === 'vgg19' ? 32 : 16);
const tinyBatch = (arch: string) => (arch === 'vgg19' ? 1 : 2);

for (const { arch, local } of ARCHITECTURES) {
  test(`${arch} (local profile): forward shape, one training step, save/load round trip`, async (t) => {
    const size = tinyInput(arch);
    const model = buildModel(arch, { profile: 'local', numClasses: 10, inputSize: size, seed: 7 });
    try {
      assert.deepEqual(model.inputs[0].shape, [null, size, size, 3]);
      assert.equal(
        countTrainableParams(model),
        paramCount(arch, { profile: 'local', numClasses: 10, inputSize: size }),
      );
      const batch = tinyBatch(arch);
      const x = tf.randomNormal([batch, size, size, 3], 0, 1, 'float32', 3);
      const labels = tf.oneHot(tf.tensor1d([1, 6].slice(0, batch), 'int32'), 10);
      const logits = model.predict(x) as tf.Tensor;
      assert.deepEqual(logits.shape, [batch, 10]);
      assert.ok(Array.from(logits.dataSync()).every(Number.isFinite));

      // model.save -> tf.loadLayersModel with every custom layer deserialized: the same weights and the same
      // penultimate features (the logits alone say little: ViT's head starts at zero, as in torchvision).
      let artifacts: tf.io.ModelArtifacts | undefined;
      await model.save(
        tf.io.withSaveHandler(
          async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }),
        ),
      );
      const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
      const features = (m: tf.LayersModel) =>
        tf
          .model({ inputs: m.inputs, outputs: m.layers[m.layers.length - 1].input as tf.SymbolicTensor })
          .predict(x) as tf.Tensor;
      const [mine, theirs] = [features(model), features(loaded)];
      assert.ok(Array.from(mine.dataSync()).every(Number.isFinite));
      const scale = 1 + tf.max(tf.abs(mine)).dataSync()[0];
      assert.ok(
        tf.max(tf.abs(tf.sub(mine, theirs))).dataSync()[0] <= 1e-5 * scale,
        'reloaded model computes the same features',
      );
      loaded.dispose();

      // One training step. (Only its finiteness is asserted: with batch 2 on maps down to 1x1, batch norm divides by
      // tiny per-channel batch deviations, so the first gradients are large, as they would be in torch.)
      const before = model.trainableWeights.map((w) => w.read().clone());
      const optimizer = tf.train.sgd(1e-3);
      const started = performance.now();
      const { value, grads } = tf.variableGrads(
        () => tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
      );
      optimizer.applyGradients(grads);
      const loss = value.dataSync()[0];
      t.diagnostic(
        `${arch}: ${countTrainableParams(model)} params at ${size} px, one training step (batch ${batch}, cpu) ${(performance.now() - started).toFixed(0)} ms, loss ${loss.toFixed(3)}`,
      );
      assert.ok(Number.isFinite(loss) && loss > 0, `loss ${loss}`);
      assert.equal(Object.keys(grads).length, model.trainableWeights.length, 'every trainable weight gets a gradient');
      for (const [name, g] of Object.entries(grads))
        assert.ok(Array.from(g.dataSync()).every(Number.isFinite), `gradient of ${name}`);
      const changed = model.trainableWeights.filter(
        (w, i) => tf.any(tf.notEqual(w.read(), before[i])).dataSync()[0],
      ).length;
      // ViT's head starts at zero (as in torchvision), so the first step only reaches the head.
      assert.ok(
        arch === 'vit_b_16' ? changed >= 2 : changed > model.trainableWeights.length / 2,
        `${changed} of ${model.trainableWeights.length} weights changed`,
      );
      tf.dispose([x, labels, logits, value, mine, theirs, ...before, ...Object.values(grads)]);
    } finally {
      model.dispose();
    }
    assert.ok(local.inputSize >= size);
  });
}

test('imagenot arch params --json prints the nine torchvision counts', () => {
  const r = runCli(['arch', 'params', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const counts = JSON.parse(r.stdout) as Record<string, number>;
  for (const { arch, params } of torchvisionReference()) assert.equal(counts[arch], params, arch);
  assert.equal(counts.inception_v3_without_aux, INCEPTION_V3_WITHOUT_AUX);
  const list = runCli(['arch', 'list', '--json']);
  assert.equal(list.code, 0, list.stderr);
  const catalogue = JSON.parse(list.stdout) as { arch: string; localParams: number }[];
  assert.deepEqual(
    catalogue.map((a) => a.arch),
    [...ARCH_NAMES],
  );
  assert.ok(catalogue.every((a) => a.localParams > 0 && a.localParams < 2_000_000));
  assert.equal(runCli(['arch', 'params', '--profile', 'huge']).code, 2);
});
