// ViT-B/16 as torchvision defines it (patch embedding conv, class token + position embeddings, pre-norm transformer
// encoder blocks with multi-head self-attention and a GELU MLP), and its local scale.
// Its definition (torchvision's facts, the reference recipe, the local profile, the builder) closes the file.
import * as tf from '@tensorflow/tfjs';
import type { BuildContext } from './context.ts';
import { defineArchitecture } from './definition.ts';
import { EMA_WHY, REGULARISE_WHY, TORCHVISION_REFERENCE, TRAIN_PY_DEFAULTS } from './recipes.ts';
import {
  activation,
  add,
  ClassTokenPositionEmbedding,
  conv2d,
  layerNorm,
  linear,
  MultiHeadSelfAttention,
  SelectClassToken,
  type Init,
} from './layers.ts';

interface ViTConfig {
  patchSize: number;
  numLayers: number;
  numHeads: number;
  hiddenDim: number;
  mlpDim: number;
}

const PAPER: ViTConfig = { patchSize: 16, numLayers: 12, numHeads: 12, hiddenDim: 768, mlpDim: 3072 };
const LOCAL: ViTConfig = { patchSize: 4, numLayers: 4, numHeads: 4, hiddenDim: 64, mlpDim: 128 };
const LN_EPS = 1e-6;

/** torchvision EncoderBlock: x + MHSA(LN(x)), then + MLP(LN(.)); MLP linears xavier-uniform with N(0, 1e-6) bias. */
function encoderBlock(x: tf.SymbolicTensor, name: string, cfg: ViTConfig, init: Init): tf.SymbolicTensor {
  let y = layerNorm(x, `${name}.ln_1`, init, LN_EPS);
  y = new MultiHeadSelfAttention({
    name: `${name}.self_attention`,
    numHeads: cfg.numHeads,
    seed: init.layerSeed(),
  }).apply(y) as tf.SymbolicTensor;
  const h = add([x, y]);
  let m = layerNorm(h, `${name}.ln_2`, init, LN_EPS);
  const mlpInit = { kind: 'xavierUniform' } as const;
  const mlpBias = { kind: 'normal', std: 1e-6 } as const;
  m = activation(linear(m, `${name}.mlp.0`, cfg.mlpDim, init, mlpInit, mlpBias), 'gelu');
  m = linear(m, `${name}.mlp.3`, cfg.hiddenDim, init, mlpInit, mlpBias);
  return add([h, m]);
}

function buildViT(ctx: BuildContext): tf.LayersModel {
  const cfg = ctx.profile === 'paper' ? PAPER : LOCAL;
  const { init } = ctx;
  if (ctx.inputSize % cfg.patchSize)
    throw new Error(`${ctx.arch}: input size ${ctx.inputSize} is not divisible by the patch size ${cfg.patchSize}`);
  const input = tf.input({ shape: [ctx.inputSize, ctx.inputSize, 3], name: 'input' });
  const fanIn = 3 * cfg.patchSize * cfg.patchSize;
  let x = conv2d(
    input,
    'conv_proj',
    {
      filters: cfg.hiddenDim,
      kernel: cfg.patchSize,
      stride: cfg.patchSize,
      bias: true,
      weight: { kind: 'normal', std: Math.sqrt(1 / fanIn) },
      biasInit: 'zeros',
    },
    init,
  );
  const grid = ctx.inputSize / cfg.patchSize;
  x = tf.layers.reshape({ targetShape: [grid * grid, cfg.hiddenDim] }).apply(x) as tf.SymbolicTensor;
  x = new ClassTokenPositionEmbedding({ name: 'encoder.pos_embedding', seed: init.layerSeed() }).apply(
    x,
  ) as tf.SymbolicTensor;
  for (let i = 0; i < cfg.numLayers; i++) x = encoderBlock(x, `encoder.layers.encoder_layer_${i}`, cfg, init);
  x = layerNorm(x, 'encoder.ln', init, LN_EPS);
  x = new SelectClassToken({ name: 'class_token_output' }).apply(x) as tf.SymbolicTensor;
  x = linear(x, 'heads.head', ctx.numClasses, init, { kind: 'zeros' }, 'zeros');
  return tf.model({ inputs: input, outputs: x, name: ctx.arch });
}

export const vitB16 = defineArchitecture({
  arch: 'vit_b_16',
  displayName: 'ViT-B/16',
  family: 'vision transformer',
  paperInput: 224,
  torchvisionParams: 86_567_656,
  recipe: {
    ...TRAIN_PY_DEFAULTS,
    optimizer: 'adamw',
    lr: 0.003,
    weightDecay: 0.3,
    batchSize: 4096,
    epochs: 300,
    schedule: { kind: 'cosine' },
    warmupEpochs: 30,
    warmupMethod: 'linear',
    warmupDecay: 0.033,
    labelSmoothing: 0.11,
    mixupAlpha: 0.2,
    cutmixAlpha: 1.0,
    autoAugment: 'ra',
    raMagnitude: 9,
    ema: { steps: 32, decay: 0.99998 },
    raReps: 3,
    clipGradNorm: 1,
    amp: true,
    source:
      `${TORCHVISION_REFERENCE}: "ViT_B_16": --epochs 300 --batch-size 512 (x8 GPUs) --opt adamw --lr 0.003 --wd 0.3 ` +
      '--lr-scheduler cosineannealinglr --lr-warmup-method linear --lr-warmup-epochs 30 --lr-warmup-decay 0.033 --amp ' +
      '--label-smoothing 0.11 --mixup-alpha 0.2 --auto-augment ra --clip-grad-norm 1 --ra-sampler --cutmix-alpha 1.0 --model-ema',
  },
  local: {
    inputSize: 32,
    description: 'patch 4 (64 patches + class token), 4 encoder blocks, hidden 64, 4 heads, MLP 128, pre-norm, GELU',
    recipe: { epochs: 10, warmupEpochs: 1, mixupAlpha: 0, cutmixAlpha: 0, autoAugment: null, ema: null },
    why: {
      epochs:
        'a transformer learns slowest of the nine from a few hundred images: on the demo export (lr 0.003) 6 epochs reached ' +
        '32-50% test top-1, 10 epochs 38-47% (4 seeds); with lr 0.001, 6 epochs, 30-38%',
      warmupEpochs: 'one warm-up epoch of ten (torchvision: 30 of 300)',
      mixupAlpha: REGULARISE_WHY,
      cutmixAlpha: REGULARISE_WHY,
      autoAugment: REGULARISE_WHY,
      ema: EMA_WHY,
    },
  },
  build: buildViT,
});
