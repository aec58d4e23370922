// Configures @huggingface/transformers once per process: models load from local folders only (no network at run
// time), nothing is cached inside node_modules, and inference runs on onnxruntime-node with the chosen device.
import { env } from '@huggingface/transformers';
import { config } from '../../config/settings.ts';

env.allowRemoteModels = false;
env.allowLocalModels = true;
env.useFSCache = false;
env.useBrowserCache = false;

export type OnnxDevice = 'cpu' | 'cuda';

/** CPU unless IMAGENOT_ONNX_DEVICE=cuda (onnxruntime-node's CUDA execution provider). */
export function onnxDevice(): OnnxDevice {
  return config.onnxDevice;
}

/** Options every from_pretrained call gets: local folder, fp32 weights, the device. */
export function modelLoadOptions() {
  return { device: onnxDevice(), dtype: 'fp32' as const, local_files_only: true };
}
