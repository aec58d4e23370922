// Chooses the TensorFlow.js backend at run time, best first: tfjs-node-gpu (CUDA), tfjs-node (libtensorflow), wasm
// (XNNPACK SIMD, threaded when possible, plus our own backward kernels), then tfjs's pure-JS cpu backend. The first
// two are optional dependencies that cannot install without network access to libtensorflow, so they are loaded with
// a dynamic import that may fail. The result is recorded in every run and printed by `imagenot bench train`.
// IMAGENOT_TF_BACKEND=tensorflow-gpu|tensorflow|wasm|cpu forces one (tests use it); IMAGENOT_WASM_THREADS=0|1 turns the
// wasm thread pool off or on (default: on, unless the native oneDNN kernels are there); IMAGENOT_NATIVE_KERNELS=0
// leaves the native kernels out.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { registerWasmKernelOverrides } from './wasm-kernel-overrides.ts';
import { installWasmThreadShims, unrefWasmThreads } from './wasm-threads.ts';
import { registerGradientOverrides } from './gradient-overrides.ts';
import {
  loadNativeKernels,
  nativeKernelInfo,
  nativeKernelsUnavailable,
  registerNativeKernels,
  threadWaitPolicy,
} from './native-kernels.ts';
import { config, TF_BACKENDS } from '../../config/settings.ts';

export const BACKEND_NAMES = TF_BACKENDS;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface EngineInfo {
  /** Which of the four was chosen. */
  backend: BackendName;
  /** tfjs's own backend name ('tensorflow', 'wasm', 'cpu'). */
  tfBackend: string;
  /** Compute threads (wasm: XNNPACK pool size; native: libtensorflow's own; cpu: 1). */
  threads: number;
  simd: boolean;
  /** The kernels we supplied (wasm). */
  suppliedKernels: string[];
  /** The wasm kernels computed natively by oneDNN (native-kernels.ts), with its version; absent when not built. */
  native?: { onednn: string; isa: string; loops: string; threads: number; kernels: string[] };
  /** Why better backends were not used, in words. */
  notes: string[];
}

let current: EngineInfo | undefined;
let pending: Promise<EngineInfo> | undefined;

/** One line for logs and the bench: `wasm (2 threads, SIMD, +3 kernels)`. */
export function describeEngine(e: EngineInfo): string {
  const extra = [`${e.threads} thread${e.threads === 1 ? '' : 's'}`];
  if (e.simd) extra.push('SIMD');
  if (e.suppliedKernels.length) extra.push(`+${e.suppliedKernels.length} backward kernels`);
  if (e.native)
    extra.push(
      `oneDNN ${e.native.onednn} (${e.native.isa}, loops ${e.native.loops}) on ${e.native.threads} threads for ${e.native.kernels.length} kernels`,
    );
  return `${e.backend} (${extra.join(', ')})`;
}

async function tryNative(
  pkg: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node',
  notes: string[],
): Promise<boolean> {
  try {
    await import(pkg);
    if (!(await tf.setBackend('tensorflow'))) throw new Error("backend 'tensorflow' did not initialise");
    return true;
  } catch (err) {
    notes.push(`${pkg}: ${firstLine(err)}`);
    return false;
  }
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0].slice(0, 200);
}

