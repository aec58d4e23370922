// SGD with momentum (torch's SGD(momentum), tfjs's MomentumOptimizer) whose per-variable update is one kernel when the
// backend has one registered under MOMENTUM_UPDATE_KERNEL (io/tf-engine/native-kernels.ts does for wasm), instead of
// tfjs's four element-wise kernels, each a pass over the weights and a fresh buffer: on ResNet-152's 60 M weights
// those passes are most of what a step spends outside convolutions. Slots, names and serialization are tfjs's
// (it extends MomentumOptimizer), so checkpoints do not change; without the kernel it is MomentumOptimizer.
import * as tf from '@tensorflow/tfjs';

/**
 * The kernel's contract: inputs {value, accumulation, gradient}, float32, one shape; attrs {learningRate, momentum,
 * nesterov}; outputs [newValue, newAccumulation] with acc' = momentum * acc + g and value' = value - lr * acc'
 * (nesterov: value - lr * (g + momentum * acc')), exactly tfjs's MomentumOptimizer.
 */
export const MOMENTUM_UPDATE_KERNEL = 'ImagenotMomentumUpdate';

interface MomentumSlots {
  accumulations: { originalName: string; variable: tf.Variable }[];
  momentum: number;
  useNesterov: boolean;
  learningRate: number;
}

type VariableGradients = Parameters<tf.MomentumOptimizer['applyGradients']>[0];

export class FusedMomentumOptimizer extends tf.MomentumOptimizer {
  override applyGradients(variableGradients: VariableGradients): void {
    if (!tf.getKernel(MOMENTUM_UPDATE_KERNEL, tf.getBackend())) {
      super.applyGradients(variableGradients);
      return;
    }
    const self = this as unknown as MomentumSlots;
    const list = Array.isArray(variableGradients)
      ? variableGradients.map((g) => ({ name: g.name, gradient: g.tensor }))
      : Object.keys(variableGradients).map((name) => ({ name, gradient: variableGradients[name] }));
    list.forEach(({ name, gradient }, i) => {
      const value = tf.engine().registeredVariables[name];
      // Slots are created in the same order, with the same names, as MomentumOptimizer creates them.
      self.accumulations[i] ??= {
        originalName: `${name}/momentum`,
        variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
      };
      if (gradient == null) return;
      const accumulation = self.accumulations[i].variable;
      tf.tidy(() => {
        const [newValue, newAccumulation] = tf.engine().runKernel(
          MOMENTUM_UPDATE_KERNEL,
          { value, accumulation, gradient } as unknown as tf.NamedTensorMap,
          {
            learningRate: self.learningRate,
            momentum: self.momentum,
            nesterov: self.useNesterov,
          } as unknown as tf.NamedAttrMap,
        ) as tf.Tensor[];
        accumulation.assign(newAccumulation);
        value.assign(newValue);
      });
    });
    this.incrementIterations();
  }
}
