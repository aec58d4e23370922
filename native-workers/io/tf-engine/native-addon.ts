// Loading the native addon (native/kernels.cc, built at install by scripts/build-native.mjs against Debian's libdnnl)
// and the functions it exports. Loaded once per process; IMAGENOT_NATIVE_KERNELS=0 leaves it out. This module sits
// beside native/ because the addon is found relative to it: here in the sources, and next to the bundle in dist/
// (scripts/build.mjs copies it to dist/native/).
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chooseThreadWaitPolicy } from './native-kernels/thread-policy.ts';
import { config } from '../../config/settings.ts';

export interface NativeKernels {
  convForward(
    x: Float32Array,
    filter: Float32Array,
    bias: Float32Array | null,
    y: Float32Array,
    shape: Int32Array,
  ): void;
  convBackwardData(dy: Float32Array, filter: Float32Array, dx: Float32Array, shape: Int32Array): void;
  convBackwardWeights(x: Float32Array, dy: Float32Array, dfilter: Float32Array, shape: Int32Array): void;
  matMul(a: Float32Array, b: Float32Array, bias: Float32Array | null, out: Float32Array, shape: Int32Array): void;
  maxPoolGrad(x: Float32Array, dy: Float32Array, dx: Float32Array, shape: Int32Array): void;
  momentumUpdate(
    value: Float32Array,
    accumulation: Float32Array,
    gradient: Float32Array,
    newValue: Float32Array,
    newAccumulation: Float32Array,
    learningRate: number,
    momentum: number,
    nesterov: boolean,
  ): void;
  reluGrad(dy: Float32Array, x: Float32Array, dx: Float32Array): void;
  batchNormMovingStats(
    movingMean: Float32Array,
    movingVariance: Float32Array,
    mean: Float32Array,
    invStd: Float32Array,
    newMean: Float32Array,
    newVariance: Float32Array,
    momentum: number,
    eps: number,
    unbias: number,
  ): void;
  batchNormTrain(
    x: Float32Array,
    gamma: Float32Array,
    beta: Float32Array,
    y: Float32Array,
    mean: Float32Array,
    invStd: Float32Array,
    rows: number,
    channels: number,
    eps: number,
    relu: boolean,
  ): void;
  batchNormTrainGrad(
    dy: Float32Array,
    x: Float32Array,
    gamma: Float32Array,
    mean: Float32Array,
    invStd: Float32Array,
    dx: Float32Array,
    dgamma: Float32Array,
    dbeta: Float32Array,
    rows: number,
    channels: number,
    y: Float32Array | null,
  ): void;
  hardSwish(x: Float32Array, y: Float32Array): void;
  hardSwishGrad(dy: Float32Array, x: Float32Array, dx: Float32Array): void;
  setThreads(n: number): void;
  /**
   * oneDNN's version and the instruction set it dispatches to (`AVX512_CORE`, `AVX2`, ...: ONEDNN_MAX_CPU_ISA caps it),
   * its threads, the build of our element loops in use (`avx512` | `avx2` | `baseline`: IMAGENOT_NATIVE_LOOPS picks
   * one) and the builds this CPU runs, and the implementation oneDNN chose for each shape seen so far.
   */
  info(): NativeKernelInfo;
}

export interface NativeKernelInfo {
  onednn: string;
  isa: string;
  threads: number;
  loops: string;
  runnableLoops: string[];
  implementations: string[];
}

/** Where scripts/build-native.mjs leaves the addon. */
export const NATIVE_ADDON_PATH = fileURLToPath(
  new URL('./native/build/Release/imagenot_kernels.node', import.meta.url),
);

let addon: NativeKernels | null | undefined;
let loadError: string | undefined;

/** The addon, or null (with the reason in nativeKernelsUnavailable()) when it is not built or does not load. */
export function loadNativeKernels(): NativeKernels | null {
  if (addon !== undefined) return addon;
  if (!config.nativeKernels) {
    loadError = 'turned off by IMAGENOT_NATIVE_KERNELS=0';
    return (addon = null);
  }
  if (!existsSync(NATIVE_ADDON_PATH)) {
    loadError = `not built (${NATIVE_ADDON_PATH}); install libdnnl-dev and run npm run build:native`;
    return (addon = null);
  }
  chooseThreadWaitPolicy();
  try {
    addon = createRequire(import.meta.url)(NATIVE_ADDON_PATH) as NativeKernels;
  } catch (err) {
    loadError = err instanceof Error ? err.message.split('\n')[0] : String(err);
    addon = null;
  }
  return addon;
}

export function nativeKernelsUnavailable(): string | undefined {
  loadNativeKernels();
  return loadError;
}

/** What the addon runs on: see NativeKernels.info. */
export function nativeKernelInfo(): NativeKernelInfo | undefined {
  return loadNativeKernels()?.info();
}
