// One optimisation step and one evaluation batch, in tfjs, following a torchvision recipe: cross-entropy with label
// smoothing, L2 weight decay added to the gradient for SGD/RMSprop (torch's `weight_decay`), decoupled weight decay
// for AdamW, optional gradient-norm clipping, and the recipe's `normWeightDecay` for normalisation/bias parameters.
// Everything runs inside tf.tidy: no tensor outlives a step except the weights and the optimizer's slots.
import * as tf from '@tensorflow/tfjs';
import type { TrainingRecipe } from '../architectures/types.ts';
import { FusedMomentumOptimizer } from './fused-momentum.ts';

export interface StepOptimizer {
  optimizer: tf.Optimizer;
  kind: TrainingRecipe['optimizer'];
  setLearningRate(lr: number): void;
  learningRate(): number;
}

export function makeOptimizer(recipe: TrainingRecipe, lr: number): StepOptimizer {
  let current = lr;
  let optimizer: tf.Optimizer;
  switch (recipe.optimizer) {
    case 'sgd':
      optimizer = new FusedMomentumOptimizer(lr, recipe.momentum);
      break;
    case 'rmsprop':
      // torch RMSprop(alpha, eps, momentum) ~ tfjs rmsprop(decay = alpha, momentum, epsilon), except where epsilon
      // goes: torch divides by sqrt(v) + eps, tfjs by sqrt(v + eps). torchvision's eps 0.0316 is sqrt(0.001), chosen
      // to copy TensorFlow's 0.001 inside the root, so tfjs gets eps squared (0.0316 left MobileNetV3 at chance).
      const torchEps = recipe.rmspropEps ?? 1e-8;
      optimizer = tf.train.rmsprop(lr, recipe.rmspropAlpha ?? 0.99, recipe.momentum, torchEps * torchEps);
      break;
    case 'adamw':
      optimizer = tf.train.adam(lr, 0.9, 0.999, 1e-8);
      break;
  }
  return {
    optimizer,
    kind: recipe.optimizer,
    setLearningRate(next: number) {
      current = next;
      const o = optimizer as unknown as { setLearningRate?: (v: number) => void; learningRate: number };
      if (typeof o.setLearningRate === 'function') o.setLearningRate(next);
      else o.learningRate = next;
    },
    learningRate: () => current,
  };
}

/** Normalisation scales/shifts and biases: torchvision's `norm_weight_decay` applies to them. */
export function isNormOrBias(name: string, shape: readonly number[]): boolean {
  return shape.length === 1 || /(^|[/._])(bn|norm|ln|gamma|beta|bias)/i.test(name);
}

export interface StepResult {
  loss: number;
  correct: number;
}

function softmaxLoss(labels: tf.Tensor1D, logits: tf.Tensor2D, smoothing: number): tf.Scalar {
  const oneHot = tf.oneHot(labels, logits.shape[1]);
  return tf.losses.softmaxCrossEntropy(oneHot, logits, undefined, smoothing) as tf.Scalar;
}

/** Logits of a model that may have an auxiliary output (Inception V3 with aux logits): the first is the main one. */
function mainOutput(out: tf.Tensor | tf.Tensor[]): tf.Tensor2D {
  return (Array.isArray(out) ? out[0] : out) as tf.Tensor2D;
}

export function trainStep(
  model: tf.LayersModel,
  opt: StepOptimizer,
  recipe: TrainingRecipe,
  x: tf.Tensor4D,
  labels: tf.Tensor1D,
): StepResult {
  const weights = model.trainableWeights;
  const vars = weights.map((w) => w.read() as tf.Variable);
  let correctT: tf.Tensor | undefined;
  const lossT = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => {
      const out = model.apply(x, { training: true }) as tf.Tensor | tf.Tensor[];
      const logits = mainOutput(out);
      // Tensors made inside the gradient function are freed with it, unless kept.
      correctT = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32')));
      let loss = softmaxLoss(labels, logits, recipe.labelSmoothing);
      if (Array.isArray(out) && out[1]) loss = tf.add(loss, tf.mul(0.4, softmaxLoss(labels, out[1] as tf.Tensor2D, recipe.labelSmoothing)));
      return loss as tf.Scalar;
    }, vars);
    const names = Object.keys(grads);
    if (recipe.clipGradNorm) {
      const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n])))));
      const scale = tf.minimum(1, tf.div(recipe.clipGradNorm, tf.add(norm, 1e-6)));
      for (const n of names) grads[n] = tf.mul(grads[n], scale);
    }
    const byName = new Map(vars.map((v) => [v.name, v]));
    if (opt.kind !== 'adamw') {
      for (const n of names) {
        const v = byName.get(n)!;
        const wd = isNormOrBias(n, v.shape) && recipe.normWeightDecay != null ? recipe.normWeightDecay : recipe.weightDecay;
        if (wd) grads[n] = tf.add(grads[n], tf.mul(wd, v));
      }
    }
    opt.optimizer.applyGradients(grads);
    if (opt.kind === 'adamw') {
      // Decoupled weight decay (AdamW): p <- p - lr * wd * p, after the Adam update.
      for (const n of names) {
        const v = byName.get(n)!;
        const wd = isNormOrBias(n, v.shape) && recipe.normWeightDecay != null ? recipe.normWeightDecay : recipe.weightDecay;
        if (wd) v.assign(tf.mul(v, 1 - opt.learningRate() * wd));
      }
    }
    return value;
  });
  const [loss, correct] = [lossT.dataSync()[0], correctT!.dataSync()[0]];
  lossT.dispose();
  correctT!.dispose();
  return { loss, correct };
}

export interface EvalResult {
  lossSum: number;
  top1: number;
  top5: number;
  count: number;
}

export function evaluateBatch(model: tf.LayersModel, x: tf.Tensor4D, labels: tf.Tensor1D): EvalResult {
  const out = tf.tidy(() => {
    const logits = mainOutput(model.apply(x, { training: false }) as tf.Tensor | tf.Tensor[]);
    const loss = tf.mul(softmaxLoss(labels, logits, 0), labels.shape[0]);
    const k = Math.min(5, logits.shape[1]);
    const { indices } = tf.topk(logits, k);
    const hits = tf.cast(tf.equal(indices, tf.expandDims(labels, 1)), 'float32');
    const top1 = tf.sum(hits.slice([0, 0], [-1, 1]));
    const top5 = tf.sum(hits);
    return tf.stack([loss, top1, top5]);
  });
  const [lossSum, top1, top5] = out.dataSync();
  out.dispose();
  return { lossSum, top1, top5, count: labels.shape[0] };
}
