// The wasm backend without the native oneDNN kernels: the op-built kernels of io/tf-engine/wasm-kernel-overrides.ts
// (what runs where libdnnl is not installed) against the cpu backend. The suite is test/helpers/wasm-kernel-suite.ts.
import { defineWasmKernelSuite } from '../helpers/wasm-kernel-suite.ts';

process.env.IMAGENOT_NATIVE_KERNELS = '0';
defineWasmKernelSuite('op-built');
