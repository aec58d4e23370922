// The training step's pieces against torch 1.13 / torchvision 0.14 on fixed tensors: the optimizers of the nine
// recipes (SGD with momentum, RMSprop, AdamW) with torchvision's weight-decay groups and gradient clipping over a few
// steps with a changing lr; cross-entropy with label smoothing on labels and on mixed targets; the lr schedules at
// whole epochs (train.py steps them once per epoch); which parameters are normalization parameters
// (torchvision.ops._utils.split_normalization_params); Mixup/CutMix for given draws and lambda; the weight EMA with
// train.py's adjustment, step interval and warm-up reset; the repeated-augmentation sampler.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ARCHITECTURES, buildModel } from '../../native-workers/core/architectures/index.ts';
import type { TrainingRecipe } from '../../native-workers/core/architectures/types.ts';
import {
  applyUpdate,
  crossEntropyLoss,
  makeOptimizer,
  normWeightNames,
} from '../../native-workers/core/training/step.ts';
import { learningRateAt } from '../../native-workers/core/training/schedule.ts';
import { applyMix, chooseMix, sampleSymmetricBeta } from '../../native-workers/core/training/mix.ts';
import { WeightEma, emaDecayPerUpdate } from '../../native-workers/core/training/ema.ts';
import { repeatedAugmentationOrder } from '../../native-workers/core/training/sampler.ts';
import { explicitRecipe } from '../../native-workers/core/training/hyperparams.ts';
import { mulberry32 } from '../../native-workers/core/stats/bootstrap.ts';
import { recordingRand, torchvisionReference } from '../helpers/torchvision.ts';

