// EfficientNetV2-S as torchvision defines it (fused-MBConv then MBConv with squeeze-excite, SiLU, stochastic depth),
// and its local scale.
// Its definition (torchvision's facts, the reference recipe, the local profile, the builder) closes the file.
import * as tf from '@tensorflow/tfjs';
import type { BuildContext } from './context.ts';
import { defineArchitecture } from './definition.ts';
import { EMA_WHY, LOCAL_LR_WHY, MODERN, REGULARISE_WHY, TORCHVISION_REFERENCE } from './recipes.ts';
import {
  convBnAct,
  dropout,
  globalAvgPool,
  linear,
  makeDivisible,
  residual,
  SqueezeExcite,
  type Init,
} from './layers.ts';

/** torchvision's FusedMBConvConfig / MBConvConfig: expand ratio, kernel, stride, input, output, layers. */
interface StageConfig {
  block: 'fused' | 'mbconv';
  expand: number;
  kernel: number;
  stride: number;
  input: number;
  output: number;
  layers: number;
}

interface EfficientNetV2Config {
  stages: StageConfig[];
  lastChannel: number;
  dropout: number;
  stochasticDepth: number;
}

const stage = (
  block: StageConfig['block'],
  expand: number,
  kernel: number,
  stride: number,
  input: number,
  output: number,
  layers: number,
): StageConfig => ({
  block,
  expand,
  kernel,
  stride,
  input,
  output,
  layers,
});

const PAPER: EfficientNetV2Config = {
  stages: [
    stage('fused', 1, 3, 1, 24, 24, 2),
    stage('fused', 4, 3, 2, 24, 48, 4),
    stage('fused', 4, 3, 2, 48, 64, 4),
    stage('mbconv', 4, 3, 2, 64, 128, 6),
    stage('mbconv', 6, 3, 1, 128, 160, 9),
    stage('mbconv', 6, 3, 2, 160, 256, 15),
  ],
  lastChannel: 1280,
  dropout: 0.2,
  stochasticDepth: 0.2,
};

const LOCAL: EfficientNetV2Config = {
  stages: [
    stage('fused', 1, 3, 1, 16, 16, 1),
    stage('fused', 4, 3, 2, 16, 32, 2),
    stage('fused', 4, 3, 2, 32, 48, 2),
    stage('mbconv', 4, 3, 2, 48, 64, 2),
    stage('mbconv', 6, 3, 1, 64, 80, 2),
    stage('mbconv', 6, 3, 2, 80, 128, 2),
  ],
  lastChannel: 512,
  dropout: 0.2,
  stochasticDepth: 0.2,
};

/** torchvision EfficientNet init: conv kaiming-normal fan-out, bias 0; BN 1/0 (eps 1e-3); linear U(+-1/sqrt(out)), bias 0. */
const kaiming = { kind: 'kaimingNormal', mode: 'fanOut' } as const;
const BN = { eps: 1e-3 };

function fusedMBConv(
  x: tf.SymbolicTensor,
  name: string,
  s: StageConfig,
  stride: number,
  sd: number,
  init: Init,
): tf.SymbolicTensor {
  const inChannels = x.shape[3]!;
  const expanded = inChannels * s.expand;
  const pad = (s.kernel - 1) / 2;
  let y: tf.SymbolicTensor;
  if (expanded !== inChannels) {
    y = convBnAct(
      x,
      `${name}.block.0`,
      { filters: expanded, kernel: s.kernel, stride, padding: pad, weight: kaiming },
      'silu',
      init,
      BN,
    );
    y = convBnAct(y, `${name}.block.1`, { filters: s.output, kernel: 1, weight: kaiming }, 'linear', init, BN);
  } else {
    y = convBnAct(
      x,
      `${name}.block.0`,
      { filters: s.output, kernel: s.kernel, stride, padding: pad, weight: kaiming },
      'silu',
      init,
      BN,
    );
  }
  return stride === 1 && inChannels === s.output ? residual(x, y, sd, `${name}.stochastic_depth`) : y;
}

