// ResNet-152 (bottleneck blocks [3, 8, 36, 3], stride on the 3x3 conv: "ResNet v1.5") as torchvision defines it,
// and its local scale.
// Its definition (torchvision's facts, the reference recipe, the local profile, the builder) closes the file.
import * as tf from '@tensorflow/tfjs';
import type { BuildContext } from './context.ts';
import { defineArchitecture } from './definition.ts';
import { TORCHVISION_REFERENCE, TRAIN_PY_DEFAULTS, tunedLocalLr } from './recipes.ts';
import { add, batchNorm, conv2d, globalAvgPool, linear, maxPool, relu, type Init } from './layers.ts';

interface ResNetConfig {
  blocks: [number, number, number, number];
  /** Planes of the first stage (64 in torchvision); stages double it; bottleneck output = 4 x planes. */
  baseWidth: number;
  /** Stem conv (then BN, ReLU, 3x3 stride-2 max pool): torchvision 7x7 stride 2; for 32 px images 3x3 stride 1. */
  stem: { kernel: number; stride: number; padding: number };
}

const PAPER: ResNetConfig = { blocks: [3, 8, 36, 3], baseWidth: 64, stem: { kernel: 7, stride: 2, padding: 3 } };
const LOCAL: ResNetConfig = { blocks: [2, 2, 2, 2], baseWidth: 8, stem: { kernel: 3, stride: 1, padding: 1 } };
const EXPANSION = 4;

const kaiming = { kind: 'kaimingNormal', mode: 'fanOut' } as const;

/** conv -> BN (-> ReLU, in the BN layer's op when `relu`). */
function convBn(
  x: tf.SymbolicTensor,
  name: string,
  bn: string,
  filters: number,
  kernel: number,
  stride: number,
  init: Init,
  relu = false,
): tf.SymbolicTensor {
  const y = conv2d(x, name, { filters, kernel, stride, padding: (kernel - 1) / 2, weight: kaiming }, init);
  return batchNorm(y, bn, init, { relu });
}

function bottleneck(x: tf.SymbolicTensor, name: string, planes: number, stride: number, init: Init): tf.SymbolicTensor {
  const inChannels = x.shape[3]!;
  let y = convBn(x, `${name}.conv1`, `${name}.bn1`, planes, 1, 1, init, true);
  y = convBn(y, `${name}.conv2`, `${name}.bn2`, planes, 3, stride, init, true);
  y = convBn(y, `${name}.conv3`, `${name}.bn3`, planes * EXPANSION, 1, 1, init);
  const shortcut =
    stride !== 1 || inChannels !== planes * EXPANSION
      ? convBn(x, `${name}.downsample.0`, `${name}.downsample.1`, planes * EXPANSION, 1, stride, init)
      : x;
  return relu(add([y, shortcut]));
}

/** torchvision ResNet init: conv kaiming-normal fan-out, BN 1/0 (zero_init_residual=False), fc torch default. */
function buildResNet(ctx: BuildContext): tf.LayersModel {
  const cfg = ctx.profile === 'paper' ? PAPER : LOCAL;
  const { init } = ctx;
  const input = tf.input({ shape: [ctx.inputSize, ctx.inputSize, 3], name: 'input' });
  let x = batchNorm(
    conv2d(input, 'conv1', { filters: cfg.baseWidth, ...cfg.stem, weight: kaiming }, init),
    'bn1',
    init,
    { relu: true },
  );
  x = maxPool(x, 3, 2, 1);
  cfg.blocks.forEach((count, stage) => {
    const planes = cfg.baseWidth * 2 ** stage;
    for (let i = 0; i < count; i++)
      x = bottleneck(x, `layer${stage + 1}.${i}`, planes, i === 0 && stage > 0 ? 2 : 1, init);
  });
  x = linear(globalAvgPool(x), 'fc', ctx.numClasses, init, { kind: 'torchDefault' });
  return tf.model({ inputs: input, outputs: x, name: ctx.arch });
}

export const resnet152 = defineArchitecture({
  arch: 'resnet152',
  displayName: 'ResNet-152',
  family: 'resnet',
  paperInput: 224,
  torchvisionParams: 60_192_808,
  recipe: { ...TRAIN_PY_DEFAULTS, source: `${TORCHVISION_REFERENCE}: "ResNet": --model resnet152 (train.py defaults)` },
  local: {
    inputSize: 32,
    description:
      'bottleneck blocks [2,2,2,2] at base width 8 (outputs 32-64-128-256); stem 3x3 stride-1 conv + the 3x3 stride-2 max pool (16x16 maps)',
    ...tunedLocalLr(0.05),
  },
  build: buildResNet,
});
