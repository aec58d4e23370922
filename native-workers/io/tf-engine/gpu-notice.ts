// What the optional tfjs GPU backend (@tensorflow/tfjs-node-gpu) needs, said where it is about to be used
// (`imagenot train`, `imagenot bench train`): backend.ts picks it first whenever the package is installed.
import { createRequire } from 'node:module';
import { config } from '../../config/settings.ts';

export const TFJS_GPU_NOTICE =
  'tfjs GPU backend: @tensorflow/tfjs-node-gpu 4.22 loads libtensorflow 2.9, built for CUDA 11.2 and cuDNN 8.1 ' +
  '(both must be installed; on CUDA 12 its users report failures: tensorflow/tfjs#8362, #8505, tensorflow/tensorflow#60739). ' +
  'It has no kernels for Hopper (H100/H200) or Blackwell GPUs: there it JIT-compiles from PTX for 30+ minutes, where it ' +
  'runs at all. For those GPUs, and for several GPUs or machines, train with --engine torch.';

/** Whether the tfjs engine will try the GPU backend: forced by IMAGENOT_TF_BACKEND, or the package is installed. */
export function tfjsGpuBackendSelected(): boolean {
  const forced = config.tfBackend;
  if (forced) return forced === 'tensorflow-gpu';
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node-gpu');
    return true;
  } catch {
    return false;
  }
}
