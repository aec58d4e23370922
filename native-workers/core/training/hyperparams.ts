// A run's effective hyperparameters: the architecture's recipe for the profile (paper: torchvision's; local: the
// scaled-down one) with the user's overrides applied. Everything here is stored with the run.
import { architectureInfo } from '../architectures/recipes.ts';
import type { Profile, TrainingRecipe } from '../architectures/types.ts';

export interface RunOverrides {
  epochs?: number;
  batch?: number;
  lr?: number;
  patience?: number;
  seed?: number;
  inputSize?: number;
  valFraction?: number;
}

export interface Hyperparams {
  arch: string;
  profile: Profile;
  inputSize: number;
  /** Evaluation: resize the short side to this, then centre-crop inputSize. */
  evalResize: number;
  epochs: number;
  batch: number;
  lr: number;
  patience: number;
  seed: number;
  valFraction: number;
  /** Lower bound of RandomResizedCrop's area scale: torchvision's 0.08 (paper); 0.35 for the small local images. */
  cropScaleMin: number;
  recipe: TrainingRecipe;
}

export const DEFAULT_PATIENCE = 5;
export const DEFAULT_VAL_FRACTION = 0.1;

export function resolveHyperparams(arch: string, profile: Profile, o: RunOverrides): Hyperparams {
  const info = architectureInfo(arch);
  const recipe = profile === 'paper' ? info.recipe : info.local.recipe;
  const inputSize = o.inputSize ?? (profile === 'paper' ? info.paperInput : info.local.inputSize);
  const evalResize = Math.round((inputSize * recipe.valResizeSize) / recipe.valCropSize);
  return {
    arch: info.arch,
    profile,
    inputSize,
    evalResize,
    epochs: o.epochs ?? recipe.epochs,
    batch: o.batch ?? recipe.batchSize,
    lr: o.lr ?? recipe.lr,
    patience: o.patience ?? DEFAULT_PATIENCE,
    seed: o.seed ?? 0,
    valFraction: o.valFraction ?? DEFAULT_VAL_FRACTION,
    cropScaleMin: profile === 'paper' ? 0.08 : 0.35,
    recipe: { ...recipe, lr: o.lr ?? recipe.lr },
  };
}
