// Activations: torch's names mapped to tfjs layers (SiLU is tfjs's swish, GELU the exact erf form), and HardSwish,
// which tfjs lacks.
import * as tf from '@tensorflow/tfjs';
import { hardSwish } from '../fused-ops.ts';
import { single } from './custom-layer.ts';

type Sym = tf.SymbolicTensor;

export type ActivationName = 'relu' | 'silu' | 'gelu' | 'hardswish' | 'linear';

export function activation(x: Sym, act: ActivationName): Sym {
  if (act === 'linear') return x;
  if (act === 'hardswish') return new HardSwish({}).apply(x) as Sym;
  return tf.layers.activation({ activation: act === 'silu' ? 'swish' : act }).apply(x) as Sym;
}

export function relu(x: Sym): Sym {
  return activation(x, 'relu');
}

/** torch.nn.Hardswish: x * relu6(x + 3) / 6, with torch's gradient (fused-ops.ts). */
export class HardSwish extends tf.layers.Layer {
  static className = 'HardSwish';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return hardSwish(single(inputs));
  }
}

tf.serialization.registerClass(HardSwish);
