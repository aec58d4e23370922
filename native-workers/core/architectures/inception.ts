// Inception V3 as torchvision defines it (BasicConv2d = conv + BN(eps 1e-3) + ReLU; InceptionA..E modules;
// optional auxiliary classifier), and its local scale (small stem, one module of each kind, quarter width).
// Its definition (torchvision's facts, the reference recipe, the local profile, the builder) closes the file.
import * as tf from '@tensorflow/tfjs';
import type { BuildContext } from './context.ts';
import { defineArchitecture } from './definition.ts';
import { TORCHVISION_REFERENCE, TRAIN_PY_DEFAULTS, tunedLocalLr } from './recipes.ts';
import {
  avgPool,
  batchNorm,
  concat,
  conv2d,
  dropout,
  flatten,
  globalAvgPool,
  linear,
  maxPool,
  relu,
  AdaptiveAvgPool2d,
  type Init,
} from './layers.ts';

type Sym = tf.SymbolicTensor;
type Pair = [number, number];

/** A stem step: BasicConv2d (name, filters, kernel, stride, padding) or MaxPool2d(3, 2). */
type StemStep =
  | { conv: string; filters: number; kernel: number; stride?: number; padding?: number }
  | { maxPool: true };

type ModuleStep =
  | { kind: 'A'; name: string; poolFeatures: number }
  | { kind: 'B' | 'D' | 'E'; name: string }
  | { kind: 'C'; name: string; c7: number }
  | { kind: 'aux' };

interface InceptionConfig {
  stem: StemStep[];
  modules: ModuleStep[];
  /** Channel multiplier of the module branches (1 = torchvision). */
  width: number;
}

const PAPER: InceptionConfig = {
  stem: [
    { conv: 'Conv2d_1a_3x3', filters: 32, kernel: 3, stride: 2 },
    { conv: 'Conv2d_2a_3x3', filters: 32, kernel: 3 },
    { conv: 'Conv2d_2b_3x3', filters: 64, kernel: 3, padding: 1 },
    { maxPool: true },
    { conv: 'Conv2d_3b_1x1', filters: 80, kernel: 1 },
    { conv: 'Conv2d_4a_3x3', filters: 192, kernel: 3 },
    { maxPool: true },
  ],
  modules: [
    { kind: 'A', name: 'Mixed_5b', poolFeatures: 32 },
    { kind: 'A', name: 'Mixed_5c', poolFeatures: 64 },
    { kind: 'A', name: 'Mixed_5d', poolFeatures: 64 },
    { kind: 'B', name: 'Mixed_6a' },
    { kind: 'C', name: 'Mixed_6b', c7: 128 },
    { kind: 'C', name: 'Mixed_6c', c7: 160 },
    { kind: 'C', name: 'Mixed_6d', c7: 160 },
    { kind: 'C', name: 'Mixed_6e', c7: 192 },
    { kind: 'aux' },
    { kind: 'D', name: 'Mixed_7a' },
    { kind: 'E', name: 'Mixed_7b' },
    { kind: 'E', name: 'Mixed_7c' },
  ],
  width: 1,
};

/** 32 px: a 3x3 stride-1 conv and one pool to 15x15, 1x1 and 3x3 convs, then A (15x15), B (->7), C (7), D (->3), E (3). */
const LOCAL: InceptionConfig = {
  stem: [
    { conv: 'Conv2d_1a_3x3', filters: 16, kernel: 3, padding: 1 },
    { maxPool: true },
    { conv: 'Conv2d_3b_1x1', filters: 24, kernel: 1 },
    { conv: 'Conv2d_4a_3x3', filters: 48, kernel: 3, padding: 1 },
  ],
  modules: [
    { kind: 'A', name: 'Mixed_5b', poolFeatures: 32 },
    { kind: 'B', name: 'Mixed_6a' },
    { kind: 'C', name: 'Mixed_6b', c7: 128 },
    { kind: 'D', name: 'Mixed_7a' },
    { kind: 'E', name: 'Mixed_7b' },
  ],
  width: 0.25,
};

/** Conv and linear weights: trunc_normal(std) with a=-2, b=2 (absolute, so effectively normal); BN 1/0. */
const BN = { eps: 0.001 };

class Modules {
  constructor(
    private readonly init: Init,
    private readonly width: number,
  ) {}

