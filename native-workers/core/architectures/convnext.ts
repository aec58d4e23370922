// ConvNeXt-Tiny as torchvision defines it (patchify stem, 7x7 depthwise conv + LayerNorm + inverted MLP blocks with
// layer scale and stochastic depth, LayerNorm + 2x2 stride-2 downsampling), and its local scale.
// Its definition (torchvision's facts, the reference recipe, the local profile, the builder) closes the file.
import * as tf from '@tensorflow/tfjs';
import type { BuildContext } from './context.ts';
import { defineArchitecture } from './definition.ts';
import { EMA_WHY, MODERN, REGULARISE_WHY, TORCHVISION_REFERENCE } from './recipes.ts';
import { activation, conv2d, globalAvgPool, layerNorm, LayerScale, linear, residual, type Init } from './layers.ts';

interface ConvNeXtConfig {
  dims: number[];
  depths: number[];
  /** Patchify stem: kernel = stride (4 in torchvision; 2 for 32 px images). */
  stemPatch: number;
  stochasticDepth: number;
  layerScale: number;
}

const PAPER: ConvNeXtConfig = {
  dims: [96, 192, 384, 768],
  depths: [3, 3, 9, 3],
  stemPatch: 4,
  stochasticDepth: 0.1,
  layerScale: 1e-6,
};
const LOCAL: ConvNeXtConfig = {
  dims: [32, 64, 128, 256],
  depths: [1, 1, 3, 1],
  stemPatch: 2,
  stochasticDepth: 0.1,
  layerScale: 1e-6,
};
const LN_EPS = 1e-6;

/** torchvision ConvNeXt init: conv and linear trunc_normal(std 0.02) (a=-2, b=2: never truncates), bias 0. */
const tn = { kind: 'normal', std: 0.02 } as const;

function cnBlock(
  x: tf.SymbolicTensor,
  name: string,
  dim: number,
  sd: number,
  cfg: ConvNeXtConfig,
  init: Init,
): tf.SymbolicTensor {
  let y = conv2d(
    x,
    `${name}.block.0`,
    { filters: dim, kernel: 7, padding: 3, depthwise: true, bias: true, weight: tn, biasInit: 'zeros' },
    init,
  );
  y = layerNorm(y, `${name}.block.2`, init, LN_EPS);
  y = activation(linear(y, `${name}.block.3`, 4 * dim, init, tn, 'zeros'), 'gelu');
  y = linear(y, `${name}.block.5`, dim, init, tn, 'zeros');
  y = new LayerScale({ name: `${name}.layer_scale`, initValue: cfg.layerScale }).apply(y) as tf.SymbolicTensor;
  return residual(x, y, sd, `${name}.stochastic_depth`);
}

function buildConvNeXt(ctx: BuildContext): tf.LayersModel {
  const cfg = ctx.profile === 'paper' ? PAPER : LOCAL;
  const { init } = ctx;
  const input = tf.input({ shape: [ctx.inputSize, ctx.inputSize, 3], name: 'input' });
  let x = conv2d(
    input,
    'features.0.0',
    { filters: cfg.dims[0], kernel: cfg.stemPatch, stride: cfg.stemPatch, bias: true, weight: tn, biasInit: 'zeros' },
    init,
  );
  x = layerNorm(x, 'features.0.1', init, LN_EPS);
  const total = cfg.depths.reduce((a, b) => a + b, 0);
  let blockId = 0;
  let feature = 1;
  cfg.dims.forEach((dim, s) => {
    for (let i = 0; i < cfg.depths[s]; i++) {
      // torchvision: sd_prob = stochastic_depth_prob * stage_block_id / (total_stage_blocks - 1.0)
      const sd = total > 1 ? (cfg.stochasticDepth * blockId) / (total - 1) : 0;
      x = cnBlock(x, `features.${feature}.${i}`, dim, sd, cfg, init);
      blockId++;
    }
    feature++;
    if (s < cfg.dims.length - 1) {
      x = layerNorm(x, `features.${feature}.0`, init, LN_EPS);
      x = conv2d(
        x,
        `features.${feature}.1`,
        { filters: cfg.dims[s + 1], kernel: 2, stride: 2, bias: true, weight: tn, biasInit: 'zeros' },
        init,
      );
      feature++;
    }
  });
  x = layerNorm(globalAvgPool(x), 'classifier.0', init, LN_EPS);
  x = linear(x, 'classifier.2', ctx.numClasses, init, tn, 'zeros');
  return tf.model({ inputs: input, outputs: x, name: ctx.arch });
}

export const convnextTiny = defineArchitecture({
  arch: 'convnext_tiny',
  displayName: 'ConvNeXt-Tiny',
  family: 'convnext',
  paperInput: 224,
  torchvisionParams: 28_589_128,
  recipe: {
    ...MODERN,
    optimizer: 'adamw',
    lr: 1e-3,
    weightDecay: 0.05,
    ema: { steps: 32, decay: 0.99998 },
    trainCropSize: 176,
    valResizeSize: 232,
    valCropSize: 224,
    source:
      `${TORCHVISION_REFERENCE}: "ConvNeXt": --batch-size 128 (x8 GPUs) --opt adamw --lr 1e-3 --lr-scheduler cosineannealinglr ` +
      '--lr-warmup-epochs 5 --lr-warmup-method linear --auto-augment ta_wide --epochs 600 --random-erase 0.1 ' +
      '--label-smoothing 0.1 --mixup-alpha 0.2 --cutmix-alpha 1.0 --weight-decay 0.05 --norm-weight-decay 0.0 ' +
      '--train-crop-size 176 --model-ema --val-resize-size 232 --ra-sampler --ra-reps 4',
  },
  local: {
    inputSize: 32,
    description:
      'stages of ConvNeXt blocks [1,1,3,1] at dims 32-64-128-256, 2x2 stride-2 patchify stem for 32 px, layer scale 1e-6, stochastic depth 0.1',
    recipe: { warmupEpochs: 1, mixupAlpha: 0, cutmixAlpha: 0, autoAugment: null, randomErase: 0, ema: null },
    why: {
      warmupEpochs: 'one warm-up epoch of six (torchvision: 5 of 600)',
      mixupAlpha: REGULARISE_WHY,
      cutmixAlpha: REGULARISE_WHY,
      autoAugment: REGULARISE_WHY,
      randomErase: REGULARISE_WHY,
      ema: EMA_WHY,
    },
  },
  build: buildConvNeXt,
});
