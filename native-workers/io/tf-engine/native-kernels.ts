// Native oneDNN kernels for the wasm backend's training hot spots (convolutions forward and backward, depthwise
// convolutions, matrix products, training-mode batch norm, hard-swish and the other element-wise training kernels).
// The wasm backend keeps every tensor on its heap; the addon (native/kernels.cc, built at install by
// scripts/build-native.mjs against Debian's libdnnl) computes on Float32Array views of those heap ranges, so nothing
// is copied and tfjs's engine sees ordinary kernel outputs.
//
// Why: XNNPACK in wasm has 128-bit SIMD and no FMA; PyTorch's CPU path is oneDNN with AVX-512. On this 2-core machine
// a ResNet-152 step at 96 px spent ~80% of its time in wasm convolutions. Where the addon is not built (no libdnnl),
// nothing here registers and the wasm kernels (plus wasm-kernel-overrides.ts) run as before.
//
// Each kernel falls back to the kernel it replaced for what the addon does not do (NCHW, activations other than
// linear/relu/relu6, odd bias shapes). test/unit/native-kernels.test.ts compares every kernel with the cpu backend.
// Modules, by concern: native-addon.ts loads the addon (beside native/, where it finds it); under native-kernels/,
// thread-policy.ts (with machine-load.ts) chooses how its idle OpenMP threads wait as it loads, register.ts registers
// the kernels over the ones they replace, kernel-context.ts is what each kernel is given, shapes.ts turns tfjs
// attributes into kernels.cc's shape arrays and says what the native kernels cover, and the kernels are
// convolutions.ts, matmul.ts, max-pool-grad.ts and elementwise.ts.
export { loadNativeKernels, nativeKernelInfo, nativeKernelsUnavailable } from './native-addon.ts';
export { registerNativeKernels } from './native-kernels/register.ts';
export { threadWaitPolicy } from './native-kernels/thread-policy.ts';