  c(n: number): number {
    return Math.max(8, Math.round(n * this.width));
  }

  /** BasicConv2d. */
  conv(
    x: Sym,
    name: string,
    filters: number,
    kernel: number | Pair,
    opts: { stride?: number; padding?: number | Pair; std?: number } = {},
  ): Sym {
    const y = conv2d(
      x,
      `${name}.conv`,
      { filters, kernel, stride: opts.stride, padding: opts.padding, weight: { kind: 'normal', std: opts.std ?? 0.1 } },
      this.init,
    );
    return relu(batchNorm(y, `${name}.bn`, this.init, BN));
  }

  A(x: Sym, n: string, poolFeatures: number): Sym {
    const b1 = this.conv(x, `${n}.branch1x1`, this.c(64), 1);
    const b5 = this.conv(this.conv(x, `${n}.branch5x5_1`, this.c(48), 1), `${n}.branch5x5_2`, this.c(64), 5, {
      padding: 2,
    });
    let b3 = this.conv(x, `${n}.branch3x3dbl_1`, this.c(64), 1);
    b3 = this.conv(b3, `${n}.branch3x3dbl_2`, this.c(96), 3, { padding: 1 });
    b3 = this.conv(b3, `${n}.branch3x3dbl_3`, this.c(96), 3, { padding: 1 });
    const bp = this.conv(avgPool(x, 3, 1, 1), `${n}.branch_pool`, this.c(poolFeatures), 1);
    return concat([b1, b5, b3, bp]);
  }

  B(x: Sym, n: string): Sym {
    const b3 = this.conv(x, `${n}.branch3x3`, this.c(384), 3, { stride: 2 });
    let bd = this.conv(x, `${n}.branch3x3dbl_1`, this.c(64), 1);
    bd = this.conv(bd, `${n}.branch3x3dbl_2`, this.c(96), 3, { padding: 1 });
    bd = this.conv(bd, `${n}.branch3x3dbl_3`, this.c(96), 3, { stride: 2 });
    return concat([b3, bd, maxPool(x, 3, 2)]);
  }

  C(x: Sym, n: string, c7raw: number): Sym {
    const c7 = this.c(c7raw);
    const b1 = this.conv(x, `${n}.branch1x1`, this.c(192), 1);
    let b7 = this.conv(x, `${n}.branch7x7_1`, c7, 1);
    b7 = this.conv(b7, `${n}.branch7x7_2`, c7, [1, 7], { padding: [0, 3] });
    b7 = this.conv(b7, `${n}.branch7x7_3`, this.c(192), [7, 1], { padding: [3, 0] });
    let bd = this.conv(x, `${n}.branch7x7dbl_1`, c7, 1);
    bd = this.conv(bd, `${n}.branch7x7dbl_2`, c7, [7, 1], { padding: [3, 0] });
    bd = this.conv(bd, `${n}.branch7x7dbl_3`, c7, [1, 7], { padding: [0, 3] });
    bd = this.conv(bd, `${n}.branch7x7dbl_4`, c7, [7, 1], { padding: [3, 0] });
    bd = this.conv(bd, `${n}.branch7x7dbl_5`, this.c(192), [1, 7], { padding: [0, 3] });
    const bp = this.conv(avgPool(x, 3, 1, 1), `${n}.branch_pool`, this.c(192), 1);
    return concat([b1, b7, bd, bp]);
  }

  D(x: Sym, n: string): Sym {
    const b3 = this.conv(this.conv(x, `${n}.branch3x3_1`, this.c(192), 1), `${n}.branch3x3_2`, this.c(320), 3, {
      stride: 2,
    });
    let b7 = this.conv(x, `${n}.branch7x7x3_1`, this.c(192), 1);
    b7 = this.conv(b7, `${n}.branch7x7x3_2`, this.c(192), [1, 7], { padding: [0, 3] });
    b7 = this.conv(b7, `${n}.branch7x7x3_3`, this.c(192), [7, 1], { padding: [3, 0] });
    b7 = this.conv(b7, `${n}.branch7x7x3_4`, this.c(192), 3, { stride: 2 });
    return concat([b3, b7, maxPool(x, 3, 2)]);
  }

