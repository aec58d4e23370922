// torch.optim.RMSprop (non-centered, with momentum), which torchvision's MobileNetV3 recipe uses with alpha 0.9,
// eps 0.0316: v = alpha v + (1 - alpha) g^2; buf = momentum buf + g / (sqrt(v) + eps); p -= lr buf. tfjs's
// RMSPropOptimizer differs twice: it adds epsilon inside the square root (g / sqrt(v + eps)) and keeps lr inside the
// momentum buffer (buf = momentum buf + lr g / sqrt(v + eps); p -= buf), so a schedule that changes lr changes what
// the buffer already holds. Same slots, names and checkpoint layout as tfjs's (it extends it); the momentum slot holds
// torch's buffer (without lr).
import * as tf from '@tensorflow/tfjs';

interface RmsSlots {
  accumulatedMeanSquares: { originalName: string; variable: tf.Variable }[];
  accumulatedMoments: { originalName: string; variable: tf.Variable }[];
}

type VariableGradients = Parameters<tf.RMSPropOptimizer['applyGradients']>[0];

export class TorchRmsPropOptimizer extends tf.RMSPropOptimizer {
  constructor(
    learningRate: number,
    readonly alpha: number,
    readonly momentumFactor: number,
    /** torch's epsilon, added to sqrt(v). */
    readonly torchEpsilon: number,
  ) {
    super(learningRate, alpha, momentumFactor, torchEpsilon);
  }

  override applyGradients(variableGradients: VariableGradients): void {
    const self = this as unknown as RmsSlots & { learningRate: number };
    const list = Array.isArray(variableGradients)
      ? variableGradients.map((g) => ({ name: g.name, gradient: g.tensor }))
      : Object.keys(variableGradients).map((name) => ({ name, gradient: variableGradients[name] }));
    list.forEach(({ name, gradient }, i) => {
      const value = tf.engine().registeredVariables[name];
      self.accumulatedMeanSquares[i] ??= {
        originalName: `${name}/rms`,
        variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
      };
      self.accumulatedMoments[i] ??= {
        originalName: `${name}/momentum`,
        variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
      };
      if (gradient == null) return;
      const square = self.accumulatedMeanSquares[i].variable;
      const buffer = self.accumulatedMoments[i].variable;
      tf.tidy(() => {
        const v = tf.add(tf.mul(square, this.alpha), tf.mul(tf.square(gradient), 1 - this.alpha));
        const step = tf.div(gradient, tf.add(tf.sqrt(v), this.torchEpsilon));
        square.assign(v);
        if (this.momentumFactor > 0) {
          const b = tf.add(tf.mul(buffer, this.momentumFactor), step);
          buffer.assign(b);
          value.assign(tf.sub(value, tf.mul(b, self.learningRate)));
        } else value.assign(tf.sub(value, tf.mul(step, self.learningRate)));
      });
    });
    this.incrementIterations();
  }
}
