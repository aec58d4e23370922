// Layer helpers shared by the architecture builders: torchvision-style conv/BN/pool/linear in channels-last tfjs
// layers with torchvision's initializations, and the custom layers tfjs lacks (registered for serialization so a
// model saved with model.save() loads again with tf.loadLayersModel()).
import * as tf from '@tensorflow/tfjs';
import { batchNormTraining, movingStatsUpdate, hardSigmoid, hardSwish } from './fused-ops.ts';
import { fmix32 } from '../stats/random.ts';

type Sym = tf.SymbolicTensor;
type Pair = [number, number];
type Initializer = ReturnType<typeof tf.initializers.zeros>;
/** Constructor arguments of a custom layer: its own fields plus tfjs's LayerArgs (name, trainable, dtype...). */
type Args<T> = T & { name?: string; [key: string]: unknown };

const pair = (v: number | Pair): Pair => (Array.isArray(v) ? v : [v, v]);

// ---------------------------------------------------------------------------------------------------------------
// Initialization

/**
 * Hands out tfjs initializers with a distinct seed per weight (derived from one build seed). With `zeros` every
 * weight starts at 0: the same model, cheap to allocate, used to count parameters of the full-size models.
 */
export class Init {
  private next: number;
  constructor(
    seed: number | undefined,
    private readonly zeros = false,
  ) {
    this.next = (seed ?? Math.floor(Math.random() * 2 ** 31)) >>> 0;
  }
  /** The next seed of a deterministic 32-bit integer sequence (a multiply-xorshift step). */
  private seed(): number {
    const z = (this.next + 0x9e3779b9) >>> 0;
    this.next = z;
    return fmix32(z);
  }
  normal(stddev: number): Initializer {
    return this.zeros ? tf.initializers.zeros() : tf.initializers.randomNormal({ mean: 0, stddev, seed: this.seed() });
  }
  uniform(bound: number): Initializer {
    return this.zeros ? tf.initializers.zeros() : tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed: this.seed() });
  }
  zero(): Initializer {
    return tf.initializers.zeros();
  }
  one(): Initializer {
    return this.zeros ? tf.initializers.zeros() : tf.initializers.ones();
  }
  /** The value one() initializes to (0 when zero-initializing). */
  oneValue(): number {
    return this.zeros ? 0 : 1;
  }
  /** A seed for custom layers that create their own initializers (null when zero-initializing). */
  layerSeed(): number | null {
    return this.zeros ? null : this.seed();
  }
}

/** How a conv or linear weight is initialized, in torchvision's terms. `fanIn`/`fanOut` follow torch's definition. */
export type WeightInit =
  | { kind: 'torchDefault' } // nn.Conv2d / nn.Linear reset_parameters: U(+-1/sqrt(fan_in)) for weight and bias
  | { kind: 'kaimingNormal'; mode: 'fanIn' | 'fanOut' } // relu gain: N(0, 2/fan)
  | { kind: 'normal'; std: number } // normal_ / trunc_normal_(a=-2,b=2) with std << 1 (the truncation never bites)
  | { kind: 'uniform'; bound: number }
  | { kind: 'xavierUniform' }
  | { kind: 'zeros' };

export type BiasInit = 'torchDefault' | 'zeros' | { kind: 'normal'; std: number };

function weightInitializer(init: Init, w: WeightInit, fanIn: number, fanOut: number): Initializer {
  switch (w.kind) {
    case 'torchDefault':
      return init.uniform(1 / Math.sqrt(fanIn));
    case 'kaimingNormal':
      return init.normal(Math.sqrt(2 / (w.mode === 'fanIn' ? fanIn : fanOut)));
    case 'normal':
      return init.normal(w.std);
    case 'uniform':
      return init.uniform(w.bound);
    case 'xavierUniform':
      return init.uniform(Math.sqrt(6 / (fanIn + fanOut)));
    case 'zeros':
      return init.zero();
  }
}

function biasInitializer(init: Init, b: BiasInit, fanIn: number): Initializer {
  if (b === 'torchDefault') return init.uniform(1 / Math.sqrt(fanIn));
  if (b === 'zeros') return init.zero();
  return init.normal(b.std);
}

// ---------------------------------------------------------------------------------------------------------------
// Convolution, normalization, pooling, linear

