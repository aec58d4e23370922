// DenseNet-161 (growth 48, blocks (6, 12, 36, 24), 96 initial features, bn_size 4) as torchvision defines it, and
// its local scale.
// Its definition (torchvision's facts, the reference recipe, the local profile, the builder) closes the file.
import * as tf from '@tensorflow/tfjs';
import type { BuildContext } from './context.ts';
import { defineArchitecture } from './definition.ts';
import { TORCHVISION_REFERENCE, TRAIN_PY_DEFAULTS, tunedLocalLr } from './recipes.ts';
import { avgPool, batchNorm, concat, conv2d, globalAvgPool, linear, maxPool, relu, type Init } from './layers.ts';

interface DenseNetConfig {
  growthRate: number;
  blocks: number[];
  initFeatures: number;
  bnSize: number;
  /** Stem conv (then BN, ReLU, 3x3 stride-2 max pool): torchvision 7x7 stride 2; for 32 px images 3x3 stride 1. */
  stem: { kernel: number; stride: number; padding: number };
}

const PAPER: DenseNetConfig = {
  growthRate: 48,
  blocks: [6, 12, 36, 24],
  initFeatures: 96,
  bnSize: 4,
  stem: { kernel: 7, stride: 2, padding: 3 },
};
const LOCAL: DenseNetConfig = {
  growthRate: 12,
  blocks: [3, 3, 3, 3],
  initFeatures: 24,
  bnSize: 4,
  stem: { kernel: 3, stride: 1, padding: 1 },
};

/** torchvision DenseNet init: conv kaiming-normal (fan-in), BN 1/0, classifier bias 0 (weight torch default). */
const kaiming = { kind: 'kaimingNormal', mode: 'fanIn' } as const;

function denseLayer(x: tf.SymbolicTensor, name: string, cfg: DenseNetConfig, init: Init): tf.SymbolicTensor {
  let y = relu(batchNorm(x, `${name}.norm1`, init));
  y = conv2d(y, `${name}.conv1`, { filters: cfg.bnSize * cfg.growthRate, kernel: 1, weight: kaiming }, init);
  y = relu(batchNorm(y, `${name}.norm2`, init));
  y = conv2d(y, `${name}.conv2`, { filters: cfg.growthRate, kernel: 3, padding: 1, weight: kaiming }, init);
  return concat([x, y]);
}

function transition(x: tf.SymbolicTensor, name: string, init: Init): tf.SymbolicTensor {
  const channels = x.shape[3]!;
  let y = relu(batchNorm(x, `${name}.norm`, init));
  y = conv2d(y, `${name}.conv`, { filters: Math.floor(channels / 2), kernel: 1, weight: kaiming }, init);
  return avgPool(y, 2, 2);
}

function buildDenseNet(ctx: BuildContext): tf.LayersModel {
  const cfg = ctx.profile === 'paper' ? PAPER : LOCAL;
  const { init } = ctx;
  const input = tf.input({ shape: [ctx.inputSize, ctx.inputSize, 3], name: 'input' });
  let x = relu(
    batchNorm(
      conv2d(input, 'features.conv0', { filters: cfg.initFeatures, ...cfg.stem, weight: kaiming }, init),
      'features.norm0',
      init,
    ),
  );
  x = maxPool(x, 3, 2, 1);
  cfg.blocks.forEach((count, b) => {
    for (let i = 0; i < count; i++) x = denseLayer(x, `features.denseblock${b + 1}.denselayer${i + 1}`, cfg, init);
    if (b < cfg.blocks.length - 1) x = transition(x, `features.transition${b + 1}`, init);
  });
  x = relu(batchNorm(x, 'features.norm5', init));
  x = linear(globalAvgPool(x), 'classifier', ctx.numClasses, init, { kind: 'torchDefault' }, 'zeros');
  return tf.model({ inputs: input, outputs: x, name: ctx.arch });
}

export const densenet161 = defineArchitecture({
  arch: 'densenet161',
  displayName: 'DenseNet-161',
  family: 'densenet',
  paperInput: 224,
  torchvisionParams: 28_681_000,
  recipe: {
    ...TRAIN_PY_DEFAULTS,
    source: `${TORCHVISION_REFERENCE}: no DenseNet command in the README (weights from pytorch/vision#116); train.py defaults`,
  },
  local: {
    inputSize: 32,
    description:
      'dense blocks (3,3,3,3), growth 12, 24 initial features, bn_size 4, transitions halving channels; stem 3x3 stride-1 conv + the 3x3 stride-2 max pool',
    ...tunedLocalLr(0.05),
  },
  build: buildDenseNet,
});
