// The classifier's pieces: torch's nn.Linear (with torch's initialization), flatten and dropout.
import * as tf from '@tensorflow/tfjs';
import { biasInitializer, weightInitializer, type BiasInit, type Init, type WeightInit } from '../init.ts';
import { SeededDropout } from './random-drop.ts';

type Sym = tf.SymbolicTensor;

export function flatten(x: Sym): Sym {
  return tf.layers.flatten({}).apply(x) as Sym;
}

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