export interface ConvSpec {
  filters: number;
  kernel: number | Pair;
  stride?: number;
  /** torch padding (symmetric). Stride-1 "same" padding maps to tfjs 'same'; anything else is explicit zero padding. */
  padding?: number | Pair;
  /** Depthwise convolution (torch groups == in_channels == out_channels). */
  depthwise?: boolean;
  bias?: boolean;
  weight: WeightInit;
  biasInit?: BiasInit;
}

/** torch nn.Conv2d on NHWC input, symmetric padding as torch does it. */
export function conv2d(x: Sym, name: string, spec: ConvSpec, init: Init): Sym {
  const [kh, kw] = pair(spec.kernel);
  const [ph, pw] = pair(spec.padding ?? 0);
  const stride = spec.stride ?? 1;
  const inChannels = x.shape[x.shape.length - 1]!;
  const useBias = spec.bias ?? false;
  const sameAsTorch = stride === 1 && 2 * ph === kh - 1 && 2 * pw === kw - 1;
  let input = x;
  if (!sameAsTorch && (ph > 0 || pw > 0)) input = tf.layers.zeroPadding2d({ padding: [[ph, ph], [pw, pw]], name: `${name}.pad` }).apply(x) as Sym;
  const padding = sameAsTorch ? 'same' : 'valid';
  if (spec.depthwise) {
    if (spec.filters !== inChannels) throw new Error(`${name}: depthwise conv needs filters == input channels`);
    // torch depthwise weight [C,1,kh,kw]: fan_in = kh*kw, fan_out = C*kh*kw
    const fanIn = kh * kw;
    const fanOut = inChannels * kh * kw;
    return tf.layers
      .depthwiseConv2d({
        name,
        kernelSize: [kh, kw],
        strides: stride,
        padding,
        depthMultiplier: 1,
        useBias,
        depthwiseInitializer: weightInitializer(init, spec.weight, fanIn, fanOut),
        biasInitializer: useBias ? biasInitializer(init, spec.biasInit ?? 'zeros', fanIn) : undefined,
      })
      .apply(input) as Sym;
  }
  const fanIn = inChannels * kh * kw;
  const fanOut = spec.filters * kh * kw;
  return tf.layers
    .conv2d({
      name,
      filters: spec.filters,
      kernelSize: [kh, kw],
      strides: stride,
      padding,
      useBias,
      kernelInitializer: weightInitializer(init, spec.weight, fanIn, fanOut),
      biasInitializer: useBias ? biasInitializer(init, spec.biasInit ?? 'zeros', fanIn) : undefined,
    })
    .apply(input) as Sym;
}

/** torch nn.BatchNorm2d (weight=1, bias=0) over the channel axis; `momentum` is torch's. gamma/beta are the parameters. */
export function batchNorm(x: Sym, name: string, init: Init, opts: { eps?: number; momentum?: number; relu?: boolean } = {}): Sym {
  return new TorchBatchNorm({ name, epsilon: opts.eps ?? 1e-5, momentum: opts.momentum ?? 0.1, gammaInit: init.oneValue(), relu: opts.relu ?? false }).apply(x) as Sym;
}

/** torch nn.LayerNorm over the last (channel) axis — also ConvNeXt's LayerNorm2d, since our tensors are channels-last. */
export function layerNorm(x: Sym, name: string, init: Init, eps: number): Sym {
  return tf.layers.layerNormalization({ name, axis: -1, epsilon: eps, gammaInitializer: init.one(), betaInitializer: init.zero() }).apply(x) as Sym;
}

export type ActivationName = 'relu' | 'silu' | 'gelu' | 'hardswish' | 'linear';

export function activation(x: Sym, act: ActivationName): Sym {
  if (act === 'linear') return x;
  if (act === 'hardswish') return new HardSwish({}).apply(x) as Sym;
  return tf.layers.activation({ activation: act === 'silu' ? 'swish' : act }).apply(x) as Sym;
}

/** Conv -> BatchNorm -> activation (torchvision's Conv2dNormActivation / BasicConv2d), conv without bias. */
export function convBnAct(
  x: Sym,
  name: string,
  spec: Omit<ConvSpec, 'bias'>,
  act: ActivationName,
  init: Init,
  bn: { eps?: number; momentum?: number } = {},
  names: { conv: string; bn: string } = { conv: `${name}.0`, bn: `${name}.1` },
): Sym {
  const fuseRelu = act === 'relu';
  const y = batchNorm(conv2d(x, names.conv, { ...spec, bias: false }, init), names.bn, init, { ...bn, relu: fuseRelu });
  return fuseRelu ? y : activation(y, act);
}

