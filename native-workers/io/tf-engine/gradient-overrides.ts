// Gradients that replace tfjs's own, registered for every backend (tf.registerGradient is per kernel name, not per
// backend). Checked in test/helpers/wasm-kernel-suite.ts.
// - Tile: tfjs adds one slice of dy per repetition (prod(reps) slice+add kernels); tfjs-layers' LayerNormalization
//   tiles gamma/beta to the whole batch x tokens, so ViT and ConvNeXt ran tens of thousands of tiny kernels per step.
//   Here: reshape dy to [r0, x0, r1, x1, ...] and sum over the repetition axes — two kernels.
// - Relu: tfjs computes dy * cast(step(x)), three passes over the activation and two temporaries; where the backend
//   has RELU_GRAD_KERNEL (the native kernels do, for wasm) it is one pass.
import * as tf from '@tensorflow/tfjs';

/** Kernel contract: inputs {dy, x}, float32, one shape; output dx = x > 0 ? dy : 0 (tfjs's and torch's convention). */
export const RELU_GRAD_KERNEL = 'ImagenotReluGrad';

export const tileGradConfig: tf.GradConfig = {
  kernelName: 'Tile',
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const { reps } = attrs as unknown as { reps: number[] };
    return {
      x: () => {
        const g = dy as tf.Tensor;
        const split: number[] = [];
        const axes: number[] = [];
        x.shape.forEach((dim, i) => {
          axes.push(split.length);
          split.push(reps[i], dim);
        });
        return tf.sum(tf.reshape(g, split), axes);
      },
    };
  },
};

export const reluGradConfig: tf.GradConfig = {
  kernelName: 'Relu',
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved;
    const g = dy as tf.Tensor;
    return {
      x: () =>
        tf.getKernel(RELU_GRAD_KERNEL, tf.getBackend()) && x.dtype === 'float32'
          ? (tf.engine().runKernel(RELU_GRAD_KERNEL, { dy: g, x } as unknown as tf.NamedTensorMap) as tf.Tensor)
          : tf.mul(g, tf.cast(tf.step(x), 'float32')),
    };
  },
};

let registered = false;
export function registerGradientOverrides(): void {
  if (registered) return;
  registered = true;
  const warn = console.warn;
  console.warn = () => {}; // tfjs warns that a gradient is being overridden: that is the point.
  try {
    tf.registerGradient(tileGradConfig);
    tf.registerGradient(reluGradConfig);
  } finally {
    console.warn = warn;
  }
}
