// Residual branches: ConvNeXt's layer scale, and the residual sum with stochastic depth on the branch.
import * as tf from '@tensorflow/tfjs';
import { single, singleShape, type Args } from './custom-layer.ts';
import { StochasticDepth } from './random-drop.ts';
import { add } from './merge.ts';

type Sym = tf.SymbolicTensor;

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

tf.serialization.registerClass(LayerScale);

/** Residual add with optional stochastic depth on the branch (torchvision applies it to the branch, then adds). */
export function residual(shortcut: Sym, branch: Sym, dropRate: number, name?: string): Sym {
  const b = dropRate > 0 ? (new StochasticDepth({ rate: dropRate, name }).apply(branch) as Sym) : branch;
  return add([shortcut, b]);
}
