// What the layer modules share: a kernel/padding pair, and for the custom layers (tf.layers.Layer subclasses) their
// constructor arguments, their call's kwargs, and the single input or input shape tfjs may hand over in an array.
import type * as tf from '@tensorflow/tfjs';
import type { SeedSequence } from '../random.ts';

export type Pair = [number, number];
export const pair = (v: number | Pair): Pair => (Array.isArray(v) ? v : [v, v]);

/** Constructor arguments of a custom layer: its own fields plus tfjs's LayerArgs (name, trainable, dtype...). */
export type Args<T> = T & { name?: string; [key: string]: unknown };
/**
 * A call's kwargs; tfjs hands the same object to every layer of the graph. `noise`: the seeds of a training step's
 * random draws (dropout masks, stochastic depth), taken in the graph's execution order, so that a step's draws are a
 * function of the seed the training loop gives it; without it they are unseeded.
 */
export type Kwargs = { training?: boolean; noise?: SeedSequence; [k: string]: unknown };
export const single = (inputs: tf.Tensor | tf.Tensor[]): tf.Tensor => (Array.isArray(inputs) ? inputs[0] : inputs);
export const singleShape = (s: tf.Shape | tf.Shape[]): tf.Shape =>
  Array.isArray(s[0]) ? (s[0] as tf.Shape) : (s as tf.Shape);
