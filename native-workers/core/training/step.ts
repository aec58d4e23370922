// One optimisation step and one evaluation batch, in tfjs, as torchvision's train.py does them: cross-entropy with
// label smoothing on integer labels or on mixed (soft) targets, gradient-norm clipping over all parameters, then the
// optimizer: SGD with momentum and RMSprop with torch's coupled weight decay (added to the gradient), AdamW with
// decoupled decay (p *= 1 - lr * wd before the Adam update); `normWeightDecay` for the parameters of normalization
// layers (torchvision's set_weight_decay: BatchNorm, LayerNorm, GroupNorm, InstanceNorm, LocalResponseNorm modules;
// biases and layer-scale / embedding parameters keep the ordinary decay). Checked against torch.optim on fixed tensors
// (test/unit/training-torch.test.ts). Everything runs inside tf.tidy: no tensor outlives a step except the weights and
// the optimizer's slots.
import * as tf from '@tensorflow/tfjs';
import type { TrainingRecipe } from '../architectures/types.ts';
import { SeedSequence } from '../architectures/random.ts';
import { FusedMomentumOptimizer } from './fused-momentum.ts';
import { TorchRmsPropOptimizer } from './torch-rmsprop.ts';

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
      optimizer = new TorchRmsPropOptimizer(
        lr,
        recipe.rmspropAlpha ?? 0.99,
        recipe.momentum,
        recipe.rmspropEps ?? 1e-8,
      );
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
      // tfjs's SGD family keeps -lr as a tensor too (setLearningRate); the others read the field.
      const o = optimizer as unknown as { setLearningRate?: (v: number) => void; learningRate: number };
      if (typeof o.setLearningRate === 'function') o.setLearningRate(next);
      else o.learningRate = next;
    },
    learningRate: () => current,
  };
}

/** Layer classes whose parameters torchvision counts as normalization parameters (set_weight_decay's norm_classes). */
const NORM_LAYER_CLASSES = new Set(['TorchBatchNorm', 'BatchNormalization', 'LayerNormalization']);

const normNamesOf = new WeakMap<tf.LayersModel, Set<string>>();

/** Names of the trainable variables that belong to normalization layers. */
export function normWeightNames(model: tf.LayersModel): Set<string> {
  let names = normNamesOf.get(model);
  if (!names) {
    names = new Set(
      model.layers
        .filter((l) => NORM_LAYER_CLASSES.has(l.getClassName()))
        .flatMap((l) => l.trainableWeights.map((w) => (w.read() as tf.Variable).name)),
    );
    normNamesOf.set(model, names);
  }
  return names;
}

export interface StepResult {
  loss: number;
  correct: number;
}

/** torch's CrossEntropyLoss(label_smoothing): integer labels [n] or class probabilities [n, classes]; mean over the batch. */
export function crossEntropyLoss(targets: tf.Tensor, logits: tf.Tensor2D, smoothing: number): tf.Scalar {
  const probs = targets.rank === 1 ? tf.oneHot(targets as tf.Tensor1D, logits.shape[1]) : targets;
  return tf.losses.softmaxCrossEntropy(probs, logits, undefined, smoothing) as tf.Scalar;
}

/** Logits of a model that may have an auxiliary output (Inception V3 with aux logits): the first is the main one. */
function mainOutput(out: tf.Tensor | tf.Tensor[]): tf.Tensor2D {
  return (Array.isArray(out) ? out[0] : out) as tf.Tensor2D;
}

/**
 * The update of one step once the gradients are known: clipping, weight decay and the optimizer, in torch's order.
 * `grads` maps variable names to gradients; `normNames` are the variables that get `normWeightDecay`.
 */
export function applyUpdate(
  opt: StepOptimizer,
  recipe: TrainingRecipe,
  vars: readonly tf.Variable[],
  grads: tf.NamedTensorMap,
  normNames: ReadonlySet<string>,
): void {
  tf.tidy(() => {
    const names = Object.keys(grads);
    if (recipe.clipGradNorm) {
      const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n])))));
      const scale = tf.minimum(1, tf.div(recipe.clipGradNorm, tf.add(norm, 1e-6)));
      for (const n of names) grads[n] = tf.mul(grads[n], scale);
    }
    const byName = new Map(vars.map((v) => [v.name, v]));
    const decayOf = (n: string) =>
      normNames.has(n) && recipe.normWeightDecay != null ? recipe.normWeightDecay : recipe.weightDecay;
    if (opt.kind === 'adamw') {
      for (const n of names) {
        const wd = decayOf(n);
        const v = byName.get(n)!;
        if (wd) v.assign(tf.mul(v, 1 - opt.learningRate() * wd));
      }
    } else {
      for (const n of names) {
        const wd = decayOf(n);
        if (wd) grads[n] = tf.add(grads[n], tf.mul(wd, byName.get(n)!));
      }
    }
    opt.optimizer.applyGradients(grads);
  });
}

/**
 * One step on a batch. `targets`: integer labels [n], or mixed one-hot targets [n, classes] (Mixup/CutMix); the
 * accuracy of a mixed batch counts the class with the largest target weight (torchvision's utils.accuracy).
 * `noiseSeed` seeds the step's dropout masks and stochastic depth, so that a seeded run is repeatable and a resumed
 * one redraws what the killed one drew.
 */
export function trainStep(
  model: tf.LayersModel,
  opt: StepOptimizer,
  recipe: TrainingRecipe,
  x: tf.Tensor4D,
  targets: tf.Tensor1D | tf.Tensor2D,
  noiseSeed: number,
): StepResult {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let correctT: tf.Tensor | undefined;
  const lossT = tf.tidy(() => {
    const labels = targets.rank === 1 ? targets : tf.argMax(targets, 1);
    const { value, grads } = tf.variableGrads(() => {
      const out = model.apply(x, { training: true, noise: new SeedSequence(noiseSeed) }) as tf.Tensor | tf.Tensor[];
      const logits = mainOutput(out);
      // Tensors made inside the gradient function are freed with it, unless kept.
      correctT = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32')));
      let loss = crossEntropyLoss(targets, logits, recipe.labelSmoothing);
      if (Array.isArray(out) && out[1])
        loss = tf.add(loss, tf.mul(0.4, crossEntropyLoss(targets, out[1] as tf.Tensor2D, recipe.labelSmoothing)));
      return loss as tf.Scalar;
    }, vars);
    applyUpdate(opt, recipe, vars, grads, normWeightNames(model));
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
    const loss = tf.mul(crossEntropyLoss(labels, logits, 0), labels.shape[0]);
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