/**
 * torch MaxPool2d(kernel, stride, padding). Padding is zero padding, which equals torch's -inf padding only on
 * non-negative input: every padded max pool in these models follows a ReLU.
 */
export function maxPool(x: Sym, kernel: number, stride: number, padding = 0): Sym {
  const input = padding > 0 ? (tf.layers.zeroPadding2d({ padding: [[padding, padding], [padding, padding]] }).apply(x) as Sym) : x;
  return tf.layers.maxPooling2d({ poolSize: kernel, strides: stride, padding: 'valid' }).apply(input) as Sym;
}

/** torch AvgPool2d(kernel, stride, padding) with count_include_pad=True (torch's default): zero pad, then average. */
export function avgPool(x: Sym, kernel: number, stride: number, padding = 0): Sym {
  const input = padding > 0 ? (tf.layers.zeroPadding2d({ padding: [[padding, padding], [padding, padding]] }).apply(x) as Sym) : x;
  return tf.layers.averagePooling2d({ poolSize: kernel, strides: stride, padding: 'valid' }).apply(input) as Sym;
}

export function globalAvgPool(x: Sym): Sym {
  return tf.layers.globalAveragePooling2d({}).apply(x) as Sym;
}

export function flatten(x: Sym): Sym {
  return tf.layers.flatten({}).apply(x) as Sym;
}

export function dropout(x: Sym, rate: number): Sym {
  return rate > 0 ? (tf.layers.dropout({ rate }).apply(x) as Sym) : x;
}

/** torch nn.Linear on the last axis. */
export function linear(x: Sym, name: string, units: number, init: Init, weight: WeightInit, bias: BiasInit = 'torchDefault'): Sym {
  const fanIn = x.shape[x.shape.length - 1]!;
  return tf.layers
    .dense({
      name,
      units,
      useBias: true,
      kernelInitializer: weightInitializer(init, weight, fanIn, units),
      biasInitializer: biasInitializer(init, bias, fanIn),
    })
    .apply(x) as Sym;
}

export function add(xs: Sym[]): Sym {
  return tf.layers.add({}).apply(xs) as Sym;
}

export function concat(xs: Sym[]): Sym {
  return tf.layers.concatenate({ axis: -1 }).apply(xs) as Sym;
}

export function relu(x: Sym): Sym {
  return activation(x, 'relu');
}

/** torch's _make_divisible (MobileNet / EfficientNet channel rounding). */
export function makeDivisible(v: number, divisor = 8, minValue?: number): number {
  const min = minValue ?? divisor;
  let out = Math.max(min, Math.floor((v + divisor / 2) / divisor) * divisor);
  if (out < 0.9 * v) out += divisor;
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Custom layers

type Kwargs = { training?: boolean; [k: string]: unknown };
const single = (inputs: tf.Tensor | tf.Tensor[]): tf.Tensor => (Array.isArray(inputs) ? inputs[0] : inputs);
const singleShape = (s: tf.Shape | tf.Shape[]): tf.Shape => (Array.isArray(s[0]) ? (s[0] as tf.Shape) : (s as tf.Shape));

/** torch.nn.Hardswish: x * relu6(x + 3) / 6, with torch's gradient (fused-ops.ts). */
export class HardSwish extends tf.layers.Layer {
  static className = 'HardSwish';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return hardSwish(single(inputs));
  }
}

/**
 * torch nn.BatchNorm1d/2d over the last (channel) axis, as torch computes it. Training: normalizes with the batch's
 * statistics (one fused op, fused-ops.ts) and updates the moving averages as torch does its running buffers,
 * running = (1 - momentum) * running + momentum * batch, with the UNBIASED batch variance (n/(n-1)) for the variance.
 * Inference: normalizes with the moving statistics. Weights as tfjs's BatchNormalization names and orders them
 * (gamma, beta trainable; moving_mean, moving_variance not), so parameter counts and checkpoints are unchanged.
 * `relu`: the ReLU torch applies right after (BN -> ReLU) is part of this layer's op (fewer passes over the activation).
 */
