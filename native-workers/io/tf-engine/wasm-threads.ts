// Makes tfjs-backend-wasm's threaded SIMD binary start in Node 20. Out of the box it cannot (tfjs issue #3830), for
// three reasons, each handled here before `tf.setBackend('wasm')`:
// 1. tfjs turns multithreading off when it sees Node (flag WASM_HAS_MULTITHREAD_SUPPORT) -> we set the flag.
// 2. The emscripten pthread workers are created from `blob:` URLs (the worker script and the main script), which
//    Node's worker_threads refuses ("must be an absolute path"). We record the text of the Blobs tfjs creates and
//    hand emscripten absolute paths of files holding the same text in a private temp folder. The main script is the
//    rollup-bundled factory, which refers to the bundle's `require$$N` / `commonjsGlobal` names: the worker prelude
//    defines them.
// 3. The C++ side caps XNNPACK's pool at os.cpus().length / 2 (it assumes hyper-threading), i.e. 1 thread on a 2-core
//    machine; during start-up os.cpus() reports each core twice so the cap equals the real core count.
// Threads run only XNNPACK kernels (conv, matmul, ...); everything else stays on the calling thread.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

const MAIN_SCRIPT_MARK = 'var WasmBackendModuleThreadedSimd';

interface Shim {
  restore(): void;
}

/** Install the Blob / createObjectURL / cpus shims; call restore() once the backend is ready. */
export function installWasmThreadShims(): Shim {
  const dir = mkdtempSync(join(os.tmpdir(), 'imagenot-tfwasm-'));
  const mainPath = join(dir, 'tfjs-backend-wasm-threaded-simd.js');
  const NativeBlob = globalThis.Blob;
  const nativeCreate = URL.createObjectURL;
  const nativeCpus = os.cpus;
  class RecordingBlob extends NativeBlob {
    readonly recordedText: string | null;
    constructor(
      parts?: ConstructorParameters<typeof NativeBlob>[0],
      options?: ConstructorParameters<typeof NativeBlob>[1],
    ) {
      super(parts ?? [], options);
      this.recordedText = parts?.every((p) => typeof p === 'string') ? (parts as string[]).join('') : null;
      if (this.recordedText?.startsWith(MAIN_SCRIPT_MARK)) writeFileSync(mainPath, this.recordedText);
    }
  }
  globalThis.Blob = RecordingBlob as typeof Blob;
  URL.createObjectURL = (obj: Blob) => {
    const text = (obj as RecordingBlob).recordedText;
    if (text == null || text.startsWith(MAIN_SCRIPT_MARK)) return nativeCreate(obj);
    const workerPath = join(dir, 'tfjs-backend-wasm-threaded-simd.worker.js');
    const prelude =
      'Object.assign(globalThis,{commonjsGlobal:globalThis,require$$0:require("fs"),require$$1:require("path"),' +
      'require$$3:require("perf_hooks"),require$$4:require("os")});' +
      `URL.createObjectURL=()=>${JSON.stringify(mainPath)};URL.revokeObjectURL=()=>{};\n`;
    writeFileSync(workerPath, prelude + text);
    return workerPath;
  };
  const cpus = nativeCpus();
  os.cpus = () => [...cpus, ...cpus];
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  return {
    restore() {
      globalThis.Blob = NativeBlob;
      URL.createObjectURL = nativeCreate;
      os.cpus = nativeCpus;
    },
  };
}

interface EmscriptenWorker {
  unref?: () => void;
}

/** The pool's workers must not keep a process alive that has nothing else to do. */
export function unrefWasmThreads(backend: unknown): void {
  const pthread = (
    backend as { wasm?: { PThread?: { runningWorkers?: EmscriptenWorker[]; unusedWorkers?: EmscriptenWorker[] } } }
  ).wasm?.PThread;
  for (const w of [...(pthread?.runningWorkers ?? []), ...(pthread?.unusedWorkers ?? [])]) w.unref?.();
}
