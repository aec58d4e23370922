// Residual branches: stochastic depth (torchvision's mode "row"), ConvNeXt's layer scale, and the residual sum.
import * as tf from '@tensorflow/tfjs';
import { single, singleShape, type Args, type Kwargs } from './custom-layer.ts';
import { add } from './merge.ts';

type Sym = tf.SymbolicTensor;

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
      const mask = tf.floor(tf.add(tf.randomUniform(shape, 0, 1, 'float32', kwargs.noise?.next()), keep));
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
    this.gamma = this.addWeight(
      'gamma',
      [s[s.length - 1]!],
      'float32',
      tf.initializers.constant({ value: this.initValue }),
    );
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.mul(single(inputs), this.gamma.read()));
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), initValue: this.initValue };
  }
}

for (const cls of [StochasticDepth, LayerScale]) tf.serialization.registerClass(cls);

/** Residual add with optional stochastic depth on the branch (torchvision applies it to the branch, then adds). */
export function residual(shortcut: Sym, branch: Sym, dropRate: number, name?: string): Sym {
  const b = dropRate > 0 ? (new StochasticDepth({ rate: dropRate, name }).apply(branch) as Sym) : branch;
  return add([shortcut, b]);
}
