// Dropout and stochastic depth: in training each zeroes with probability `rate` (an element, or a sample's whole
// residual branch) and scales what survives by 1/(1-rate); identity at inference. Their masks are drawn with seeds
// from the step's noise (Kwargs.noise), so a training step is a function of its seed.
import * as tf from '@tensorflow/tfjs';
import { single, type Args, type Kwargs } from './custom-layer.ts';

abstract class RandomDrop extends tf.layers.Layer {
  readonly rate: number;
  constructor(args: Args<{ rate: number }>) {
    super(args as object);
    this.rate = args.rate;
  }
  /** The mask's shape for input `x`: undefined for one draw per element. */
  protected abstract maskShape(x: tf.Tensor): number[] | undefined;
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      if (!kwargs.training || this.rate <= 0) return x.clone();
      return tf.dropout(x, this.rate, this.maskShape(x), kwargs.noise?.next());
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}

/** torch nn.Dropout (tfjs's own Dropout layer takes one fixed seed or none). */
export class SeededDropout extends RandomDrop {
  static className = 'SeededDropout';
  protected maskShape(): undefined {
    return undefined;
  }
}

/** torchvision.ops.StochasticDepth(p, mode='row'): drops the whole residual branch of each sample. */
export class StochasticDepth extends RandomDrop {
  static className = 'StochasticDepth';
  protected maskShape(x: tf.Tensor): number[] {
    return [x.shape[0]!, ...x.shape.slice(1).map(() => 1)];
  }
}

for (const cls of [SeededDropout, StochasticDepth]) tf.serialization.registerClass(cls);
