// A run's effective hyperparameters: the architecture's recipe for the profile (paper: torchvision's; local: the
// scaled-down one) with the user's overrides applied, every recipe field explicit, the EMA decay train.py derives, and
// every way the run differs from torchvision's recipe with the reason. Plain JSON data: stored with the run (runs.params),
// shown by `runs.list`, and what another engine (the PyTorch trainer) receives.
import { architectureInfo } from '../architectures/registry.ts';
import type { Profile, TrainingRecipe } from '../architectures/types.ts';
import { emaDecayPerUpdate } from './ema.ts';

export interface RunOverrides {
  epochs?: number;
  batch?: number;
  lr?: number;
  patience?: number;
  seed?: number;
  inputSize?: number;
  valFraction?: number;
  /** Recipe fields to use instead of the profile's (e.g. the paper recipe's augmentation on the local profile). */
  recipe?: Partial<Omit<TrainingRecipe, 'source'>>;
}

/** A recipe field whose value in this run differs from torchvision's reference recipe, and why. */
export interface RecipeDifference {
  field: keyof TrainingRecipe;
  paper: unknown;
  run: unknown;
  why: string;
}

export interface Hyperparams {
  arch: string;
  profile: Profile;
  /** Training crop side (the recipe's trainCropSize). */
  inputSize: number;
  /** Evaluation: resize the short side to this, then centre-crop `evalSize`. */
  evalResize: number;
  evalSize: number;
  epochs: number;
  batch: number;
  lr: number;
  patience: number;
  seed: number;
  valFraction: number;
  /** Lower bound of RandomResizedCrop's area scale (recipe.cropScale[0]). */
  cropScaleMin: number;
  /** The recipe that runs: every field explicit, overrides applied. */
  recipe: Required<TrainingRecipe>;
  /** Weight EMA as train.py runs it: the decay per update after its batch/epoch adjustment. */
  ema: { decayPerUpdate: number; steps: number; recipeDecay: number; globalBatch: number } | null;
  /** Every field where this run differs from torchvision's recipe for the architecture, with the reason. */
  differences: RecipeDifference[];
}

export const DEFAULT_PATIENCE = 5;
export const DEFAULT_VAL_FRACTION = 0.1;

/** Every optional recipe field made explicit, with train.py's defaults. */
export function explicitRecipe(r: TrainingRecipe): Required<TrainingRecipe> {
  return {
    ...r,
    normWeightDecay: r.normWeightDecay ?? null,
    rmspropEps: r.rmspropEps ?? null,
    rmspropAlpha: r.rmspropAlpha ?? null,
    warmupMethod: r.warmupMethod ?? 'constant',
    warmupDecay: r.warmupDecay ?? 0.01,
    lrUpdate: r.lrUpdate ?? 'epoch',
    autoAugment: r.autoAugment ?? null,
    raMagnitude: r.raMagnitude ?? 9,
    taTranslatePixels: r.taTranslatePixels ?? 32,
    ema: r.ema ?? null,
    raReps: r.raReps ?? 0,
    clipGradNorm: r.clipGradNorm ?? null,
    cropScale: r.cropScale ?? [0.08, 1],
    interpolation: r.interpolation ?? 'bilinear',
    amp: r.amp ?? false,
  } as Required<TrainingRecipe>;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The fields where `run` differs from `paper` (source excepted), with `why[field]` as the reason. */
export function recipeDifferences(
  paper: TrainingRecipe,
  run: TrainingRecipe,
  why: Partial<Record<keyof TrainingRecipe, string>>,
): RecipeDifference[] {
  const p = explicitRecipe(paper);
  const r = explicitRecipe(run);
  return (Object.keys(r) as (keyof TrainingRecipe)[])
    .filter((k) => k !== 'source' && !same(p[k], r[k]))
    .map((field) => ({ field, paper: p[field], run: r[field], why: why[field] ?? '' }));
}

export function resolveHyperparams(arch: string, profile: Profile, o: RunOverrides): Hyperparams {
  const info = architectureInfo(arch);
  const base = profile === 'paper' ? info.recipe : info.local.recipe;
  const why: Partial<Record<keyof TrainingRecipe, string>> = profile === 'local' ? { ...info.local.why } : {};
  const recipe = explicitRecipe(base);
  for (const [field, value] of Object.entries(o.recipe ?? {}) as [keyof TrainingRecipe, never][]) {
    if (value === undefined || same(value, recipe[field])) continue;
    why[field] =
      `set for this run (recipe ${field} ${JSON.stringify(value)}; the ${profile} recipe has ${JSON.stringify(recipe[field])})`;
    recipe[field] = value;
  }
  const override = (field: 'epochs' | 'batchSize' | 'lr', value: number | undefined, flag: string) => {
    if (value == null || value === recipe[field]) return;
    why[field] = `set for this run (${flag} ${value}; the ${profile} recipe has ${recipe[field]})`;
    recipe[field] = value;
  };
  override('epochs', o.epochs, '--epochs');
  override('batchSize', o.batch, '--batch');
  override('lr', o.lr, '--lr');
  if (o.inputSize != null && o.inputSize !== recipe.trainCropSize) {
    // One side for training and evaluation, the evaluation resize keeping the recipe's resize/crop ratio.
    const note = `set for this run (--input-size ${o.inputSize})`;
    const resize = Math.round((o.inputSize * recipe.valResizeSize) / recipe.valCropSize);
    for (const [field, value] of [
      ['trainCropSize', o.inputSize],
      ['valCropSize', o.inputSize],
      ['valResizeSize', resize],
    ] as const) {
      if (recipe[field] !== value) why[field] = note;
      recipe[field] = value;
    }
  }
  const ema = recipe.ema
    ? {
        decayPerUpdate: emaDecayPerUpdate(recipe.ema, recipe.batchSize, recipe.epochs),
        steps: recipe.ema.steps,
        recipeDecay: recipe.ema.decay,
        globalBatch: recipe.batchSize,
      }
    : null;
  return {
    arch: info.arch,
    profile,
    inputSize: recipe.trainCropSize,
    evalResize: recipe.valResizeSize,
    evalSize: recipe.valCropSize,
    epochs: recipe.epochs,
    batch: recipe.batchSize,
    lr: recipe.lr,
    patience: o.patience ?? DEFAULT_PATIENCE,
    seed: o.seed ?? 0,
    valFraction: o.valFraction ?? DEFAULT_VAL_FRACTION,
    cropScaleMin: recipe.cropScale[0],
    recipe,
    ema,
    differences: recipeDifferences(info.recipe, recipe, why),
  };
}