function mbConv(
  x: tf.SymbolicTensor,
  name: string,
  s: StageConfig,
  stride: number,
  sd: number,
  init: Init,
): tf.SymbolicTensor {
  const inChannels = x.shape[3]!;
  const expanded = makeDivisible(inChannels * s.expand, 8);
  let y = x;
  let j = 0;
  if (expanded !== inChannels)
    y = convBnAct(y, `${name}.block.${j++}`, { filters: expanded, kernel: 1, weight: kaiming }, 'silu', init, BN);
  y = convBnAct(
    y,
    `${name}.block.${j++}`,
    { filters: expanded, kernel: s.kernel, stride, padding: (s.kernel - 1) / 2, depthwise: true, weight: kaiming },
    'silu',
    init,
    BN,
  );
  const se = new SqueezeExcite({
    name: `${name}.block.${j++}`,
    squeeze: Math.max(1, Math.floor(inChannels / 4)),
    activation: 'silu',
    gate: 'sigmoid',
    seed: init.layerSeed(),
  });
  y = se.apply(y) as tf.SymbolicTensor;
  y = convBnAct(y, `${name}.block.${j}`, { filters: s.output, kernel: 1, weight: kaiming }, 'linear', init, BN);
  return stride === 1 && inChannels === s.output ? residual(x, y, sd, `${name}.stochastic_depth`) : y;
}

function buildEfficientNetV2(ctx: BuildContext): tf.LayersModel {
  const cfg = ctx.profile === 'paper' ? PAPER : LOCAL;
  const { init } = ctx;
  const input = tf.input({ shape: [ctx.inputSize, ctx.inputSize, 3], name: 'input' });
  let x = convBnAct(
    input,
    'features.0',
    { filters: cfg.stages[0].input, kernel: 3, stride: 2, padding: 1, weight: kaiming },
    'silu',
    init,
    BN,
  );
  const total = cfg.stages.reduce((n, s) => n + s.layers, 0);
  let blockId = 0;
  cfg.stages.forEach((s, si) => {
    for (let i = 0; i < s.layers; i++) {
      const sd = (cfg.stochasticDepth * blockId) / total;
      const name = `features.${si + 1}.${i}`;
      const stride = i === 0 ? s.stride : 1;
      x = s.block === 'fused' ? fusedMBConv(x, name, s, stride, sd, init) : mbConv(x, name, s, stride, sd, init);
      blockId++;
    }
  });
  x = convBnAct(
    x,
    `features.${cfg.stages.length + 1}`,
    { filters: cfg.lastChannel, kernel: 1, weight: kaiming },
    'silu',
    init,
    BN,
  );
  x = dropout(globalAvgPool(x), cfg.dropout);
  x = linear(
    x,
    'classifier.1',
    ctx.numClasses,
    init,
    { kind: 'uniform', bound: 1 / Math.sqrt(ctx.numClasses) },
    'zeros',
  );
  return tf.model({ inputs: input, outputs: x, name: ctx.arch });
}

export const efficientnetV2S = defineArchitecture({
  arch: 'efficientnet_v2_s',
  displayName: 'EfficientNetV2-S',
  family: 'efficientnet',
  paperInput: 224,
  torchvisionParams: 21_458_488,
  recipe: {
    ...MODERN,
    optimizer: 'sgd',
    lr: 0.5,
    weightDecay: 2e-5,
    ema: { steps: 32, decay: 0.99998 },
    trainCropSize: 300,
    valResizeSize: 384,
    valCropSize: 384,
    source:
      `${TORCHVISION_REFERENCE}: "EfficientNet-V2": --batch-size 128 (x8 GPUs) --lr 0.5 --lr-scheduler cosineannealinglr --lr-warmup-epochs 5 ` +
      '--lr-warmup-method linear --auto-augment ta_wide --epochs 600 --random-erase 0.1 --label-smoothing 0.1 --mixup-alpha 0.2 ' +
      '--cutmix-alpha 1.0 --weight-decay 0.00002 --norm-weight-decay 0.0 --train-crop-size 300 --model-ema --val-crop-size 384 ' +
      '--val-resize-size 384 --ra-sampler --ra-reps 4',
  },
  local: {
    inputSize: 32,
    description:
      'stages fused-MBConv(1,16,x1) fused(4,32,x2) fused(4,48,x2) MBConv+SE(4,64,x2) MBConv+SE(6,80,x2) MBConv+SE(6,128,x2), ' +
      'SiLU, stochastic depth 0.2, head 512',
    recipe: { lr: 0.02, mixupAlpha: 0, cutmixAlpha: 0, autoAugment: null, randomErase: 0, ema: null },
    why: {
      lr:
        `${LOCAL_LR_WHY}; torchvision's classifier init U(+-1/sqrt(classes)) gives few classes large first logits (a first loss ` +
        "of 4-5 on the demo's 8 classes): demo export, 2 seeds: 0.05 -> 29-40%, 0.02 -> 41-49%",
      mixupAlpha: REGULARISE_WHY,
      cutmixAlpha: REGULARISE_WHY,
      autoAugment: REGULARISE_WHY,
      randomErase: REGULARISE_WHY,
      ema: EMA_WHY,
    },
  },
  build: buildEfficientNetV2,
});
