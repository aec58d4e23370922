// MobileNetV3-Large as torchvision defines it (inverted residuals, squeeze-excite with hard-sigmoid, hard-swish),
// and its local scale (width 0.5).
// Its definition (torchvision's facts, the reference recipe, the local profile, the builder) closes the file.
import * as tf from '@tensorflow/tfjs';
import type { BuildContext } from './context.ts';
import { defineArchitecture } from './definition.ts';
import { LOCAL_LR_WHY, REGULARISE_WHY, TORCHVISION_REFERENCE, TRAIN_PY_DEFAULTS } from './recipes.ts';
import {
  activation,
  add,
  convBnAct,
  dropout,
  globalAvgPool,
  linear,
  makeDivisible,
  SqueezeExcite,
  type ActivationName,
  type Init,
} from './layers.ts';

/** torchvision's InvertedResidualConfig row: input, kernel, expanded, output, SE, activation, stride. */
type Row = [number, number, number, number, boolean, 'RE' | 'HS', number];

const LARGE: Row[] = [
  [16, 3, 16, 16, false, 'RE', 1],
  [16, 3, 64, 24, false, 'RE', 2],
  [24, 3, 72, 24, false, 'RE', 1],
  [24, 5, 72, 40, true, 'RE', 2],
  [40, 5, 120, 40, true, 'RE', 1],
  [40, 5, 120, 40, true, 'RE', 1],
  [40, 3, 240, 80, false, 'HS', 2],
  [80, 3, 200, 80, false, 'HS', 1],
  [80, 3, 184, 80, false, 'HS', 1],
  [80, 3, 184, 80, false, 'HS', 1],
  [80, 3, 480, 112, true, 'HS', 1],
  [112, 3, 672, 112, true, 'HS', 1],
  [112, 5, 672, 160, true, 'HS', 2],
  [160, 5, 960, 160, true, 'HS', 1],
  [160, 5, 960, 160, true, 'HS', 1],
];

interface MobileNetV3Config {
  widthMult: number;
  /** BatchNorm (eps, torch momentum): torchvision uses (0.001, 0.01). */
  bn: { eps: number; momentum: number };
}

const PAPER: MobileNetV3Config = { widthMult: 1, bn: { eps: 0.001, momentum: 0.01 } };
/**
 * Half width; at 32 px the five stride-2 steps end on a 1x1 map, as 224 px ends on 7x7. BN momentum 0.1: torchvision's
 * 0.01 suits 600 epochs, but after the few hundred steps of a local run the running statistics used at evaluation
 * would still be mostly their initial values (0.99^300 = 5%, 0.99^50 = 60%).
 */
const LOCAL: MobileNetV3Config = { widthMult: 0.5, bn: { eps: 0.001, momentum: 0.1 } };

/** torchvision MobileNetV3 init: conv kaiming-normal fan-out, bias 0; BN 1/0; linear N(0, 0.01), bias 0. */
const kaiming = { kind: 'kaimingNormal', mode: 'fanOut' } as const;

function invertedResidual(
  x: tf.SymbolicTensor,
  name: string,
  row: Row,
  cfg: MobileNetV3Config,
  init: Init,
): tf.SymbolicTensor {
  const width = (c: number) => makeDivisible(c * cfg.widthMult, 8);
  const BN = cfg.bn;
  const [, kernel, expandedRaw, outRaw, useSe, actName, stride] = row;
  const act: ActivationName = actName === 'HS' ? 'hardswish' : 'relu';
  const inChannels = x.shape[3]!;
  const expanded = width(expandedRaw);
  const out = width(outRaw);
  let y = x;
  let j = 0;
  if (expanded !== inChannels)
    y = convBnAct(y, `${name}.block.${j++}`, { filters: expanded, kernel: 1, weight: kaiming }, act, init, BN);
  y = convBnAct(
    y,
    `${name}.block.${j++}`,
    { filters: expanded, kernel, stride, padding: (kernel - 1) / 2, depthwise: true, weight: kaiming },
    act,
    init,
    BN,
  );
  if (useSe) {
    const se = new SqueezeExcite({
      name: `${name}.block.${j++}`,
      squeeze: makeDivisible(Math.floor(expanded / 4), 8),
      activation: 'relu',
      gate: 'hardsigmoid',
      seed: init.layerSeed(),
    });
    y = se.apply(y) as tf.SymbolicTensor;
  }
  y = convBnAct(y, `${name}.block.${j}`, { filters: out, kernel: 1, weight: kaiming }, 'linear', init, BN);
  return stride === 1 && inChannels === out ? add([x, y]) : y;
}

