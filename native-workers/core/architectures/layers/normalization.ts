// Normalization: torch's BatchNorm (TorchBatchNorm, torch's semantics over the channel axis) and LayerNorm.
import * as tf from '@tensorflow/tfjs';
import { batchNormTraining, movingStatsUpdate } from '../fused-ops.ts';
import type { Init } from '../init.ts';
import { single, singleShape, type Args, type Kwargs } from './custom-layer.ts';

type Sym = tf.SymbolicTensor;

/** torch nn.BatchNorm2d (weight=1, bias=0) over the channel axis; `momentum` is torch's. gamma/beta are the parameters. */
export function batchNorm(
  x: Sym,
  name: string,
  init: Init,
  opts: { eps?: number; momentum?: number; relu?: boolean } = {},
): Sym {
  return new TorchBatchNorm({
    name,
    epsilon: opts.eps ?? 1e-5,
    momentum: opts.momentum ?? 0.1,
    gammaInit: init.oneValue(),
    relu: opts.relu ?? false,
  }).apply(x) as Sym;
}

/** torch nn.LayerNorm over the last (channel) axis — also ConvNeXt's LayerNorm2d, since our tensors are channels-last. */
export function layerNorm(x: Sym, name: string, init: Init, eps: number): Sym {
  return tf.layers
    .layerNormalization({ name, axis: -1, epsilon: eps, gammaInitializer: init.one(), betaInitializer: init.zero() })
    .apply(x) as Sym;
}

/**
 * torch nn.BatchNorm1d/2d over the last (channel) axis, as torch computes it. Training: normalizes with the batch's
 * statistics (one fused op, fused-ops.ts) and updates the moving averages as torch does its running buffers,
 * running = (1 - momentum) * running + momentum * batch, with the UNBIASED batch variance (n/(n-1)) for the variance.
 * Inference: normalizes with the moving statistics. Weights as tfjs's BatchNormalization names and orders them
 * (gamma, beta trainable; moving_mean, moving_variance not), so parameter counts and checkpoints are unchanged.
 * `relu`: the ReLU torch applies right after (BN -> ReLU) is part of this layer's op (fewer passes over the activation).
 */
export class TorchBatchNorm extends tf.layers.Layer {
  static className = 'TorchBatchNorm';
  readonly epsilon: number;
  /** torch's momentum: the weight of the new batch in the running averages. */
  readonly momentum: number;
  /** gamma's initial value: 1 (torch), 0 when zero-initializing to count parameters. */
  readonly gammaInit: number;
  /** max(0, y) in the same op. */
  readonly relu: boolean;
  private gamma!: tf.LayerVariable;
  private beta!: tf.LayerVariable;
  private movingMean!: tf.LayerVariable;
  private movingVariance!: tf.LayerVariable;
  constructor(args: Args<{ epsilon: number; momentum: number; gammaInit?: number; relu?: boolean }>) {
    super(args as object);
    this.epsilon = args.epsilon;
    this.momentum = args.momentum;
    this.gammaInit = args.gammaInit ?? 1;
    this.relu = args.relu ?? false;
  }
  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = singleShape(inputShape);
    const c = s[s.length - 1];
    if (c == null)
      throw new Error(`${this.name}: the channel axis of input ${JSON.stringify(s)} must have a defined size`);
    this.gamma = this.addWeight('gamma', [c], 'float32', tf.initializers.constant({ value: this.gammaInit }));
    this.beta = this.addWeight('beta', [c], 'float32', tf.initializers.zeros());
    this.movingMean = this.addWeight('moving_mean', [c], 'float32', tf.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight('moving_variance', [c], 'float32', tf.initializers.ones(), undefined, false);
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const gamma = this.gamma.read() as tf.Tensor1D;
      const beta = this.beta.read() as tf.Tensor1D;
      if (!kwargs.training) {
        const y = tf.batchNorm(
          x,
          this.movingMean.read() as tf.Tensor1D,
          this.movingVariance.read() as tf.Tensor1D,
          beta,
          gamma,
          this.epsilon,
        );
        return this.relu ? tf.relu(y) : y;
      }
      const { y, mean, invStd } = batchNormTraining(x, gamma, beta, this.epsilon, this.relu);
      const n = x.size / x.shape[x.rank - 1];
      // One value per channel says nothing about its spread (torch refuses such a batch): the averages stay as they are.
      if (n > 1) {
        const moving = {
          mean: this.movingMean.read() as tf.Tensor1D,
          variance: this.movingVariance.read() as tf.Tensor1D,
        };
        const [nextMean, nextVariance] = movingStatsUpdate(
          moving,
          { mean, invStd },
          { momentum: this.momentum, epsilon: this.epsilon, unbias: n / (n - 1) },
        );
        this.movingMean.write(nextMean);
        this.movingVariance.write(nextVariance);
      }
      return y;
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      epsilon: this.epsilon,
      momentum: this.momentum,
      gammaInit: this.gammaInit,
      relu: this.relu,
    };
  }
}

tf.serialization.registerClass(TorchBatchNorm);
