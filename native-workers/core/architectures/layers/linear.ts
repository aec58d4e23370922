// The classifier's pieces: torch's nn.Linear (with torch's initialization), flatten and dropout.
import * as tf from '@tensorflow/tfjs';
import { biasInitializer, weightInitializer, type BiasInit, type Init, type WeightInit } from '../init.ts';
import { single, type Args, type Kwargs } from './custom-layer.ts';

type Sym = tf.SymbolicTensor;

export function flatten(x: Sym): Sym {
  return tf.layers.flatten({}).apply(x) as Sym;
}

/**
 * torch nn.Dropout: in training, zeroes each element with probability `rate` and scales the rest by 1/(1-rate), its
 * mask drawn from the step's noise (tfjs's own Dropout layer takes one fixed seed or none).
 */
export class SeededDropout extends tf.layers.Layer {
  static className = 'SeededDropout';
  readonly rate: number;
  constructor(args: Args<{ rate: number }>) {
    super(args as object);
    this.rate = args.rate;
  }
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      return kwargs.training ? tf.dropout(x, this.rate, undefined, kwargs.noise?.next()) : x.clone();
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}
tf.serialization.registerClass(SeededDropout);

export function dropout(x: Sym, rate: number): Sym {
  return rate > 0 ? (new SeededDropout({ rate }).apply(x) as Sym) : x;
}

/** torch nn.Linear on the last axis. */
export function linear(
  x: Sym,
  name: string,
  units: number,
  init: Init,
  weight: WeightInit,
  bias: BiasInit = 'torchDefault',
): Sym {
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