async function tryWasm(notes: string[], threaded: boolean): Promise<EngineInfo | undefined> {
  let shim: ReturnType<typeof installWasmThreadShims> | undefined;
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    wasm.setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + '/');
    if (threaded) {
      shim = installWasmThreadShims();
      wasm.setThreadsCount(Math.max(1, (await import('node:os')).availableParallelism()));
    }
    const before = {
      uncaught: process.listeners('uncaughtException'),
      rejection: process.listeners('unhandledRejection'),
    };
    const ok = await tf.setBackend('wasm');
    shim?.restore();
    // Emscripten's Node glue adds process handlers that rethrow (and print the whole module source); ours decide.
    for (const l of process.listeners('uncaughtException'))
      if (!before.uncaught.includes(l)) process.off('uncaughtException', l);
    for (const l of process.listeners('unhandledRejection'))
      if (!before.rejection.includes(l)) process.off('unhandledRejection', l);
    if (!ok) throw new Error("backend 'wasm' did not initialise");
    unrefWasmThreads(tf.backend());
    const supplied = registerWasmKernelOverrides();
    const threads = wasm.getThreadsCount();
    const nativeKernels = registerNativeKernels((await import('node:os')).availableParallelism());
    const nativeInfo = nativeKernelInfo();
    if (!nativeKernels.length) notes.push(`native oneDNN kernels: ${nativeKernelsUnavailable()}`);
    else {
      notes.push(
        `native kernels: oneDNN ${nativeInfo?.onednn} dispatching to ${nativeInfo?.isa}; element loops built for ${nativeInfo?.loops}`,
      );
      notes.push(`native kernels' idle threads: ${threadWaitPolicy}`);
    }
    return {
      backend: 'wasm',
      tfBackend: 'wasm',
      threads,
      simd: (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean,
      suppliedKernels: supplied,
      native:
        nativeKernels.length && nativeInfo
          ? {
              onednn: nativeInfo.onednn,
              isa: nativeInfo.isa,
              loops: nativeInfo.loops,
              threads: nativeInfo.threads,
              kernels: nativeKernels,
            }
          : undefined,
      notes,
    };
  } catch (err) {
    shim?.restore();
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    notes.push(`wasm${threaded ? ' (threaded)' : ''}: ${firstLine(err)}`);
    return undefined;
  }
}

async function choose(force: string | undefined): Promise<EngineInfo> {
  const notes: string[] = [];
  if (force && !(BACKEND_NAMES as readonly string[]).includes(force)) {
    throw new Error(`IMAGENOT_TF_BACKEND='${force}' is not one of ${BACKEND_NAMES.join(', ')}`);
  }
  const want = (b: BackendName) => !force || force === b;
  if (want('tensorflow-gpu') && (await tryNative('@tensorflow/tfjs-node-gpu', notes))) {
    return { backend: 'tensorflow-gpu', tfBackend: 'tensorflow', threads: 0, simd: true, suppliedKernels: [], notes };
  }
  if (want('tensorflow') && (await tryNative('@tensorflow/tfjs-node', notes))) {
    return { backend: 'tensorflow', tfBackend: 'tensorflow', threads: 0, simd: true, suppliedKernels: [], notes };
  }
  if (want('wasm')) {
    // The thread pool only initialises in a fresh process; when it fails we fall back to the single-thread binary.
    // With the native kernels the heavy work runs on oneDNN's threads, and XNNPACK's pool threads, which spin after
    // each op, took the cores from them (a MobileNetV3 step at 96 px, batch 8: 182 ms with the pool, 119 ms
    // without), so then the wasm side runs on one thread unless IMAGENOT_WASM_THREADS=1 asks for the pool.
    const threaded = config.wasmThreads ?? !loadNativeKernels();
    const w = (threaded && (await tryWasm(notes, true))) || (await tryWasm(notes, false));
    if (w) return w;
  }
  if (want('cpu')) {
    await tf.setBackend('cpu');
    return { backend: 'cpu', tfBackend: 'cpu', threads: 1, simd: false, suppliedKernels: [], notes };
  }
  throw new Error(`backend ${force} is not available here: ${notes.join('; ')}`);
}

/** Initialise the best available backend once per process (later calls return the same answer). */
export function initEngine(opts: { backend?: BackendName } = {}): Promise<EngineInfo> {
  if (current) return Promise.resolve(current);
  pending ??= choose(opts.backend ?? config.tfBackend).then(async (info) => {
    await tf.ready();
    registerGradientOverrides();
    current = info;
    return info;
  });
  return pending;
}

export { tf };
