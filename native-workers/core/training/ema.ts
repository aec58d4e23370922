// Exponential moving average of the weights, as torchvision's references keep it (`--model-ema`): references/
// classification/utils.py ExponentialMovingAverage is torch's AveragedModel with use_buffers=True (every parameter and
// buffer, so batch norm's running statistics too) and avg = decay * avg + (1 - decay) * weight; the first update after
// a reset copies the weights. train.py updates it after the optimizer step of every batch i with i % steps == 0
// (i counted from 0 within the epoch) and, during the warm-up epochs, resets it after each update (so it keeps copying),
// and sets decay from --model-ema-decay with an adjustment for batch size and epochs (emaDecayPerUpdate).
import * as tf from '@tensorflow/tfjs';

export interface EmaSettings {
  /** The recipe's --model-ema-decay (0.99998 in torchvision's commands). */
  decay: number;
  /** --model-ema-steps: update every this many batches (32). */
  steps: number;
}

/**
 * train.py's adjustment: adjust = world_size * batch_size * steps / epochs; alpha = min(1, (1 - decay) * adjust); the
 * decay used per update is 1 - alpha. `globalBatch` is world_size * batch_size (the recipe's global batch).
 */
export function emaDecayPerUpdate(settings: EmaSettings, globalBatch: number, epochs: number): number {
  const adjust = (globalBatch * settings.steps) / epochs;
  const alpha = Math.min(1, (1 - settings.decay) * adjust);
  return 1 - alpha;
}

export class WeightEma {
  /** The averaged copy of every model weight, in `model.weights` order. */
  readonly averages: tf.Variable[];
  /** torch's n_averaged: 0 means the next update copies. */
  updates = 0;

  constructor(
    private readonly weights: readonly tf.LayerVariable[],
    readonly decay: number,
    readonly steps: number,
    readonly warmupEpochs: number,
  ) {
    this.averages = weights.map((w) => tf.variable(w.read(), false));
  }

  /** AveragedModel.update_parameters. */
  update(): void {
    tf.tidy(() => {
      this.weights.forEach((w, i) => {
        const avg = this.averages[i];
        const next = this.updates === 0 ? w.read() : tf.add(tf.mul(this.decay, avg), tf.mul(1 - this.decay, w.read()));
        avg.assign(next);
      });
    });
    this.updates++;
  }

  /** After the optimizer step of batch `batchInEpoch` (from 0) of epoch `epoch` (from 0). */
  afterStep(batchInEpoch: number, epoch: number): void {
    if (batchInEpoch % this.steps !== 0) return;
    this.update();
    if (epoch < this.warmupEpochs) this.updates = 0;
  }

  /** Exchange the model's weights with the averages (call again to exchange them back). */
  swap(): void {
    tf.tidy(() => {
      this.weights.forEach((w, i) => {
        const current = tf.clone(w.read());
        w.write(this.averages[i]);
        this.averages[i].assign(current);
      });
    });
  }

  /** Run `fn` with the averaged weights in the model, then put the trained ones back. */
  async withAverages<T>(fn: () => Promise<T> | T): Promise<T> {
    this.swap();
    try {
      return await fn();
    } finally {
      this.swap();
    }
  }

  /** For the checkpoint: the averages (named) and the update count. */
  named(): { name: string; tensor: tf.Tensor }[] {
    return this.averages.map((a, i) => ({
      name: `ema/${this.weights[i].originalName ?? this.weights[i].name}`,
      tensor: a,
    }));
  }

  restore(tensors: readonly tf.Tensor[], updates: number): void {
    if (tensors.length !== this.averages.length)
      throw new Error(`EMA checkpoint has ${tensors.length} tensors for ${this.averages.length} weights`);
    tensors.forEach((t, i) => this.averages[i].assign(t));
    this.updates = updates;
  }

  dispose(): void {
    for (const a of this.averages) a.dispose();
  }
}
