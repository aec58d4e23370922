// Training throughput of a full-size architecture on the chosen backend, measured like
// ../shared/bench/torch_reference.py: random inputs and labels, SGD with momentum 0.9 (lr 0.01), cross-entropy,
// 2 warm-up steps, then N timed steps; images/s = batch * N / seconds.
import { buildModel } from '../../core/architectures/index.ts';
import { makeOptimizer, trainStep } from '../../core/training/step.ts';
import { architectureInfo } from '../../core/architectures/registry.ts';
import { describeEngine, initEngine, tf } from './backend.ts';

export interface TrainBenchResult {
  arch: string;
  input: number;
  batch: number;
  images_per_s: number;
  backend: string;
  backend_detail: string;
  steps: number;
  seconds: number;
}

export async function benchTrain(o: { arch: string; input: number; batch: number; steps: number; classes?: number }): Promise<TrainBenchResult> {
  const engine = await initEngine();
  const classes = o.classes ?? 1000;
  const model = buildModel(o.arch, { profile: 'paper', inputSize: o.input, numClasses: classes, seed: 1 });
  const recipe = { ...architectureInfo(o.arch).recipe, optimizer: 'sgd' as const, momentum: 0.9, weightDecay: 0, labelSmoothing: 0, clipGradNorm: null };
  const opt = makeOptimizer(recipe, 0.01);
  const x = tf.randomNormal([o.batch, o.input, o.input, 3]) as tf.Tensor4D;
  const y = tf.tensor1d(Array.from({ length: o.batch }, (_, i) => (i * 7919) % classes), 'int32');
  try {
    for (let i = 0; i < 2; i++) trainStep(model, opt, recipe, x, y);
    const t0 = performance.now();
    for (let i = 0; i < o.steps; i++) trainStep(model, opt, recipe, x, y);
    const seconds = (performance.now() - t0) / 1000;
    return {
      arch: o.arch,
      input: o.input,
      batch: o.batch,
      images_per_s: (o.batch * o.steps) / seconds,
      backend: engine.backend,
      backend_detail: describeEngine(engine),
      steps: o.steps,
      seconds,
    };
  } finally {
    x.dispose();
    y.dispose();
    model.dispose();
    opt.optimizer.dispose();
  }
}
