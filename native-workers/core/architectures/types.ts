// Shared types of the architecture room: names, build options, training recipes and catalogue entries.

/** torchvision builder names of the nine architectures, in the paper's order. */
export const ARCH_NAMES = [
  'alexnet',
  'vgg19',
  'inception_v3',
  'resnet152',
  'densenet161',
  'mobilenet_v3_large',
  'efficientnet_v2_s',
  'vit_b_16',
  'convnext_tiny',
] as const;
export type ArchName = (typeof ARCH_NAMES)[number];

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
  normWeightDecay?: number;
  /**
   * RMSprop: train.py uses eps=0.0316, alpha=0.9. torch adds eps OUTSIDE the square root (g / (sqrt(v) + eps));
   * tfjs/TF add it INSIDE (g / sqrt(v + eps)) — torchvision picked 0.0316 = sqrt(1e-3) to mimic TF's 1e-3, so a
   * tfjs optimizer should get epsilon = rmspropEps ** 2.
   */
  rmspropEps?: number;
  rmspropAlpha?: number;
  /** Global batch size (per-GPU batch x GPUs in the reference command). */
  batchSize: number;
  epochs: number;
  schedule: LrSchedule;
  warmupEpochs: number;
  warmupMethod?: 'linear' | 'constant';
  /** Starting factor of the warm-up (`--lr-warmup-decay`, train.py default 0.01). */
  warmupDecay?: number;
  labelSmoothing: number;
  mixupAlpha: number;
  cutmixAlpha: number;
  autoAugment?: 'imagenet' | 'ta_wide' | 'ra' | null;
  randomErase: number;
  /** Exponential moving average of the weights (`--model-ema`, with its steps/decay). */
  ema?: { steps: number; decay: number } | null;
  clipGradNorm?: number | null;
  /**
   * The reference command trains in mixed precision (`--amp`). The torch engine follows it on CUDA (`--amp recipe`);
   * tfjs trains in float32.
   */
  amp?: boolean;
  trainCropSize: number;
  valResizeSize: number;
  valCropSize: number;
  /** Where it comes from, and any assumption made. */
  source: string;
}

export interface LocalSettings {
  inputSize: number;
  recipe: TrainingRecipe;
  /** What was scaled, in words (widths, depths, stem, resolution). */
  description: string;
}

export interface ArchitectureInfo {
  arch: ArchName;
  displayName: string;
  family: string;
  /** Input side of the paper profile: 224 (299 for Inception V3). */
  paperInput: number;
  /** torchvision parameter count at full size, 1000 classes (Inception V3: with its auxiliary head). */
  torchvisionParams: number;
  recipe: TrainingRecipe;
  local: LocalSettings;
}
