// Native oneDNN kernels for the wasm backend's training hot spots (convolutions forward and backward, depthwise
// convolutions, training-mode batch norm, hard-swish). The wasm backend keeps every tensor on its heap; the addon
// (native/kernels.cc, built at install by scripts/build-native.mjs against Debian's libdnnl) computes on Float32Array
// views of those heap ranges, so nothing is copied and tfjs's engine sees ordinary kernel outputs.
//
// Why: XNNPACK in wasm has 128-bit SIMD and no FMA; PyTorch's CPU path is oneDNN with AVX-512. On this 2-core machine
// a ResNet-152 step at 96 px spent ~80% of its time in wasm convolutions. Where the addon is not built (no libdnnl),
// nothing here registers and the wasm kernels (plus our op-built gradients) run as before.
//
// Each kernel falls back to the kernel it replaced for what the addon does not do (NCHW, activations other than
// linear/relu/relu6, odd bias shapes). test/unit/native-kernels.test.ts compares every kernel with the cpu backend.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { MOMENTUM_UPDATE_KERNEL } from '../../core/training/fused-momentum.ts';
import { RELU_GRAD_KERNEL } from './gradient-overrides.ts';
import { MOVING_STATS_KERNEL } from '../../core/architectures/fused-ops.ts';
import { config } from '../../config/settings.ts';

