// What every native kernel needs: the addon, views of tensors on the wasm heap, and the kernel it replaced (for what
// it does not cover).
import type * as tf from '@tensorflow/tfjs';
import type { NativeKernels } from '../native-addon.ts';

/** The wasm backend's methods the kernels use: outputs allocated on its heap and Float32Array views of tensors there. */
export interface WasmLike extends tf.KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

export interface KernelContext {
  k: NativeKernels;
  /** A Float32Array view of the tensor's range of the wasm heap (no copy). */
  view(b: WasmLike, t: tf.TensorInfo): Float32Array;
  /** Runs the kernel registered under `name` before ours. */
  fallback(name: string, args: Parameters<tf.KernelFunc>[0]): ReturnType<tf.KernelFunc>;
  /** Whether every given tensor is float32 (absent ones count as such). */
  float(...ts: (tf.TensorInfo | undefined)[]): boolean;
}

export function kernelContext(k: NativeKernels, replaced: Map<string, tf.KernelFunc>): KernelContext {
  return {
    k,
    view: (b, t) => b.typedArrayFromHeap(t),
    fallback: (name, args) => {
      const f = replaced.get(name);
      if (!f) throw new Error(`${name}: no kernel to fall back to on wasm`);
      return f(args);
    },
    float: (...ts) => ts.every((t) => !t || t.dtype === 'float32'),
  };
}
