// What the architectures' recipes are made of: torchvision's train.py defaults, the long "new recipe" family, and the
// changes every `local` profile makes to its paper recipe (with their reasons). Each architecture module states its own
// paper recipe and local profile from these (see definition.ts).
import type { LocalSettings, LocalSpec, TrainingRecipe } from './types.ts';

/** Where the paper recipes come from. */
export const TORCHVISION_REFERENCE = 'pytorch/vision references/classification README + train.py defaults';

/**
 * train.py defaults: SGD momentum 0.9, wd 1e-4, lr 0.1, 90 epochs, StepLR(30, 0.1) stepped once per epoch, 32/GPU on 8
 * GPUs, RandomResizedCrop(scale 0.08-1) + flip, bilinear, no mixing, no auto augmentation, no EMA, no RA sampler.
 */
export const TRAIN_PY_DEFAULTS: TrainingRecipe = {
  optimizer: 'sgd',
  lr: 0.1,
  momentum: 0.9,
  weightDecay: 1e-4,
  batchSize: 256,
  epochs: 90,
  schedule: { kind: 'step', stepSize: 30, gamma: 0.1 },
  warmupEpochs: 0,
  lrUpdate: 'epoch',
  labelSmoothing: 0,
  mixupAlpha: 0,
  cutmixAlpha: 0,
  autoAugment: null,
  randomErase: 0,
  ema: null,
  raReps: 0,
  clipGradNorm: null,
  cropScale: [0.08, 1],
  interpolation: 'bilinear',
  amp: false,
  trainCropSize: 224,
  valResizeSize: 256,
  valCropSize: 224,
  source: `${TORCHVISION_REFERENCE}: train.py defaults`,
};

/** The long "new recipe" family (EfficientNetV2, ConvNeXt): cosine + warm-up, TrivialAugment, mixup/cutmix, EMA. */
export const MODERN: Omit<
  TrainingRecipe,
  'optimizer' | 'lr' | 'weightDecay' | 'source' | 'trainCropSize' | 'valResizeSize' | 'valCropSize'
> = {
  ...TRAIN_PY_DEFAULTS,
  momentum: 0.9,
  normWeightDecay: 0,
  batchSize: 1024,
  epochs: 600,
  schedule: { kind: 'cosine' },
  warmupEpochs: 5,
  warmupMethod: 'linear',
  warmupDecay: 0.01,
  labelSmoothing: 0.1,
  mixupAlpha: 0.2,
  cutmixAlpha: 1.0,
  autoAugment: 'ta_wide',
  taTranslatePixels: 32,
  randomErase: 0.1,
  ema: { steps: 32, decay: 0.99998 },
  raReps: 4,
  clipGradNorm: null,
};

/**
 * What every local recipe changes in its architecture's torchvision recipe, and why (a local recipe is the paper
 * recipe with these fields and the architecture's own changes; every difference is recorded with each run).
 */
const LOCAL_COMMON: Partial<TrainingRecipe> = {
  batchSize: 64,
  epochs: 6,
  schedule: { kind: 'cosine' },
  warmupEpochs: 0,
  lrUpdate: 'step',
  trainCropSize: 32,
  valResizeSize: 36,
  valCropSize: 32,
  cropScale: [0.35, 1],
  raReps: 0,
  amp: false,
};

const LOCAL_WHY: Partial<Record<keyof TrainingRecipe, string>> = {
  batchSize: '64 images per step on a CPU (torchvision: the global batch of 8 to 64 GPUs)',
  epochs: 'minutes on a laptop CPU: the local profile is for small datasets and short runs',
  schedule: 'cosine annealing to 0 within the few epochs (a StepLR of 30 or 2 epochs would barely move in a short run)',
  warmupEpochs:
    'no warm-up: the local models start with the logits of the last layer near 0, so the first steps are not large',
  lrUpdate: 'the schedule moves every step: with a few epochs, a per-epoch schedule moves in a few coarse jumps',
  trainCropSize: 'the local models are built for 32 px images',
  valResizeSize: "32 px crops: the short side resized to 36 (torchvision's 256/224 ratio), then the centre 32 px",
  valCropSize: 'the local models are built for 32 px images',
  cropScale:
    "RandomResizedCrop keeps at least 35% of the image: at 32 px, torchvision's 8% is a 9x9-pixel crop blown up 3.5 times",
  raReps:
    'no repeated-augmentation sampler: it keeps floor(n / 256) * 256 images per epoch (none for fewer than 256) and, in one ' +
    'process, puts the copies of an image in the same batch',
  amp: 'CPU training has no mixed precision',
};

/** The local settings of an architecture: its paper recipe with LOCAL_COMMON and its own changes. */
export function localSettings(paper: TrainingRecipe, spec: LocalSpec): LocalSettings {
  const recipe: TrainingRecipe = {
    ...paper,
    ...LOCAL_COMMON,
    ...spec.recipe,
    source: `local profile of ${paper.source}`,
  };
  const differs = (k: keyof TrainingRecipe) => JSON.stringify(paper[k]) !== JSON.stringify(recipe[k]);
  const why = Object.fromEntries(
    Object.entries({ ...LOCAL_WHY, ...spec.why }).filter(([k]) => differs(k as keyof TrainingRecipe)),
  );
  return { inputSize: spec.inputSize, description: spec.description, recipe, why };
}

/** The local learning rate: tuned for batch 64 and a few hundred steps, not scaled from torchvision's. */
export const LOCAL_LR_WHY =
  "tuned for batch 64 and a few hundred steps (torchvision's is for its global batch and hundreds of epochs)";

/** The local profile's own change when it is only a tuned learning rate. */
export const tunedLocalLr = (lr: number): Pick<LocalSpec, 'recipe' | 'why'> => ({
  recipe: { lr },
  why: { lr: LOCAL_LR_WHY },
});

/** Why the local recipes leave out the paper recipes' heavy regularisation. */
export const REGULARISE_WHY =
  "the paper recipe's Mixup / CutMix / auto-augmentation / random erasing regularise runs of hundreds of epochs; in a run of a " +
  'few epochs they cost accuracy (demo export, ConvNeXt, 2 seeds: 40-44% test top-1 with Mixup 0.2, CutMix 1, TrivialAugmentWide ' +
  'and erasing 0.1, 48-49% without); `--profile paper` applies them';
/** Why the local recipes keep no weight EMA. */
export const EMA_WHY =
  "train.py's EMA (decay 0.99998 every 32 steps, adjusted for batch and epochs, tuned for ImageNet's 1.28M images) gets a " +
  'handful of updates in a short run on a small dataset, and its average stays near the first weights';
