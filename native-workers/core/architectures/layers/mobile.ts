// The MobileNetV3 / EfficientNet family's pieces: squeeze-and-excitation and torch's channel rounding.
import * as tf from '@tensorflow/tfjs';
import { hardSigmoid } from '../fused-ops.ts';
import { single, singleShape, type Args } from './custom-layer.ts';

/** torch's _make_divisible (MobileNet / EfficientNet channel rounding). */
export function makeDivisible(v: number, divisor = 8, minValue?: number): number {
  const min = minValue ?? divisor;
  let out = Math.max(min, Math.floor((v + divisor / 2) / divisor) * divisor);
  if (out < 0.9 * v) out += divisor;
  return out;
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
      this.seed == null
        ? tf.initializers.zeros()
        : tf.initializers.randomNormal({ mean: 0, stddev, seed: this.seed + k });
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
    return {
      ...super.getConfig(),
      squeeze: this.squeeze,
      activation: this.activation,
      gate: this.gate,
      seed: this.seed,
    };
  }
}

tf.serialization.registerClass(SqueezeExcite);