function buildMobileNetV3(ctx: BuildContext): tf.LayersModel {
  const cfg = ctx.profile === 'paper' ? PAPER : LOCAL;
  const { init } = ctx;
  const width = (c: number) => makeDivisible(c * cfg.widthMult, 8);
  const BN = cfg.bn;
  const input = tf.input({ shape: [ctx.inputSize, ctx.inputSize, 3], name: 'input' });
  let x = convBnAct(
    input,
    'features.0',
    { filters: width(LARGE[0][0]), kernel: 3, stride: 2, padding: 1, weight: kaiming },
    'hardswish',
    init,
    BN,
  );
  LARGE.forEach((row, i) => {
    x = invertedResidual(x, `features.${i + 1}`, row, cfg, init);
  });
  const lastConv = 6 * x.shape[3]!;
  x = convBnAct(
    x,
    `features.${LARGE.length + 1}`,
    { filters: lastConv, kernel: 1, weight: kaiming },
    'hardswish',
    init,
    BN,
  );
  x = globalAvgPool(x);
  const fc = { kind: 'normal', std: 0.01 } as const;
  x = linear(x, 'classifier.0', width(1280), init, fc, 'zeros');
  x = dropout(activation(x, 'hardswish'), 0.2);
  x = linear(x, 'classifier.3', ctx.numClasses, init, fc, 'zeros');
  return tf.model({ inputs: input, outputs: x, name: ctx.arch });
}

export const mobilenetV3Large = defineArchitecture({
  arch: 'mobilenet_v3_large',
  displayName: 'MobileNetV3-Large',
  family: 'mobilenet',
  paperInput: 224,
  torchvisionParams: 5_483_032,
  recipe: {
    ...TRAIN_PY_DEFAULTS,
    optimizer: 'rmsprop',
    lr: 0.064,
    weightDecay: 1e-5,
    rmspropEps: 0.0316,
    rmspropAlpha: 0.9,
    batchSize: 1024,
    epochs: 600,
    schedule: { kind: 'step', stepSize: 2, gamma: 0.973 },
    autoAugment: 'imagenet',
    randomErase: 0.2,
    source:
      `${TORCHVISION_REFERENCE}: "MobileNetV3 Large": --epochs 600 --opt rmsprop --batch-size 128 (x8 GPUs) --lr 0.064 --wd 0.00001 ` +
      '--lr-step-size 2 --lr-gamma 0.973 --auto-augment imagenet --random-erase 0.2 (then averaging the last 3 improving checkpoints)',
  },
  local: {
    inputSize: 32,
    description:
      'all 15 inverted-residual blocks (SE + hard-swish where torchvision has them) at width 0.5 (torchvision width_mult), last channel 640; 32 px ends on a 1x1 map as 224 px ends on 7x7; BN momentum 0.1 (not 0.01) for short runs',
    recipe: { lr: 0.005, autoAugment: null, randomErase: 0 },
    why: {
      lr: `${LOCAL_LR_WHY}; demo export, 2 seeds: 0.002 -> 40-44%, 0.005 -> 47-50%, 0.01 -> 24-37%`,
      autoAugment: REGULARISE_WHY,
      randomErase: REGULARISE_WHY,
    },
  },
  build: buildMobileNetV3,
});
