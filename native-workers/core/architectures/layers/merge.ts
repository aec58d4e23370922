// Joining branches: elementwise sum (residuals) and concatenation over the channel axis (Inception, DenseNet).
import * as tf from '@tensorflow/tfjs';

type Sym = tf.SymbolicTensor;

export function add(xs: Sym[]): Sym {
  return tf.layers.add({}).apply(xs) as Sym;
}

export function concat(xs: Sym[]): Sym {
  return tf.layers.concatenate({ axis: -1 }).apply(xs) as Sym;
}