const randomArray = (rand: () => number, n: number, scale = 1) =>
  Array.from({ length: n }, () => (rand() * 2 - 1) * scale);

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const tol = rtol * Math.max(1e-3, Math.abs(expected[i]));
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}]: ${actual[i]} vs torch ${expected[i]}`);
  }
}

test('optimizers with weight-decay groups and clipping follow torch.optim over steps with a changing lr', () => {
  const paper = (arch: string) => ARCHITECTURES.find((a) => a.arch === arch)!.recipe;
  const configs: { name: string; recipe: TrainingRecipe }[] = [
    { name: 'SGD momentum (ResNet)', recipe: paper('resnet152') },
    { name: 'SGD momentum, norm wd 0 (EfficientNetV2)', recipe: paper('efficientnet_v2_s') },
    { name: 'RMSprop (MobileNetV3)', recipe: paper('mobilenet_v3_large') },
    { name: 'AdamW, clip 1 (ViT)', recipe: paper('vit_b_16') },
    { name: 'AdamW, norm wd 0 (ConvNeXt)', recipe: paper('convnext_tiny') },
  ];
  const shapes = [
    { name: 'conv/kernel', shape: [2, 3], norm: false },
    { name: 'bn/gamma', shape: [3], norm: true },
    { name: 'conv/bias', shape: [2], norm: false },
  ];
  const lrs = [0.1, 0.05, 0.05, 0.02, 0.01];
  for (const { name, recipe } of configs) {
    const rand = mulberry32(name.length * 977);
    const initial = shapes.map((s) =>
      randomArray(
        rand,
        s.shape.reduce((a, b) => a * b, 1),
      ),
    );
    const grads = lrs.map(() =>
      shapes.map((s) =>
        randomArray(
          rand,
          s.shape.reduce((a, b) => a * b, 1),
          3,
        ),
      ),
    );
    const expected = torchvisionReference<number[][]>('optim', {
      optimizer: recipe.optimizer,
      momentum: recipe.momentum,
      weightDecay: recipe.weightDecay,
      normWeightDecay: recipe.normWeightDecay ?? null,
      eps: recipe.rmspropEps,
      alpha: recipe.rmspropAlpha,
      clipGradNorm: recipe.clipGradNorm ?? null,
      lrs,
      params: shapes.map((s, i) => ({ shape: s.shape, value: initial[i], norm: s.norm })),
      grads,
    });
    const vars = shapes.map((s, i) => tf.variable(tf.tensor(initial[i], s.shape), true, `${name}/${s.name}`));
    const opt = makeOptimizer(recipe, lrs[0]);
    const normNames = new Set(vars.filter((_, i) => shapes[i].norm).map((v) => v.name));
    lrs.forEach((lr, step) => {
      opt.setLearningRate(lr);
      const g: tf.NamedTensorMap = {};
      vars.forEach((v, i) => (g[v.name] = tf.tensor(grads[step][i], shapes[i].shape)));
      applyUpdate(opt, recipe, vars, g, normNames);
      for (const t of Object.values(g)) t.dispose();
    });
    vars.forEach((v, i) => close(v.dataSync(), expected[i], 1e-4, `${name}: ${shapes[i].name}`));
    opt.optimizer.dispose();
    for (const v of vars) v.dispose();
  }
});

test('cross-entropy with label smoothing equals torch CrossEntropyLoss, value and gradient, on labels and mixed targets', () => {
  const rand = mulberry32(5);
  const logits = randomArray(rand, 4 * 5, 4);
  const labels = [0, 3, 4, 3];
  const soft = [0.7, 0, 0, 0.3, 0, 0, 0, 0, 1, 0, 0.5, 0, 0, 0, 0.5, 0, 0, 0.2, 0.8, 0];
  const cases = [0, 0.1, 0.11].flatMap((smoothing) => [
    { logits, labels, smoothing },
    { logits, targets: soft, smoothing },
  ]);
  const expected = torchvisionReference<{ loss: number; grad: number[] }[]>('loss', {
    cases: cases.map((c) => ({
      ...c,
      logits: [0, 1, 2, 3].map((r) => c.logits.slice(r * 5, r * 5 + 5)),
      targets: c.targets && [0, 1, 2, 3].map((r) => c.targets!.slice(r * 5, r * 5 + 5)),
    })),
  });
  cases.forEach((c, k) => {
    const x = tf.tensor2d(c.logits, [4, 5]);
    const t = c.labels ? tf.tensor1d(c.labels, 'int32') : tf.tensor2d(c.targets!, [4, 5]);
    const { value, grad } = tf.valueAndGrad((l: tf.Tensor) => crossEntropyLoss(t, l as tf.Tensor2D, c.smoothing))(x);
    close([value.dataSync()[0]], [expected[k].loss], 1e-5, `case ${k} loss`);
    close(grad.dataSync(), expected[k].grad, 1e-4, `case ${k} gradient`);
    tf.dispose([x, t, value, grad]);
  });
});

test("lr schedules at whole epochs equal train.py's (StepLR / CosineAnnealingLR after LinearLR warm-up, stepped per epoch)", () => {
  const recipes = ARCHITECTURES.flatMap((a) => [a.recipe, a.local.recipe]).map(explicitRecipe);
  const expected = torchvisionReference<number[][]>('schedule', { recipes });
  recipes.forEach((r, k) => {
    const ours = Array.from({ length: r.epochs }, (_, e) => learningRateAt(r, e));
    close(ours, expected[k], 1e-6, `${r.source.slice(0, 60)}`);
    // Per epoch, the lr holds for the whole epoch; per step it moves within it and meets the same values at whole epochs.
    if (r.lrUpdate === 'epoch') assert.equal(learningRateAt(r, 1.5), learningRateAt(r, 1));
  });
});

test("normalization parameters (norm weight decay) are torchvision's split_normalization_params", () => {
  const archs = ['efficientnet_v2_s', 'convnext_tiny', 'mobilenet_v3_large'];
  const expected = torchvisionReference<Record<string, { norm: number; other: number; normTensors: number }>>(
    'normgroups',
    { archs },
  );
  for (const arch of archs) {
    const model = buildModel(arch, { profile: 'paper', numClasses: 1000, seed: 1 });
    try {
      const names = normWeightNames(model);
      let norm = 0;
      let other = 0;
      for (const w of model.trainableWeights) {
        const size = (w.shape as number[]).reduce((a, b) => a * b, 1);
        if (names.has((w.read() as tf.Variable).name)) norm += size;
        else other += size;
      }
      assert.deepEqual({ norm, other, normTensors: names.size }, expected[arch], arch);
    } finally {
      model.dispose();
    }
  }
});

test("Mixup and CutMix: for the same draws and lambda, torchvision's references give the same batch and targets", () => {
  const n = 5;
  const [height, width, channels, classes] = [6, 7, 3, 4];
  const rand = mulberry32(11);
  const data = Float32Array.from(randomArray(rand, n * height * width * channels));
  const labels = [0, 3, 1, 3, 2];
  const cases: {
    mixupAlpha: number;
    cutmixAlpha: number;
    lambda: number;
    draws: number[];
    ours: ReturnType<typeof applyMix>;
  }[] = [];
  for (const [mixupAlpha, cutmixAlpha] of [
    [0.2, 0],
    [0, 1],
    [0.2, 1],
  ]) {
    for (let seed = 0; seed < 8; seed++) {
      const lambda = [0.05, 0.3, 0.5, 0.93][seed % 4];
      const r = recordingRand(seed * 13 + mixupAlpha * 10 + cutmixAlpha);
      const plan = chooseMix(mixupAlpha, cutmixAlpha, height, width, r.rand, () => lambda)!;
      cases.push({
        mixupAlpha,
        cutmixAlpha,
        lambda,
        draws: r.draws,
        ours: applyMix(data, labels, classes, { n, height, width, channels }, plan),
      });
    }
  }
  const expected = torchvisionReference<{ data: number[]; targets: number[]; drawsUsed: number }[]>('mix', {
    cases: cases.map(({ mixupAlpha, cutmixAlpha, lambda, draws }) => ({
      n,
      height,
      width,
      channels,
      classes,
      data: Array.from(data),
      labels,
      mixupAlpha,
      cutmixAlpha,
      lambda,
      draws,
    })),
  });
  const kinds = new Set<string>();
  cases.forEach((c, k) => {
    assert.equal(expected[k].drawsUsed, c.draws.length, `case ${k}: draws`);
    close(c.ours.data, expected[k].data, 1e-6, `case ${k} images`);
    close(c.ours.targets, expected[k].targets, 1e-6, `case ${k} targets`);
    kinds.add(c.ours.data.some((v, i) => v !== data[i] && Math.abs(v - data[i]) > 0) ? 'changed' : 'same');
  });
  assert.ok(kinds.has('changed'));
});

test("Beta(alpha, alpha) draws for lambda have Beta's mean and variance", () => {
  for (const alpha of [0.2, 1]) {
    const xs = Array.from({ length: 20000 }, (_, i) => sampleSymmetricBeta(alpha, i * 7919 + alpha * 1000));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    assert.ok(Math.abs(mean - 0.5) < 0.015, `alpha ${alpha}: mean ${mean}`);
    const expected = 1 / (4 * (2 * alpha + 1));
    assert.ok(Math.abs(variance - expected) < 0.04 * expected, `alpha ${alpha}: variance ${variance} vs ${expected}`);
    assert.ok(xs.every((x) => x >= 0 && x <= 1));
  }
});

test("weight EMA equals the references' ExponentialMovingAverage under train.py's schedule (adjusted decay, every k steps, warm-up resets)", () => {
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 3, inputShape: [4] }), tf.layers.batchNormalization()],
  });
  const weights = model.weights;
  const shapes = weights.map((w) => ({ shape: w.shape as number[], trainable: w.trainable }));
  const rand = mulberry32(3);
  const valuesNow = () =>
    weights.map((w) =>
      randomArray(
        rand,
        w.shape.reduce((a: number, b) => a * (b as number), 1),
      ),
    );
  const initial = valuesNow();
  model.setWeights(initial.map((v, i) => tf.tensor(v, shapes[i].shape)));
  const settings = { decay: 0.9, steps: 2 };
  const [globalBatch, epochs, warmupEpochs] = [16, 40, 1];
  const decay = emaDecayPerUpdate(settings, globalBatch, epochs);
  const ema = new WeightEma(weights, decay, settings.steps, warmupEpochs);
  const trajectory: { epoch: number; batch: number; values: number[][] }[] = [];
  for (let epoch = 0; epoch < 3; epoch++) {
    for (let batch = 0; batch < 5; batch++) {
      const values = valuesNow();
      model.setWeights(values.map((v, i) => tf.tensor(v, shapes[i].shape)));
      ema.afterStep(batch, epoch);
      trajectory.push({ epoch, batch, values });
    }
  }
  const expected = torchvisionReference<{ decay: number; averages: number[][]; updates: number }>('ema', {
    weights: shapes,
    initial,
    trajectory,
    decay: settings.decay,
    steps: settings.steps,
    globalBatch,
    epochs,
    warmupEpochs,
  });
  close([decay], [expected.decay], 1e-12, 'decay per update');
  assert.equal(ema.updates, expected.updates);
  ema.averages.forEach((a, i) => close(a.dataSync(), expected.averages[i], 1e-5, `average of ${weights[i].name}`));
  // swap() puts the averages in the model and back.
  const before = weights.map((w) => Array.from(w.read().dataSync()));
  ema.swap();
  weights.forEach((w, i) => close(w.read().dataSync(), expected.averages[i], 1e-5, `swapped in ${w.name}`));
  ema.swap();
  weights.forEach((w, i) => close(w.read().dataSync(), before[i], 0, `swapped back ${w.name}`));
  ema.dispose();
  model.dispose();
});

test("repeated-augmentation sampler equals the references' RASampler for a given permutation", () => {
  const cases = [
    { n: 600, repetitions: 3, processes: 1, rank: 0 },
    { n: 1000, repetitions: 4, processes: 8, rank: 5 },
    { n: 700, repetitions: 4, processes: 2, rank: 1 },
    { n: 200, repetitions: 4, processes: 1, rank: 0 },
  ].map((c, k) => {
    const rand = mulberry32(k + 1);
    const permutation = Array.from({ length: c.n }, (_, i) => i);
    for (let i = c.n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [permutation[i], permutation[j]] = [permutation[j], permutation[i]];
    }
    return { ...c, permutation };
  });
  const expected = torchvisionReference<number[][]>('rasampler', { cases });
  cases.forEach((c, k) =>
    assert.deepEqual(
      repeatedAugmentationOrder(c.permutation, c.repetitions, c.processes, c.rank),
      expected[k],
      `case ${k}`,
    ),
  );
  assert.equal(
    expected[3].length,
    0,
    'fewer than 256 images: an empty epoch (why the local profile turns the sampler off)',
  );
});