interface NativeKernels {
  convForward(x: Float32Array, filter: Float32Array, bias: Float32Array | null, y: Float32Array, shape: Int32Array): void;
  convBackwardData(dy: Float32Array, filter: Float32Array, dx: Float32Array, shape: Int32Array): void;
  convBackwardWeights(x: Float32Array, dy: Float32Array, dfilter: Float32Array, shape: Int32Array): void;
  matMul(a: Float32Array, b: Float32Array, bias: Float32Array | null, out: Float32Array, shape: Int32Array): void;
  maxPoolGrad(x: Float32Array, dy: Float32Array, dx: Float32Array, shape: Int32Array): void;
  momentumUpdate(value: Float32Array, accumulation: Float32Array, gradient: Float32Array, newValue: Float32Array, newAccumulation: Float32Array, learningRate: number, momentum: number, nesterov: boolean): void;
  reluGrad(dy: Float32Array, x: Float32Array, dx: Float32Array): void;
  batchNormMovingStats(movingMean: Float32Array, movingVariance: Float32Array, mean: Float32Array, invStd: Float32Array, newMean: Float32Array, newVariance: Float32Array, momentum: number, eps: number, unbias: number): void;
  batchNormTrain(x: Float32Array, gamma: Float32Array, beta: Float32Array, y: Float32Array, mean: Float32Array, invStd: Float32Array, rows: number, channels: number, eps: number, relu: boolean): void;
  batchNormTrainGrad(dy: Float32Array, x: Float32Array, gamma: Float32Array, mean: Float32Array, invStd: Float32Array, dx: Float32Array, dgamma: Float32Array, dbeta: Float32Array, rows: number, channels: number, y: Float32Array | null): void;
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

interface WasmLike extends tf.KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

/** Where scripts/build-native.mjs leaves the addon. */
export const NATIVE_ADDON_PATH = fileURLToPath(new URL('./native/build/Release/imagenot_kernels.node', import.meta.url));

let addon: NativeKernels | null | undefined;
let loadError: string | undefined;

/** How idle OpenMP threads wait, as chosen when the addon loaded (recorded in the engine's notes). */
export let threadWaitPolicy = '';

/**
 * libgomp reads its wait policy once, when it loads. Idle threads that spin briefly (GOMP_SPINCOUNT=3000) wake fastest
 * for a step's hundreds of short kernels: on a quiet machine MobileNetV3 went from 87 to 102 images/s, ResNet-152
 * from 14.6 to 16.0 (96 px, batch 8). With another process on a core, spinning threads take it from the wasm code
 * between kernels (MobileNetV3 78 images/s passive vs 48 spinning; PyTorch, which spins by default, 32), and libgomp's
 * default (300,000 spins) halved a step even on a quiet machine. So: a short spin when the machine is quiet as the
 * engine starts (under half a core busy over 100 ms; the load average would count our own previous runs), else
 * passive. OMP_WAIT_POLICY or GOMP_SPINCOUNT set by the user win.
 */
function chooseThreadWaitPolicy(): void {
  const { OMP_WAIT_POLICY: policy, GOMP_SPINCOUNT: spins } = process.env;
  if (policy !== undefined || spins !== undefined) {
    threadWaitPolicy = `user's (OMP_WAIT_POLICY=${policy ?? ''} GOMP_SPINCOUNT=${spins ?? ''})`;
    return;
  }
  const quiet = busyCores(100) < 0.5;
  if (quiet) process.env.GOMP_SPINCOUNT = '3000';
  else process.env.OMP_WAIT_POLICY = 'PASSIVE';
  threadWaitPolicy = quiet ? 'short spin (quiet machine)' : 'passive (busy machine)';
}

/** How many cores' worth of CPU time the whole machine used over the next `ms` milliseconds (this thread sleeps). */
function busyCores(ms: number): number {
  const before = cpus();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  const after = cpus();
  let busy = 0;
  let total = 0;
  after.forEach((cpu, i) => {
    const sum = (t: typeof cpu.times) => t.user + t.nice + t.sys + t.irq + t.idle;
    const all = sum(cpu.times) - sum(before[i].times);
    busy += all - (cpu.times.idle - before[i].times.idle);
    total += all;
  });
  return total > 0 ? (busy / total) * after.length : 0;
}

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

type ConvInfo = tf.backend_util.Conv2DInfo;
type Shape4 = [number, number, number, number];
type KernelFunc = tf.KernelFunc;

const ACTIVATIONS: Record<string, number> = { linear: 0, relu: 1, relu6: 2 };

/** The Int32Array kernels.cc's ConvShape reads. */
function convShape(c: ConvInfo, opts: { depthwise: boolean; activation?: number; hasBias?: boolean }): Int32Array {
  const p = c.padInfo;
  return Int32Array.from([
    c.batchSize, c.inHeight, c.inWidth, c.inChannels,
    c.outHeight, c.outWidth, c.outChannels,
    c.filterHeight, c.filterWidth, c.strideHeight, c.strideWidth, c.dilationHeight, c.dilationWidth,
    p.top, p.left, p.bottom, p.right,
    opts.depthwise ? c.inChannels : 1, opts.activation ?? 0, opts.hasBias ? 1 : 0,
  ]);
}

/**
 * A 1x1, stride-1, unpadded convolution is a matrix product on tfjs's own layouts ([N*H*W, Cin] x [Cin, Cout]), which
 * needs no conversion of the filter to oneDNN's blocked layout (those conversions took ~100 ms of a ResNet-152 step).
 */
const isPointwise = (c: ConvInfo, depthwise: boolean) =>
  !depthwise && c.filterHeight === 1 && c.filterWidth === 1 && c.strideHeight === 1 && c.strideWidth === 1 &&
  c.dilationHeight === 1 && c.dilationWidth === 1 && c.padInfo.top === 0 && c.padInfo.left === 0 &&
  c.padInfo.bottom === 0 && c.padInfo.right === 0;

/** kernels.cc's MatMulShape: batchA, batchB, M, K, N, transposeA, transposeB, activation, hasBias. */
const matMulParams = (m: number, kk: number, n: number, ta: boolean, tb: boolean, activation = 0, hasBias = false) =>
  Int32Array.from([1, 1, m, kk, n, +ta, +tb, activation, hasBias ? 1 : 0]);

/** Padding oneDNN can express: non-negative on every side (tfjs never produces anything else for NHWC 'same'/'valid'). */
const paddable = (c: ConvInfo) => c.padInfo.top >= 0 && c.padInfo.left >= 0 && c.padInfo.bottom >= 0 && c.padInfo.right >= 0;

/**
 * A tfjs matmul as [batch, M, K] x [batch, K, N]: equal ranks, batch dims equal or all 1 on one side (broadcast).
 * Undefined for what the native kernel does not do (tfjs's other broadcasts, mismatched inner sizes).
 */
function matMulShape(aShape: number[], bShape: number[], ta: boolean, tb: boolean) {
  if (aShape.length !== bShape.length || aShape.length < 2) return undefined;
  const r = aShape.length;
  const [m, ka] = ta ? [aShape[r - 1], aShape[r - 2]] : [aShape[r - 2], aShape[r - 1]];
  const [kb, n] = tb ? [bShape[r - 1], bShape[r - 2]] : [bShape[r - 2], bShape[r - 1]];
  if (ka !== kb) return undefined;
  const outer = (s: number[]) => s.slice(0, r - 2);
  const count = (s: number[]) => s.reduce((p, d) => p * d, 1);
  const [oa, ob] = [outer(aShape), outer(bShape)];
  const same = oa.every((d, i) => d === ob[i]);
  if (!same && count(oa) !== 1 && count(ob) !== 1) return undefined;
  const batchOuter = count(oa) >= count(ob) ? oa : ob;
  return { batchA: count(oa), batchB: count(ob), m, k: ka, n, outShape: [...batchOuter, m, n] };
}

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape?: Shape4;
  filterShape?: Shape4;
  activation?: string;
}

