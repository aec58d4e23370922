// The vision transformer's layers: class token + position embeddings, multi-head self-attention in torch's
// in_proj/out_proj layout, and the class-token readout.
import * as tf from '@tensorflow/tfjs';
import { single, singleShape, type Args } from './custom-layer.ts';

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
    const posInit =
      this.seed == null
        ? tf.initializers.zeros()
        : tf.initializers.randomNormal({ mean: 0, stddev: 0.02, seed: this.seed });
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
      this.seed == null
        ? tf.initializers.zeros()
        : tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed: this.seed + k });
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
      const heads = (t: tf.Tensor) =>
        tf.reshape(tf.transpose(tf.reshape(t, [b, n, h, hd]), [0, 2, 1, 3]), [b * h, n, hd]) as tf.Tensor3D;
      const [q, k, v] = tf.split(qkv, 3, 1).map(heads);
      const scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(hd));
      const context = tf.matMul(tf.softmax(scores), v); // [b*h, n, hd]
      const merged = tf.reshape(tf.transpose(tf.reshape(context, [b, h, n, hd]), [0, 2, 1, 3]), [
        b * n,
        d,
      ]) as tf.Tensor2D;
      const out = tf.add(tf.matMul(merged, this.outKernel.read() as tf.Tensor2D), this.outBias.read());
      return tf.reshape(out, [b, n, d]);
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), numHeads: this.numHeads, seed: this.seed };
  }
}

for (const cls of [ClassTokenPositionEmbedding, SelectClassToken, MultiHeadSelfAttention])
  tf.serialization.registerClass(cls);
