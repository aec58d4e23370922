// Matrix products computed by oneDNN: BatchMatMul and _FusedMatMul (bias, linear/relu/relu6), with transposes and
// a batch broadcast from one side.
import type * as tf from '@tensorflow/tfjs';
import type { KernelContext, WasmLike } from './kernel-context.ts';
import { ACTIVATIONS, matMulShape } from './shapes.ts';

export function matMulKernels(ctx: KernelContext): tf.KernelConfig[] {
  const { k, view, fallback, float } = ctx;

  const matMul = (name: string): tf.KernelConfig => ({
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: (args) => {
      const b = args.backend as WasmLike;
      const at = args.attrs as unknown as { transposeA: boolean; transposeB: boolean; activation?: string };
      const { a, b: w, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
      const act = ACTIVATIONS[at.activation ?? 'linear'];
      const shape = matMulShape(a!.shape, w!.shape, at.transposeA, at.transposeB);
      const biasOk = !bias || (bias.shape.length === 1 && shape && bias.shape[0] === shape.n);
      if (!shape || act === undefined || preluActivationWeights || !biasOk || !float(a, w, bias))
        return fallback(name, args);
      const out = b.makeOutput(shape.outShape, 'float32');
      const params = Int32Array.from([
        shape.batchA,
        shape.batchB,
        shape.m,
        shape.k,
        shape.n,
        +at.transposeA,
        +at.transposeB,
        act,
        bias ? 1 : 0,
      ]);
      k.matMul(view(b, a!), view(b, w!), bias ? view(b, bias) : null, view(b, out), params);
      return out;
    },
  });

  return [matMul('BatchMatMul'), matMul('_FusedMatMul')];
}