function makeKernels(k: NativeKernels, replaced: Map<string, KernelFunc>): tf.KernelConfig[] {
  const view = (b: WasmLike, t: tf.TensorInfo) => b.typedArrayFromHeap(t);
  const fallback = (name: string, args: Parameters<KernelFunc>[0]) => {
    const f = replaced.get(name);
    if (!f) throw new Error(`${name}: no kernel to fall back to on wasm`);
    return f(args);
  };
  const float = (...ts: (tf.TensorInfo | undefined)[]) => ts.every((t) => !t || t.dtype === 'float32');

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
        x!.shape as [number, number, number, number], filter!.shape as [number, number, number, number],
        a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, depthwise,
      );
      const biasOk = !bias || (bias.shape.length === 1 && bias.shape[0] === info.outChannels);
      if ((a.dataFormat && a.dataFormat !== 'NHWC') || act === undefined || preluActivationWeights || !biasOk || !paddable(info) || !float(x, filter, bias)) {
        return fallback(name, args);
      }
      const out = b.makeOutput(info.outShape, 'float32');
      if (isPointwise(info, depthwise)) {
        const rows = info.batchSize * info.outHeight * info.outWidth;
        k.matMul(view(b, x!), view(b, filter!), bias ? view(b, bias) : null, view(b, out), matMulParams(rows, info.inChannels, info.outChannels, false, false, act, !!bias));
        return out;
      }
      k.convForward(view(b, x!), view(b, filter!), bias ? view(b, bias) : null, view(b, out), convShape(info, { depthwise, activation: act, hasBias: !!bias }));
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
      const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, depthwise);
      if ((a.dataFormat && a.dataFormat !== 'NHWC') || !paddable(info) || !float(first, second)) return fallback(name, args);
      const out = b.makeOutput(of === 'input' ? xShape : filterShape, 'float32');
      const [p, q, o] = [view(b, first), view(b, second), view(b, out)];
      if (isPointwise(info, depthwise)) {
        // dx [rows, Cin] = dy [rows, Cout] x filter^T;  dfilter [Cin, Cout] = x^T [Cin, rows] x dy [rows, Cout]
        const rows = info.batchSize * info.outHeight * info.outWidth;
        const params = of === 'input'
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
      if (!shape || act === undefined || preluActivationWeights || !biasOk || !float(a, w, bias)) return fallback(name, args);
      const out = b.makeOutput(shape.outShape, 'float32');
      const params = Int32Array.from([shape.batchA, shape.batchB, shape.m, shape.k, shape.n, +at.transposeA, +at.transposeB, act, bias ? 1 : 0]);
      k.matMul(view(b, a!), view(b, w!), bias ? view(b, bias) : null, view(b, out), params);
      return out;
    },
  });

  /** An element-wise activation's gradient kernel: inputs {dy, x}, output dx of x's shape. */
  const activationGrad = (name: string, compute: (dy: Float32Array, x: Float32Array, dx: Float32Array) => void): tf.KernelConfig => ({
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
    forward('Conv2D', false),
    forward('FusedConv2D', false),
    forward('DepthwiseConv2dNative', true),
    forward('FusedDepthwiseConv2D', true),
    backward('Conv2DBackpropInput', false, 'input'),
    backward('DepthwiseConv2dNativeBackpropInput', true, 'input'),
    backward('Conv2DBackpropFilter', false, 'filter'),
    backward('DepthwiseConv2dNativeBackpropFilter', true, 'filter'),
    {
      kernelName: 'MaxPoolGrad',
      backendName: 'wasm',
      kernelFunc: (args) => {
        const b = args.backend as WasmLike;
        const { dy, input } = args.inputs as Record<string, tf.TensorInfo>;
        const a = args.attrs as unknown as { filterSize: number | [number, number]; strides: number | [number, number]; pad: ConvAttrs['pad']; dimRoundingMode?: ConvAttrs['dimRoundingMode'] };
        if (!float(dy, input)) return fallback('MaxPoolGrad', args);
        const c = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
        const dx = b.makeOutput(input.shape, 'float32');
        const shape = Int32Array.from([
          c.batchSize, c.inHeight, c.inWidth, c.inChannels, c.outHeight, c.outWidth, c.strideHeight, c.strideWidth,
          c.dilationHeight, c.dilationWidth, c.effectiveFilterHeight, c.effectiveFilterWidth, c.padInfo.top, c.padInfo.left,
        ]);
        k.maxPoolGrad(view(b, input), view(b, dy), view(b, dx), shape);
        return dx;
      },
    },
    matMul('BatchMatMul'),
    matMul('_FusedMatMul'),
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
        k.momentumUpdate(view(b, value), view(b, accumulation), view(b, gradient), view(b, newValue), view(b, newAccumulation), a.learningRate, a.momentum, a.nesterov);
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
        k.batchNormMovingStats(view(b, movingMean), view(b, movingVariance), view(b, mean), view(b, invStd), view(b, newMean), view(b, newVariance), a.momentum, a.epsilon, a.unbias);
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
        k.batchNormTrain(view(b, x), view(b, gamma), view(b, beta), view(b, y), view(b, mean), view(b, invStd), size(x) / c, c, epsilon, !!relu);
        return [y, mean, invStd];
      },
    },
    {
      kernelName: 'ImagenotBatchNormTrainGrad',
      backendName: 'wasm',
      kernelFunc: (args) => {
        const b = args.backend as WasmLike;
        const { dy, x, gamma, mean, invStd, y } = args.inputs as Record<string, tf.TensorInfo | undefined> as Record<string, tf.TensorInfo>;
        const c = channels(x);
        const dx = b.makeOutput(x.shape, 'float32');
        const dgamma = b.makeOutput([c], 'float32');
        const dbeta = b.makeOutput([c], 'float32');
        const relu = (args.attrs as unknown as { relu?: number }).relu;
        if (relu && !y) throw new Error('ImagenotBatchNormTrainGrad with relu needs the forward output y');
        k.batchNormTrainGrad(view(b, dy), view(b, x), view(b, gamma), view(b, mean), view(b, invStd), view(b, dx), view(b, dgamma), view(b, dbeta), size(x) / c, c, relu ? view(b, y) : null);
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

/**
 * Registers the native kernels for 'wasm' over whatever is registered now (call after the op-built gradients, which
 * stay as the fallback). Returns the kernel names, or [] when the addon is unavailable.
 */
export function registerNativeKernels(threads: number): string[] {
  const k = loadNativeKernels();
  if (!k) return [];
  k.setThreads(threads);
  const replaced = new Map<string, KernelFunc>();
  const kernels = makeKernels(k, replaced);
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

/** What the addon runs on: see NativeKernels.info. */
export function nativeKernelInfo(): NativeKernelInfo | undefined {
  return loadNativeKernels()?.info();
}