export class TorchBatchNorm extends tf.layers.Layer {
  static className = 'TorchBatchNorm';
  readonly epsilon: number;
  /** torch's momentum: the weight of the new batch in the running averages. */
  readonly momentum: number;
  /** gamma's initial value: 1 (torch), 0 when zero-initializing to count parameters. */
  readonly gammaInit: number;
  /** max(0, y) in the same op. */
  readonly relu: boolean;
  private gamma!: tf.LayerVariable;
  private beta!: tf.LayerVariable;
  private movingMean!: tf.LayerVariable;
  private movingVariance!: tf.LayerVariable;
  constructor(args: Args<{ epsilon: number; momentum: number; gammaInit?: number; relu?: boolean }>) {
    super(args as object);
    this.epsilon = args.epsilon;
    this.momentum = args.momentum;
    this.gammaInit = args.gammaInit ?? 1;
    this.relu = args.relu ?? false;
  }
  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = singleShape(inputShape);
    const c = s[s.length - 1];
    if (c == null) throw new Error(`${this.name}: the channel axis of input ${JSON.stringify(s)} must have a defined size`);
    this.gamma = this.addWeight('gamma', [c], 'float32', tf.initializers.constant({ value: this.gammaInit }));
    this.beta = this.addWeight('beta', [c], 'float32', tf.initializers.zeros());
    this.movingMean = this.addWeight('moving_mean', [c], 'float32', tf.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight('moving_variance', [c], 'float32', tf.initializers.ones(), undefined, false);
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const gamma = this.gamma.read() as tf.Tensor1D;
      const beta = this.beta.read() as tf.Tensor1D;
      if (!kwargs.training) {
        const y = tf.batchNorm(x, this.movingMean.read() as tf.Tensor1D, this.movingVariance.read() as tf.Tensor1D, beta, gamma, this.epsilon);
        return this.relu ? tf.relu(y) : y;
      }
      const { y, mean, invStd } = batchNormTraining(x, gamma, beta, this.epsilon, this.relu);
      const n = x.size / x.shape[x.rank - 1];
      // One value per channel says nothing about its spread (torch refuses such a batch): the averages stay as they are.
      if (n > 1) {
        const moving = { mean: this.movingMean.read() as tf.Tensor1D, variance: this.movingVariance.read() as tf.Tensor1D };
        const [nextMean, nextVariance] = movingStatsUpdate(moving, { mean, invStd }, { momentum: this.momentum, epsilon: this.epsilon, unbias: n / (n - 1) });
        this.movingMean.write(nextMean);
        this.movingVariance.write(nextVariance);
      }
      return y;
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon, momentum: this.momentum, gammaInit: this.gammaInit, relu: this.relu };
  }
}

/**
 * Adaptive average pooling to a fixed output grid, as torch's AdaptiveAvgPool2d: output cell i averages input rows
 * floor(i*H/out) .. ceil((i+1)*H/out)-1 (cells may overlap or repeat when the input is smaller than the output).
 */
export class AdaptiveAvgPool2d extends tf.layers.Layer {
  static className = 'AdaptiveAvgPool2d';
  readonly outputSize: Pair;
  constructor(args: Args<{ outputSize: number | Pair }>) {
    super(args as object);
    this.outputSize = pair(args.outputSize);
  }
  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = singleShape(inputShape);
    return [s[0], this.outputSize[0], this.outputSize[1], s[3]];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs) as tf.Tensor4D;
      const [, h, w] = x.shape;
      const [oh, ow] = this.outputSize;
      if (h === oh && w === ow) return x.clone();
      if (h % oh === 0 && w % ow === 0) return tf.avgPool(x, [h / oh, w / ow], [h / oh, w / ow], 'valid');
      const bins = (n: number, out: number) =>
        Array.from({ length: out }, (_, i) => [Math.floor((i * n) / out), Math.ceil(((i + 1) * n) / out)] as const);
      const rows = bins(h, oh).map(([r0, r1]) => {
        const band = tf.slice(x, [0, r0, 0, 0], [-1, r1 - r0, -1, -1]);
        const cells = bins(w, ow).map(([c0, c1]) => tf.mean(tf.slice(band, [0, 0, c0, 0], [-1, -1, c1 - c0, -1]), [1, 2], true));
        return tf.concat(cells, 2);
      });
      return tf.concat(rows, 1);
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), outputSize: this.outputSize };
  }
}

/**
 * torchvision.ops.StochasticDepth(p, mode='row'): in training, drops the whole residual branch of each sample with
 * probability p and scales survivors by 1/(1-p); identity at inference.
 */
export class StochasticDepth extends tf.layers.Layer {
  static className = 'StochasticDepth';
  readonly rate: number;
  constructor(args: Args<{ rate: number }>) {
    super(args as object);
    this.rate = args.rate;
  }
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      if (!kwargs.training || this.rate <= 0) return x.clone();
      const keep = 1 - this.rate;
      const shape = [x.shape[0], ...x.shape.slice(1).map(() => 1)];
      const mask = tf.floor(tf.add(tf.randomUniform(shape), keep));
      return tf.mul(x, tf.div(mask, keep));
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}

