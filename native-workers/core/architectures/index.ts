// The entry point of core/architectures: the catalogue (registry.ts), buildModel (tfjs LayersModel, NHWC input) and
// paramCount.
import type * as tf from '@tensorflow/tfjs';
import type { BuildContext } from './context.ts';
import { Init } from './init.ts';
import { architectureInfo, registeredArchitecture } from './registry.ts';
import type { ArchName, BuildOptions } from './types.ts';

export { ARCH_NAMES, ARCHITECTURES } from './registry.ts';
export type { ArchName, BuildOptions, Profile } from './types.ts';

function context(arch: string, opts: BuildOptions, zeros: boolean): BuildContext {
  const info = architectureInfo(arch);
  const profile = opts.profile ?? 'paper';
  if (profile !== 'paper' && profile !== 'local') throw new Error(`unknown profile '${profile}' (paper or local)`);
  const numClasses = opts.numClasses ?? 1000;
  if (!Number.isInteger(numClasses) || numClasses < 1)
    throw new Error(`numClasses must be a positive integer, got ${numClasses}`);
  const inputSize = opts.inputSize ?? (profile === 'paper' ? info.paperInput : info.local.inputSize);
  if (!Number.isInteger(inputSize) || inputSize < 1)
    throw new Error(`inputSize must be a positive integer, got ${inputSize}`);
  if (opts.auxLogits && info.arch !== 'inception_v3')
    throw new Error(`${arch}: auxLogits exists only for inception_v3`);
  return {
    arch: info.arch,
    profile,
    numClasses,
    inputSize,
    init: new Init(opts.seed, zeros),
    auxLogits: opts.auxLogits ?? false,
  };
}

/**
 * Builds the architecture as a tfjs LayersModel taking [batch, size, size, 3] (channels-last) and returning logits
 * [batch, numClasses] (no softmax, like torchvision). Inception V3 with `auxLogits` returns [logits, auxLogits].
 * Layer names follow torchvision's module paths (e.g. `layer1.0.conv1`), so weight names are stable across builds.
 */
export function buildModel(arch: ArchName | string, opts: BuildOptions = {}): tf.LayersModel {
  return build(context(arch, opts, false));
}

/** Too small an input makes a pooling or strided layer collapse to nothing deep inside tfjs: name the cause. */
function build(ctx: BuildContext): tf.LayersModel {
  const refuse = (why: string) =>
    new Error(`${ctx.arch} (${ctx.profile} profile) cannot be built for ${ctx.inputSize} px input: ${why}`);
  let model: tf.LayersModel;
  try {
    model = registeredArchitecture(ctx.arch).build(ctx);
  } catch (err) {
    throw refuse((err as Error).message);
  }
  const empty = model.layers.find((l) => {
    const shapes = (Array.isArray(l.outputShape[0]) ? l.outputShape : [l.outputShape]) as (number | null)[][];
    return shapes.some((s) => s.slice(1).some((d) => d != null && d < 1));
  });
  if (empty) {
    model.dispose();
    throw refuse(`layer ${empty.name} has an empty output ${JSON.stringify(empty.outputShape)}`);
  }
  return model;
}

/**
 * Parameters as torchvision counts them: trainable weights only. A batch norm layer (TorchBatchNorm) also holds
 * moving mean/variance, which torch keeps as buffers (not parameters), so `model.countParams()` would count more.
 */
export function countTrainableParams(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((sum, w) => sum + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
}

/**
 * The same model with every weight zero: for reading its layers' shapes and counting its parameters without paying for
 * random initialisation (seconds for VGG-19 at full size). Not for training.
 */
export function buildZeroModel(arch: ArchName | string, opts: BuildOptions = {}): tf.LayersModel {
  return build(context(arch, opts, true));
}

/**
 * torchvision-definition parameter count of the real model, built with zero-initialized weights (cheap) and disposed.
 * Default: paper profile, 1000 classes; Inception V3 counts its auxiliary head only with `auxLogits: true`.
 */
export function paramCount(arch: ArchName | string, opts: BuildOptions = {}): number {
  const model = buildZeroModel(arch, opts);
  try {
    return countTrainableParams(model);
  } finally {
    model.dispose();
  }
}