  E(x: Sym, n: string): Sym {
    const b1 = this.conv(x, `${n}.branch1x1`, this.c(320), 1);
    const b3 = this.conv(x, `${n}.branch3x3_1`, this.c(384), 1);
    const b3split = concat([
      this.conv(b3, `${n}.branch3x3_2a`, this.c(384), [1, 3], { padding: [0, 1] }),
      this.conv(b3, `${n}.branch3x3_2b`, this.c(384), [3, 1], { padding: [1, 0] }),
    ]);
    let bd = this.conv(x, `${n}.branch3x3dbl_1`, this.c(448), 1);
    bd = this.conv(bd, `${n}.branch3x3dbl_2`, this.c(384), 3, { padding: 1 });
    const bdsplit = concat([
      this.conv(bd, `${n}.branch3x3dbl_3a`, this.c(384), [1, 3], { padding: [0, 1] }),
      this.conv(bd, `${n}.branch3x3dbl_3b`, this.c(384), [3, 1], { padding: [1, 0] }),
    ]);
    const bp = this.conv(avgPool(x, 3, 1, 1), `${n}.branch_pool`, this.c(192), 1);
    return concat([b1, b3split, bdsplit, bp]);
  }

  /** InceptionAux: avg pool 5/3, 1x1 conv 128, 5x5 conv 768 (std 0.01), adaptive pool, fc (std 0.001). */
  aux(x: Sym, numClasses: number): Sym {
    let y = avgPool(x, 5, 3);
    y = this.conv(y, 'AuxLogits.conv0', 128, 1);
    y = this.conv(y, 'AuxLogits.conv1', 768, 5, { std: 0.01 });
    y = flatten(new AdaptiveAvgPool2d({ outputSize: 1, name: 'AuxLogits.avgpool' }).apply(y) as Sym);
    return linear(y, 'AuxLogits.fc', numClasses, this.init, { kind: 'normal', std: 0.001 });
  }
}

function buildInceptionV3(ctx: BuildContext): tf.LayersModel {
  const cfg = ctx.profile === 'paper' ? PAPER : LOCAL;
  if (ctx.auxLogits && !cfg.modules.some((m) => m.kind === 'aux'))
    throw new Error(`${ctx.arch}: the ${ctx.profile} profile has no auxiliary classifier`);
  const m = new Modules(ctx.init, cfg.width);
  const input = tf.input({ shape: [ctx.inputSize, ctx.inputSize, 3], name: 'input' });
  let x: Sym = input;
  for (const s of cfg.stem)
    x =
      'maxPool' in s
        ? maxPool(x, 3, 2)
        : m.conv(x, s.conv, s.filters, s.kernel, { stride: s.stride, padding: s.padding });
  let aux: Sym | null = null;
  for (const mod of cfg.modules) {
    if (mod.kind === 'aux') {
      if (ctx.auxLogits) aux = m.aux(x, ctx.numClasses);
    } else if (mod.kind === 'A') x = m.A(x, mod.name, mod.poolFeatures);
    else if (mod.kind === 'C') x = m.C(x, mod.name, mod.c7);
    else x = m[mod.kind](x, mod.name);
  }
  x = dropout(globalAvgPool(x), 0.5);
  x = linear(x, 'fc', ctx.numClasses, ctx.init, { kind: 'normal', std: 0.1 });
  return tf.model({ inputs: input, outputs: aux ? [x, aux] : x, name: ctx.arch });
}

export const inceptionV3 = defineArchitecture({
  arch: 'inception_v3',
  displayName: 'Inception V3',
  family: 'inception',
  paperInput: 299,
  torchvisionParams: 27_161_264,
  recipe: {
    ...TRAIN_PY_DEFAULTS,
    trainCropSize: 299,
    valResizeSize: 342,
    valCropSize: 299,
    source:
      `${TORCHVISION_REFERENCE}: torchvision's Inception V3 weights are ported from TensorFlow (no torchvision training command); ` +
      "we use the train.py default (ResNet) recipe at 299 px with the README's 342/299 evaluation sizes",
  },
  local: {
    inputSize: 32,
    description:
      'stem: 3x3 stride-1 conv, 3x3 stride-2 max pool (15x15), 1x1 and 3x3 convs; then one module each of InceptionA, B, C, D, E at a ' +
      'quarter of the channels, global average pool, dropout, classifier (no auxiliary head)',
    ...tunedLocalLr(0.05),
  },
  build: buildInceptionV3,
});