/** ConvNeXt's layer scale: a learned per-channel factor (torch parameter of shape (C,1,1), initialized to `init`). */
export class LayerScale extends tf.layers.Layer {
  static className = 'LayerScale';
  readonly initValue: number;
  private gamma!: tf.LayerVariable;
  constructor(args: Args<{ initValue: number }>) {
    super(args as object);
    this.initValue = args.initValue;
  }
  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = singleShape(inputShape);
    this.gamma = this.addWeight('gamma', [s[s.length - 1]!], 'float32', tf.initializers.constant({ value: this.initValue }));
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.mul(single(inputs), this.gamma.read()));
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), initValue: this.initValue };
  }
}

/**
 * torchvision.ops.SqueezeExcitation: global average pool, 1x1 conv (fc1) + activation, 1x1 conv (fc2) + gate, scale
 * the input channels. fc1/fc2 are 1x1 convs in torch (kaiming-normal fan-out, zero bias, as the models initialize them).
 */
export class SqueezeExcite extends tf.layers.Layer {
  static className = 'SqueezeExcite';
  readonly squeeze: number;
  readonly activation: 'relu' | 'silu';
  readonly gate: 'sigmoid' | 'hardsigmoid';
  readonly seed: number | null;
  private w1!: tf.LayerVariable;
  private b1!: tf.LayerVariable;
  private w2!: tf.LayerVariable;
  private b2!: tf.LayerVariable;
  constructor(
    args: Args<{ squeeze: number; activation: 'relu' | 'silu'; gate: 'sigmoid' | 'hardsigmoid'; seed?: number | null }>,
  ) {
    super(args as object);
    this.squeeze = args.squeeze;
    this.activation = args.activation;
    this.gate = args.gate;
    this.seed = args.seed ?? null;
  }
  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = singleShape(inputShape);
    const c = s[s.length - 1]!;
    const normal = (stddev: number, k: number) =>
      this.seed == null ? tf.initializers.zeros() : tf.initializers.randomNormal({ mean: 0, stddev, seed: this.seed + k });
    this.w1 = this.addWeight('fc1/kernel', [c, this.squeeze], 'float32', normal(Math.sqrt(2 / this.squeeze), 0));
    this.b1 = this.addWeight('fc1/bias', [this.squeeze], 'float32', tf.initializers.zeros());
    this.w2 = this.addWeight('fc2/kernel', [this.squeeze, c], 'float32', normal(Math.sqrt(2 / c), 1));
    this.b2 = this.addWeight('fc2/bias', [c], 'float32', tf.initializers.zeros());
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs) as tf.Tensor4D;
      const pooled = tf.mean(x, [1, 2]) as tf.Tensor2D;
      const h = tf.add(tf.matMul(pooled, this.w1.read() as tf.Tensor2D), this.b1.read());
      const a = this.activation === 'relu' ? tf.relu(h) : tf.mul(h, tf.sigmoid(h));
      const g = tf.add(tf.matMul(a as tf.Tensor2D, this.w2.read() as tf.Tensor2D), this.b2.read());
      const scale = this.gate === 'sigmoid' ? tf.sigmoid(g) : hardSigmoid(g);
      return tf.mul(x, tf.reshape(scale, [x.shape[0], 1, 1, x.shape[3]]));
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), squeeze: this.squeeze, activation: this.activation, gate: this.gate, seed: this.seed };
  }
}

/**
 * ViT's class token and position embeddings: prepends a learned token (zeros) to the patch sequence [B,N,D] and adds
 * learned position embeddings [1,N+1,D] (normal, std 0.02), as torchvision's VisionTransformer and its Encoder do.
 */
export class ClassTokenPositionEmbedding extends tf.layers.Layer {
  static className = 'ClassTokenPositionEmbedding';
  readonly seed: number | null;
  private classToken!: tf.LayerVariable;
  private positions!: tf.LayerVariable;
  constructor(args: Args<{ seed?: number | null }>) {
    super(args as object);
    this.seed = args.seed ?? null;
  }
  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const [, n, d] = singleShape(inputShape) as number[];
    this.classToken = this.addWeight('class_token', [1, 1, d], 'float32', tf.initializers.zeros());
    const posInit = this.seed == null ? tf.initializers.zeros() : tf.initializers.randomNormal({ mean: 0, stddev: 0.02, seed: this.seed });
    this.positions = this.addWeight('pos_embedding', [1, n + 1, d], 'float32', posInit);
    this.built = true;
  }
  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [b, n, d] = singleShape(inputShape);
    return [b, n == null ? null : n + 1, d];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs) as tf.Tensor3D;
      const token = tf.tile(this.classToken.read(), [x.shape[0], 1, 1]);
      return tf.add(tf.concat([token, x], 1), this.positions.read());
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), seed: this.seed };
  }
}

