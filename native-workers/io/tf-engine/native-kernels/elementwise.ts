// The element-wise training kernels, hand-written OpenMP loops (native/element-loops.inc, built per instruction set,
// and kernels.cc): the ReLU gradient, the SGD-momentum update, training-mode batch norm (optionally with its ReLU) with
// its gradient and running averages, and hard-swish with its gradient.
import type * as tf from '@tensorflow/tfjs';
import { MOVING_STATS_KERNEL } from '../../../core/architectures/fused-ops.ts';
import { MOMENTUM_UPDATE_KERNEL } from '../../../core/training/fused-momentum.ts';
import { RELU_GRAD_KERNEL } from '../gradient-overrides.ts';
import type { KernelContext, WasmLike } from './kernel-context.ts';

export function elementwiseKernels(ctx: KernelContext): tf.KernelConfig[] {
  const { k, view } = ctx;

  /** An element-wise activation's gradient kernel: inputs {dy, x}, output dx of x's shape. */
  const activationGrad = (
    name: string,
    compute: (dy: Float32Array, x: Float32Array, dx: Float32Array) => void,
  ): tf.KernelConfig => ({
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: (args) => {
      const b = args.backend as WasmLike;
      const { dy, x } = args.inputs as Record<string, tf.TensorInfo>;
      const dx = b.makeOutput(x.shape, 'float32');
      compute(view(b, dy), view(b, x), view(b, dx));
      return dx;
    },
  });

  const channels = (t: tf.TensorInfo) => t.shape[t.shape.length - 1];
  const size = (t: tf.TensorInfo) => t.shape.reduce((p, d) => p * d, 1);

  return [
    activationGrad(RELU_GRAD_KERNEL, (dy, x, dx) => k.reluGrad(dy, x, dx)),
    {
      kernelName: MOMENTUM_UPDATE_KERNEL,
      backendName: 'wasm',
      kernelFunc: (args) => {
        const b = args.backend as WasmLike;
        const { value, accumulation, gradient } = args.inputs as Record<string, tf.TensorInfo>;
        const a = args.attrs as unknown as { learningRate: number; momentum: number; nesterov: boolean };
        const newValue = b.makeOutput(value.shape, 'float32');
        const newAccumulation = b.makeOutput(value.shape, 'float32');
        k.momentumUpdate(
          view(b, value),
          view(b, accumulation),
          view(b, gradient),
          view(b, newValue),
          view(b, newAccumulation),
          a.learningRate,
          a.momentum,
          a.nesterov,
        );
        return [newValue, newAccumulation];
      },
    },
    {
      kernelName: MOVING_STATS_KERNEL,
      backendName: 'wasm',
      kernelFunc: (args) => {
        const b = args.backend as WasmLike;
        const { movingMean, movingVariance, mean, invStd } = args.inputs as Record<string, tf.TensorInfo>;
        const a = args.attrs as unknown as { momentum: number; epsilon: number; unbias: number };
        const newMean = b.makeOutput(movingMean.shape, 'float32');
        const newVariance = b.makeOutput(movingMean.shape, 'float32');
        k.batchNormMovingStats(
          view(b, movingMean),
          view(b, movingVariance),
          view(b, mean),
          view(b, invStd),
          view(b, newMean),
          view(b, newVariance),
          a.momentum,
          a.epsilon,
          a.unbias,
        );
        return [newMean, newVariance];
      },
    },
    {
      kernelName: 'ImagenotBatchNormTrain',
      backendName: 'wasm',
      kernelFunc: (args) => {
        const b = args.backend as WasmLike;
        const { x, gamma, beta } = args.inputs as Record<string, tf.TensorInfo>;
        const { epsilon, relu } = args.attrs as unknown as { epsilon: number; relu?: number };
        const c = channels(x);
        const y = b.makeOutput(x.shape, 'float32');
        const mean = b.makeOutput([c], 'float32');
        const invStd = b.makeOutput([c], 'float32');
        k.batchNormTrain(
          view(b, x),
          view(b, gamma),
          view(b, beta),
          view(b, y),
          view(b, mean),
          view(b, invStd),
          size(x) / c,
          c,
          epsilon,
          !!relu,
        );
        return [y, mean, invStd];
      },
    },
    {
      kernelName: 'ImagenotBatchNormTrainGrad',
      backendName: 'wasm',
      kernelFunc: (args) => {
        const b = args.backend as WasmLike;
        const { dy, x, gamma, mean, invStd, y } = args.inputs as Record<string, tf.TensorInfo | undefined> as Record<
          string,
          tf.TensorInfo
        >;
        const c = channels(x);
        const dx = b.makeOutput(x.shape, 'float32');
        const dgamma = b.makeOutput([c], 'float32');
        const dbeta = b.makeOutput([c], 'float32');
        const relu = (args.attrs as unknown as { relu?: number }).relu;
        if (relu && !y) throw new Error('ImagenotBatchNormTrainGrad with relu needs the forward output y');
        k.batchNormTrainGrad(
          view(b, dy),
          view(b, x),
          view(b, gamma),
          view(b, mean),
          view(b, invStd),
          view(b, dx),
          view(b, dgamma),
          view(b, dbeta),
          size(x) / c,
          c,
          relu ? view(b, y) : null,
        );
        return [dx, dgamma, dbeta];
      },
    },
    {
      kernelName: 'ImagenotHardSwish',
      backendName: 'wasm',
      kernelFunc: (args) => {
        const b = args.backend as WasmLike;
        const { x } = args.inputs as Record<string, tf.TensorInfo>;
        const y = b.makeOutput(x.shape, 'float32');
        k.hardSwish(view(b, x), view(b, y));
        return y;
      },
    },
    activationGrad('ImagenotHardSwishGrad', (dy, x, dx) => k.hardSwishGrad(dy, x, dx)),
  ];
}
