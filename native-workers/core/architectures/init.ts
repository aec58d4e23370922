// Weight initialization as torchvision does it: the initializer source each builder receives (seeded per weight), and
// torch's rules (default uniform, kaiming, xavier, normal) turned into tfjs initializers from a weight's fans.
import * as tf from '@tensorflow/tfjs';
import { SeedSequence } from './random.ts';

export type Initializer = ReturnType<typeof tf.initializers.zeros>;

/**
 * Hands out tfjs initializers with a distinct seed per weight (derived from one build seed). With `zeros` every
 * weight starts at 0: the same model, cheap to allocate, used to count parameters of the full-size models.
 */
export class Init {
  private readonly seeds: SeedSequence;
  constructor(
    seed: number | undefined,
    private readonly zeros = false,
  ) {
    this.seeds = new SeedSequence(seed);
  }
  normal(stddev: number): Initializer {
    return this.zeros
      ? tf.initializers.zeros()
      : tf.initializers.randomNormal({ mean: 0, stddev, seed: this.seeds.next() });
  }
  uniform(bound: number): Initializer {
    return this.zeros
      ? tf.initializers.zeros()
      : tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed: this.seeds.next() });
  }
  zero(): Initializer {
    return tf.initializers.zeros();
  }
  one(): Initializer {
    return this.zeros ? tf.initializers.zeros() : tf.initializers.ones();
  }
  /** The value one() initializes to (0 when zero-initializing). */
  oneValue(): number {
    return this.zeros ? 0 : 1;
  }
  /** A seed for custom layers that create their own initializers (null when zero-initializing). */
  layerSeed(): number | null {
    return this.zeros ? null : this.seeds.next();
  }
}

/** How a conv or linear weight is initialized, in torchvision's terms. `fanIn`/`fanOut` follow torch's definition. */
export type WeightInit =
  | { kind: 'torchDefault' } // nn.Conv2d / nn.Linear reset_parameters: U(+-1/sqrt(fan_in)) for weight and bias
  | { kind: 'kaimingNormal'; mode: 'fanIn' | 'fanOut' } // relu gain: N(0, 2/fan)
  | { kind: 'normal'; std: number } // normal_ / trunc_normal_(a=-2,b=2) with std << 1 (the truncation never bites)
  | { kind: 'uniform'; bound: number }
  | { kind: 'xavierUniform' }
  | { kind: 'zeros' };

export type BiasInit = 'torchDefault' | 'zeros' | { kind: 'normal'; std: number };

export function weightInitializer(init: Init, w: WeightInit, fanIn: number, fanOut: number): Initializer {
  switch (w.kind) {
    case 'torchDefault':
      return init.uniform(1 / Math.sqrt(fanIn));
    case 'kaimingNormal':
      return init.normal(Math.sqrt(2 / (w.mode === 'fanIn' ? fanIn : fanOut)));
    case 'normal':
      return init.normal(w.std);
    case 'uniform':
      return init.uniform(w.bound);
    case 'xavierUniform':
      return init.uniform(Math.sqrt(6 / (fanIn + fanOut)));
    case 'zeros':
      return init.zero();
  }
}

export function biasInitializer(init: Init, b: BiasInit, fanIn: number): Initializer {
  if (b === 'torchDefault') return init.uniform(1 / Math.sqrt(fanIn));
  if (b === 'zeros') return init.zero();
  return init.normal(b.std);
}
