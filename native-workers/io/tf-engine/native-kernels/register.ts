// Registering the native kernels for 'wasm' over the kernels registered before them, which stay as their fallback.
import * as tf from '@tensorflow/tfjs';
import { loadNativeKernels } from '../native-addon.ts';
import { convolutionKernels } from './convolutions.ts';
import { elementwiseKernels } from './elementwise.ts';
import { kernelContext } from './kernel-context.ts';
import { matMulKernels } from './matmul.ts';
import { maxPoolGradKernel } from './max-pool-grad.ts';

/**
 * Registers the native kernels for 'wasm' over whatever is registered now (call after the op-built gradients, which
 * stay as the fallback). Returns the kernel names, or [] when the addon is unavailable.
 */
export function registerNativeKernels(threads: number): string[] {
  const k = loadNativeKernels();
  if (!k) return [];
  k.setThreads(threads);
  const replaced = new Map<string, tf.KernelFunc>();
  const ctx = kernelContext(k, replaced);
  const kernels = [
    ...convolutionKernels(ctx),
    maxPoolGradKernel(ctx),
    ...matMulKernels(ctx),
    ...elementwiseKernels(ctx),
  ];
  for (const kernel of kernels) {
    const existing = tf.getKernel(kernel.kernelName, 'wasm');
    if (existing) {
      replaced.set(kernel.kernelName, existing.kernelFunc);
      tf.unregisterKernel(kernel.kernelName, 'wasm');
    }
    tf.registerKernel(kernel);
  }
  return kernels.map((x) => x.kernelName);
}
