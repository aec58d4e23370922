// Where a training step's time goes, kernel by kernel (a developer's tool, not a benchmark): builds a full-size model,
// runs warm-up steps, then one step under tf.profile and prints the kernels by total time.
//   npx tsx bench/profile-step.ts [arch=mobilenet_v3_large] [batch=8] [input=96]
// DNNL_VERBOSE=1 adds oneDNN's own per-primitive lines (implementation, shapes, milliseconds) to the output.
import { buildModel } from '../native-workers/core/architectures/index.ts';
import { architectureInfo } from '../native-workers/core/architectures/registry.ts';
import { makeOptimizer, trainStep } from '../native-workers/core/training/step.ts';
import { describeEngine, initEngine, tf } from '../native-workers/io/tf-engine/backend.ts';

const arch = process.argv[2] ?? 'mobilenet_v3_large';
const batch = Number(process.argv[3] ?? 8);
const input = Number(process.argv[4] ?? 96);
const engine = await initEngine();
const model = buildModel(arch, { profile: 'paper', inputSize: input, numClasses: 1000, seed: 1 });
const recipe = {
  ...architectureInfo(arch).recipe,
  optimizer: 'sgd' as const,
  momentum: 0.9,
  weightDecay: 0,
  labelSmoothing: 0,
  clipGradNorm: null,
};
const opt = makeOptimizer(recipe, 0.01);
const x = tf.randomNormal([batch, input, input, 3]) as tf.Tensor4D;
const y = tf.tensor1d(
  Array.from({ length: batch }, (_, i) => i % 1000),
  'int32',
);
for (let i = 0; i < 2; i++) trainStep(model, opt, recipe, x, y, i);
const t0 = performance.now();
for (let i = 0; i < 3; i++) trainStep(model, opt, recipe, x, y, i);
console.log(
  `${arch} ${input}px batch ${batch} on ${describeEngine(engine)}: ${((performance.now() - t0) / 3).toFixed(1)} ms per step`,
);
const prof = await tf.profile(() => {
  trainStep(model, opt, recipe, x, y, 0);
});
const byKernel = new Map<string, { calls: number; ms: number }>();
for (const k of prof.kernels) {
  const e = byKernel.get(k.name) ?? { calls: 0, ms: 0 };
  e.calls++;
  e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
  byKernel.set(k.name, e);
}
// Scopes (customGrad's 'unnamed scope', ops named '*__op') contain kernels that are listed too.
const flat = [...byKernel].filter(([name]) => name !== 'unnamed scope' && !name.endsWith('__op'));
console.log(
  `${prof.kernels.length} kernels, ${flat.reduce((s, [, e]) => s + e.ms, 0).toFixed(0)} ms in kernels (profiled step)`,
);
for (const [name, e] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30)) {
  console.log(`${name.padEnd(40)} ${String(e.calls).padStart(6)} ${e.ms.toFixed(1).padStart(8)} ms`);
}