/** The class-token row of a token sequence [B,N,D] -> [B,D] (torchvision: `x[:, 0]`). */
export class SelectClassToken extends tf.layers.Layer {
  static className = 'SelectClassToken';
  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = singleShape(inputShape);
    return [s[0], s[2]];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs) as tf.Tensor3D;
      return tf.reshape(tf.slice(x, [0, 0, 0], [-1, 1, -1]), [x.shape[0], x.shape[2]]);
    });
  }
}

/**
 * torch.nn.MultiheadAttention used as self-attention (batch_first, no dropout): in_proj [D,3D] (xavier-uniform,
 * zero bias), scaled dot-product attention per head, out_proj [D,D] (torch Linear default weight, zero bias).
 */
export class MultiHeadSelfAttention extends tf.layers.Layer {
  static className = 'MultiHeadSelfAttention';
  readonly numHeads: number;
  readonly seed: number | null;
  private inKernel!: tf.LayerVariable;
  private inBias!: tf.LayerVariable;
  private outKernel!: tf.LayerVariable;
  private outBias!: tf.LayerVariable;
  constructor(args: Args<{ numHeads: number; seed?: number | null }>) {
    super(args as object);
    this.numHeads = args.numHeads;
    this.seed = args.seed ?? null;
  }
  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const d = singleShape(inputShape)[2]!;
    if (d % this.numHeads) throw new Error(`${this.name}: hidden size ${d} is not divisible by ${this.numHeads} heads`);
    const uniform = (bound: number, k: number) =>
      this.seed == null ? tf.initializers.zeros() : tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed: this.seed + k });
    this.inKernel = this.addWeight('in_proj/kernel', [d, 3 * d], 'float32', uniform(Math.sqrt(6 / (4 * d)), 0));
    this.inBias = this.addWeight('in_proj/bias', [3 * d], 'float32', tf.initializers.zeros());
    this.outKernel = this.addWeight('out_proj/kernel', [d, d], 'float32', uniform(1 / Math.sqrt(d), 1));
    this.outBias = this.addWeight('out_proj/bias', [d], 'float32', tf.initializers.zeros());
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs) as tf.Tensor3D;
      const [b, n, d] = x.shape;
      const h = this.numHeads;
      const hd = d / h;
      const flat = tf.reshape(x, [b * n, d]) as tf.Tensor2D;
      const qkv = tf.add(tf.matMul(flat, this.inKernel.read() as tf.Tensor2D), this.inBias.read());
      const heads = (t: tf.Tensor) => tf.reshape(tf.transpose(tf.reshape(t, [b, n, h, hd]), [0, 2, 1, 3]), [b * h, n, hd]) as tf.Tensor3D;
      const [q, k, v] = tf.split(qkv, 3, 1).map(heads);
      const scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(hd));
      const context = tf.matMul(tf.softmax(scores), v); // [b*h, n, hd]
      const merged = tf.reshape(tf.transpose(tf.reshape(context, [b, h, n, hd]), [0, 2, 1, 3]), [b * n, d]) as tf.Tensor2D;
      const out = tf.add(tf.matMul(merged, this.outKernel.read() as tf.Tensor2D), this.outBias.read());
      return tf.reshape(out, [b, n, d]);
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), numHeads: this.numHeads, seed: this.seed };
  }
}

for (const cls of [HardSwish, TorchBatchNorm, AdaptiveAvgPool2d, StochasticDepth, LayerScale, SqueezeExcite, ClassTokenPositionEmbedding, SelectClassToken, MultiHeadSelfAttention]) {
  tf.serialization.registerClass(cls);
}

/** Residual add with optional stochastic depth on the branch (torchvision applies it to the branch, then adds). */
export function residual(shortcut: Sym, branch: Sym, dropRate: number, name?: string): Sym {
  const b = dropRate > 0 ? (new StochasticDepth({ rate: dropRate, name }).apply(branch) as Sym) : branch;
  return add([shortcut, b]);
}
