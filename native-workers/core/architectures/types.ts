// Shared types of core/architectures: build options, training recipes and catalogue entries.
import type { ArchName } from './registry.ts';

/** torchvision builder name of one of the nine architectures (registry.ts lists them). */
export type { ArchName };

/** `paper`: torchvision's full-size definition; `local`: the same family scaled to train on a 2-core CPU in minutes. */
export type Profile = 'paper' | 'local';

export interface BuildOptions {
  profile?: Profile;
  /** Output classes (default 1000). */
  numClasses?: number;
  /** Square input side in pixels; defaults to the profile's input (paperInput, or local.inputSize). */
  inputSize?: number;
  /** Seed for the weight initializers (each layer derives its own); unseeded when absent. */
  seed?: number;
  /**
   * Inception V3 only: also build torchvision's auxiliary classifier (`aux_logits=True`). The model then has two
   * outputs, [logits, auxLogits]; torchvision-style training adds 0.4 x the auxiliary loss. Default false (one output).
   */
  auxLogits?: boolean;
}

export interface StepSchedule {
  kind: 'step';
  /** Multiply the lr by `gamma` every `stepSize` epochs (torch StepLR). */
  stepSize: number;
  gamma: number;
}
export interface CosineSchedule {
  kind: 'cosine';
  /** Cosine annealing to 0 over the epochs left after warm-up (torch CosineAnnealingLR, eta_min 0). */
}
export type LrSchedule = StepSchedule | CosineSchedule;

/** A torchvision-style training recipe (references/classification/train.py flags). */
export interface TrainingRecipe {
  optimizer: 'sgd' | 'rmsprop' | 'adamw';
  lr: number;
  /** SGD / RMSprop momentum (torch default in train.py: 0.9). */
  momentum: number;
  weightDecay: number;
  /** Weight decay of normalization-layer parameters when it differs (`--norm-weight-decay`). */
  normWeightDecay?: number | null;
  /**
   * RMSprop: train.py uses eps=0.0316, alpha=0.9. torch adds eps OUTSIDE the square root (g / (sqrt(v) + eps));
   * tfjs/TF add it INSIDE (g / sqrt(v + eps)) — torchvision picked 0.0316 = sqrt(1e-3) to mimic TF's 1e-3, so a
   * tfjs optimizer should get epsilon = rmspropEps ** 2.
   */
  rmspropEps?: number | null;
  rmspropAlpha?: number | null;
  /** Global batch size (per-GPU batch x GPUs in the reference command). */
  batchSize: number;
  epochs: number;
  schedule: LrSchedule;
  warmupEpochs: number;
  warmupMethod?: 'linear' | 'constant';
  /** Starting factor of the warm-up (`--lr-warmup-decay`, train.py default 0.01). */
  warmupDecay?: number;
  /**
   * When the schedule moves (default 'epoch'): torchvision's train.py calls lr_scheduler.step() once per epoch, so the
   * lr is constant within an epoch; 'step' evaluates the same schedule at the fractional epoch of every step.
   */
  lrUpdate?: 'epoch' | 'step';
  /** CrossEntropyLoss(label_smoothing) (`--label-smoothing`). */
  labelSmoothing: number;
  /** RandomMixup alpha (`--mixup-alpha`; 0 = off). With cutmix, one of the two is chosen per batch. */
  mixupAlpha: number;
  /** RandomCutmix alpha (`--cutmix-alpha`; 0 = off). */
  cutmixAlpha: number;
  /** `--auto-augment`: AutoAugment ImageNet policy, TrivialAugmentWide, RandAugment; null = none. */
  autoAugment?: 'imagenet' | 'ta_wide' | 'ra' | null;
  /** RandAugment's magnitude bin of 31 (`--ra-magnitude`, default 9; 2 ops per image). */
  raMagnitude?: number;
  /**
   * TrivialAugmentWide's largest translation in pixels: torchvision's space has an absolute 32 px (made for
   * ImageNet-size crops); the default is 32.
   */
  taTranslatePixels?: number;
  /** RandomErasing probability (`--random-erase`; scale (0.02, 0.33), ratio (0.3, 3.3), value 0). */
  randomErase: number;
  /** Exponential moving average of the weights (`--model-ema`, with its steps/decay). */
  ema?: { steps: number; decay: number } | null;
  /** Repeated-augmentation sampler (`--ra-sampler --ra-reps N`); 0 or absent = the ordinary shuffled sampler. */
  raReps?: number;
  clipGradNorm?: number | null;
  /** RandomResizedCrop's area scale range (torchvision: (0.08, 1)). */
  cropScale?: [number, number];
  /**
   * Resampling of the crops and of the geometric augmentations (`--interpolation`, train.py's default bilinear; the
   * nine reference commands keep it, and it is what the tfjs engine implements).
   */
  interpolation?: 'bilinear';
  /**
   * The reference command trains in mixed precision (`--amp`). The torch engine follows it on CUDA (`--amp recipe`);
   * tfjs, and torch on CPU, train in float32.
   */
  amp?: boolean;
  trainCropSize: number;
  valResizeSize: number;
  valCropSize: number;
  /** Where it comes from, and any assumption made. */
  source: string;
}

/** An architecture's local profile as its module states it; recipes.ts's localSettings resolves it. */
export interface LocalSpec {
  inputSize: number;
  description: string;
  /** The architecture's own changes to its paper recipe (beyond the changes every local recipe makes). */
  recipe: Partial<TrainingRecipe>;
  /** Why, for each of those. */
  why: Partial<Record<keyof TrainingRecipe, string>>;
}

export interface LocalSettings {
  inputSize: number;
  recipe: TrainingRecipe;
  /** What was scaled, in words (widths, depths, stem, resolution). */
  description: string;
  /** Why each recipe field that differs from the paper recipe differs (every difference has a reason; tested). */
  why: Partial<Record<keyof TrainingRecipe, string>>;
}

export interface ArchitectureInfo<N extends string = ArchName> {
  arch: N;
  displayName: string;
  family: string;
  /** Input side of the paper profile: 224 (299 for Inception V3). */
  paperInput: number;
  /** torchvision parameter count at full size, 1000 classes (Inception V3: with its auxiliary head). */
  torchvisionParams: number;
  recipe: TrainingRecipe;
  local: LocalSettings;
}
