// MaxPoolGrad as an OpenMP loop (kernels.cc): the gradient goes to the first strict maximum of each window, as on the cpu backend
// (wasm's own starts its search at 0, so windows of negative values lost their gradient).
import * as tf from '@tensorflow/tfjs';
import type { KernelContext, WasmLike } from './kernel-context.ts';
import type { ConvAttrs } from './shapes.ts';

export function maxPoolGradKernel(ctx: KernelContext): tf.KernelConfig {
  const { k, view, fallback, float } = ctx;
  return {
    kernelName: 'MaxPoolGrad',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const b = args.backend as WasmLike;
      const { dy, input } = args.inputs as Record<string, tf.TensorInfo>;
      const a = args.attrs as unknown as {
        filterSize: number | [number, number];
        strides: number | [number, number];
        pad: ConvAttrs['pad'];
        dimRoundingMode?: ConvAttrs['dimRoundingMode'];
      };
      if (!float(dy, input)) return fallback('MaxPoolGrad', args);
      const c = tf.backend_util.computePool2DInfo(
        input.shape as [number, number, number, number],
        a.filterSize,
        a.strides,
        1,
        a.pad,
        a.dimRoundingMode,
      );
      const dx = b.makeOutput(input.shape, 'float32');
      const shape = Int32Array.from([
        c.batchSize,
        c.inHeight,
        c.inWidth,
        c.inChannels,
        c.outHeight,
        c.outWidth,
        c.strideHeight,
        c.strideWidth,
        c.dilationHeight,
        c.dilationWidth,
        c.effectiveFilterHeight,
        c.effectiveFilterWidth,
        c.padInfo.top,
        c.padInfo.left,
      ]);
      k.maxPoolGrad(view(b, input), view(b, dy), view(b, dx), shape);
      return dx;
    },
  };
}
