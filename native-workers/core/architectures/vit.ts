// ViT-B/16 as torchvision defines it (patch embedding conv, class token + position embeddings, pre-norm transformer
// encoder blocks with multi-head self-attention and a GELU MLP), and its local scale.
import * as tf from '@tensorflow/tfjs';
import type { BuildContext } from './context.ts';
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
  y = new MultiHeadSelfAttention({ name: `${name}.self_attention`, numHeads: cfg.numHeads, seed: init.layerSeed() }).apply(y) as tf.SymbolicTensor;
  const h = add([x, y]);
  let m = layerNorm(h, `${name}.ln_2`, init, LN_EPS);
  const mlpInit = { kind: 'xavierUniform' } as const;
  const mlpBias = { kind: 'normal', std: 1e-6 } as const;
  m = activation(linear(m, `${name}.mlp.0`, cfg.mlpDim, init, mlpInit, mlpBias), 'gelu');
  m = linear(m, `${name}.mlp.3`, cfg.hiddenDim, init, mlpInit, mlpBias);
  return add([h, m]);
}

export function buildViT(ctx: BuildContext): tf.LayersModel {
  const cfg = ctx.profile === 'paper' ? PAPER : LOCAL;
  const { init } = ctx;
  if (ctx.inputSize % cfg.patchSize) throw new Error(`${ctx.arch}: input size ${ctx.inputSize} is not divisible by the patch size ${cfg.patchSize}`);
  const input = tf.input({ shape: [ctx.inputSize, ctx.inputSize, 3], name: 'input' });
  const fanIn = 3 * cfg.patchSize * cfg.patchSize;
  let x = conv2d(
    input,
    'conv_proj',
    { filters: cfg.hiddenDim, kernel: cfg.patchSize, stride: cfg.patchSize, bias: true, weight: { kind: 'normal', std: Math.sqrt(1 / fanIn) }, biasInit: 'zeros' },
    init,
  );
  const grid = ctx.inputSize / cfg.patchSize;
  x = tf.layers.reshape({ targetShape: [grid * grid, cfg.hiddenDim] }).apply(x) as tf.SymbolicTensor;
  x = new ClassTokenPositionEmbedding({ name: 'encoder.pos_embedding', seed: init.layerSeed() }).apply(x) as tf.SymbolicTensor;
  for (let i = 0; i < cfg.numLayers; i++) x = encoderBlock(x, `encoder.layers.encoder_layer_${i}`, cfg, init);
  x = layerNorm(x, 'encoder.ln', init, LN_EPS);
  x = new SelectClassToken({ name: 'class_token_output' }).apply(x) as tf.SymbolicTensor;
  x = linear(x, 'heads.head', ctx.numClasses, init, { kind: 'zeros' }, 'zeros');
  return tf.model({ inputs: input, outputs: x, name: ctx.arch });
}
