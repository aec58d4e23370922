// Training throughput of a full-size architecture on the chosen engine, measured like
// ../shared/bench/torch_reference.py: random inputs and labels, SGD with momentum 0.9 (lr 0.01), cross-entropy,
// 2 warm-up steps, then N timed steps; images/s = batch * N / seconds. Engine 'tfjs': this process's best tfjs
// backend; 'torch': the PyTorch trainer's own training step (trainers/torch, `bench`) in the user's Python, on CUDA
// when torch sees a GPU (with the trainer's mixed-precision and channels-last choices), else on the CPU.
import { buildModel } from '../../core/architectures/index.ts';
import { makeOptimizer, trainStep } from '../../core/training/step.ts';
import { architectureInfo } from '../../core/architectures/registry.ts';
import { describeEngine, initEngine, tf } from './backend.ts';
import { pythonCommand, runTrainerCommand } from '../torch-engine/trainer-process.ts';

export interface TrainBenchResult {
  engine: 'tfjs' | 'torch';
  arch: string;
  input: number;
  batch: number;
  images_per_s: number;
  backend: string;
  backend_detail: string;
  steps: number;
  seconds: number;
}

export interface TrainBenchOptions {
  arch: string;
  input: number;
  batch: number;
  steps: number;
  classes?: number;
  engine?: 'tfjs' | 'torch';
  /** torch: the interpreter (default IMAGENOT_PYTHON, else python3) and device (default auto). */
  python?: string;
  device?: 'auto' | 'cpu' | 'cuda';
}

export async function benchTrain(o: TrainBenchOptions): Promise<TrainBenchResult> {
  return o.engine === 'torch' ? benchTorch(o) : benchTfjs(o);
}

async function benchTorch(o: TrainBenchOptions): Promise<TrainBenchResult> {
  const args = [
    'bench',
    '--arch',
    o.arch,
    '--input',
    String(o.input),
    '--batch',
    String(o.batch),
    '--steps',
    String(o.steps),
  ];
  args.push('--classes', String(o.classes ?? 1000), '--device', o.device ?? 'auto');
  const r = await runTrainerCommand(pythonCommand(o.python), args, 'bench');
  const env = r.environment;
  const detail = [`${env.threads} thread${env.threads === 1 ? '' : 's'}`];
  if (env.ompWaitPolicy) detail.push(`OpenMP wait ${env.ompWaitPolicy.toLowerCase()}`);
  if (env.device === 'cuda')
    detail.push(
      `CUDA ${env.cuda}, cuDNN ${env.cudnn}`,
      `mixed precision ${env.amp ? 'on' : 'off'}`,
      `channels-last ${env.channelsLast ? 'on' : 'off'}`,
    );
  return {
    engine: 'torch',
    arch: r.arch,
    input: r.input,
    batch: r.batch,
    images_per_s: r.images_per_s,
    backend: `torch-${env.device}`,
    backend_detail: `PyTorch ${env.torch} on ${env.deviceName} (${detail.join(', ')})`,
    steps: r.steps,
    seconds: r.seconds,
  };
}

async function benchTfjs(o: TrainBenchOptions): Promise<TrainBenchResult> {
  const engine = await initEngine();
  const classes = o.classes ?? 1000;
  const model = buildModel(o.arch, { profile: 'paper', inputSize: o.input, numClasses: classes, seed: 1 });
  const recipe = {
    ...architectureInfo(o.arch).recipe,
    optimizer: 'sgd' as const,
    momentum: 0.9,
    weightDecay: 0,
    labelSmoothing: 0,
    clipGradNorm: null,
  };
  const opt = makeOptimizer(recipe, 0.01);
  const x = tf.randomNormal([o.batch, o.input, o.input, 3]) as tf.Tensor4D;
  const y = tf.tensor1d(
    Array.from({ length: o.batch }, (_, i) => (i * 7919) % classes),
    'int32',
  );
  try {
    for (let i = 0; i < 2; i++) trainStep(model, opt, recipe, x, y, i);
    const t0 = performance.now();
    for (let i = 0; i < o.steps; i++) trainStep(model, opt, recipe, x, y, i);
    const seconds = (performance.now() - t0) / 1000;
    return {
      engine: 'tfjs',
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
