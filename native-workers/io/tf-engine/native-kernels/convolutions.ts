// The convolutions computed by oneDNN: Conv2D and DepthwiseConv2dNative forward (plain and fused with a bias and
// activation) and both of their gradients. A 1x1 stride-1 unpadded convolution runs as a matrix product (shapes.ts).
import * as tf from '@tensorflow/tfjs';
import type { KernelContext, WasmLike } from './kernel-context.ts';
import { ACTIVATIONS, convShape, isPointwise, matMulParams, paddable, type ConvAttrs, type Shape4 } from './shapes.ts';

export function convolutionKernels(ctx: KernelContext): tf.KernelConfig[] {
  const { k, view, fallback, float } = ctx;

  const forward = (name: string, depthwise: boolean): tf.KernelConfig => ({
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: (args) => {
      const { inputs, attrs } = args;
      const b = args.backend as WasmLike;
      const a = attrs as unknown as ConvAttrs;
      const { x, filter, bias, preluActivationWeights } = inputs as Record<string, tf.TensorInfo | undefined>;
      const act = ACTIVATIONS[a.activation ?? 'linear'];
      const info = tf.backend_util.computeConv2DInfo(
        x!.shape as [number, number, number, number],
        filter!.shape as [number, number, number, number],
        a.strides,
        a.dilations ?? 1,
        a.pad,
        a.dimRoundingMode,
        depthwise,
      );
      const biasOk = !bias || (bias.shape.length === 1 && bias.shape[0] === info.outChannels);
      if (
        (a.dataFormat && a.dataFormat !== 'NHWC') ||
        act === undefined ||
        preluActivationWeights ||
        !biasOk ||
        !paddable(info) ||
        !float(x, filter, bias)
      ) {
        return fallback(name, args);
      }
      const out = b.makeOutput(info.outShape, 'float32');
      if (isPointwise(info, depthwise)) {
        const rows = info.batchSize * info.outHeight * info.outWidth;
        k.matMul(
          view(b, x!),
          view(b, filter!),
          bias ? view(b, bias) : null,
          view(b, out),
          matMulParams(rows, info.inChannels, info.outChannels, false, false, act, !!bias),
        );
        return out;
      }
      k.convForward(
        view(b, x!),
        view(b, filter!),
        bias ? view(b, bias) : null,
        view(b, out),
        convShape(info, { depthwise, activation: act, hasBias: !!bias }),
      );
      return out;
    },
  });

  /** The two convolution gradients differ only in their operands: dx from (dy, filter), dfilter from (x, dy). */
  const backward = (name: string, depthwise: boolean, of: 'input' | 'filter'): tf.KernelConfig => ({
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: (args) => {
      const b = args.backend as WasmLike;
      const a = args.attrs as unknown as ConvAttrs;
      const ins = args.inputs as Record<string, tf.TensorInfo>;
      const [first, second] = of === 'input' ? [ins.dy, ins.filter] : [ins.x, ins.dy];
      const xShape = of === 'input' ? a.inputShape! : (ins.x.shape as Shape4);
      const filterShape = of === 'input' ? (ins.filter.shape as Shape4) : a.filterShape!;
      const info = tf.backend_util.computeConv2DInfo(
        xShape,
        filterShape,
        a.strides,
        a.dilations ?? 1,
        a.pad,
        a.dimRoundingMode,
        depthwise,
      );
      if ((a.dataFormat && a.dataFormat !== 'NHWC') || !paddable(info) || !float(first, second))
        return fallback(name, args);
      const out = b.makeOutput(of === 'input' ? xShape : filterShape, 'float32');
      const [p, q, o] = [view(b, first), view(b, second), view(b, out)];
      if (isPointwise(info, depthwise)) {
        // dx [rows, Cin] = dy [rows, Cout] x filter^T;  dfilter [Cin, Cout] = x^T [Cin, rows] x dy [rows, Cout]
        const rows = info.batchSize * info.outHeight * info.outWidth;
        const params =
          of === 'input'
            ? matMulParams(rows, info.outChannels, info.inChannels, false, true)
            : matMulParams(info.inChannels, rows, info.outChannels, true, false);
        k.matMul(p, q, null, o, params);
      } else if (of === 'input') {
        k.convBackwardData(p, q, o, convShape(info, { depthwise }));
      } else {
        k.convBackwardWeights(p, q, o, convShape(info, { depthwise }));
      }
      return out;
    },
  });

  return [
    forward('Conv2D', false),
    forward('FusedConv2D', false),
    forward('DepthwiseConv2dNative', true),
    forward('FusedDepthwiseConv2D', true),
    backward('Conv2DBackpropInput', false, 'input'),
    backward('DepthwiseConv2dNativeBackpropInput', true, 'input'),
    backward('Conv2DBackpropFilter', false, 'filter'),
    backward('DepthwiseConv2dNativeBackpropFilter', true, 'filter'),
  ];
}
