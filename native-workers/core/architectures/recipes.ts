// The catalogue of the nine architectures: names, families, torchvision's parameter counts and, per architecture,
// the torchvision reference training recipe (`paper`) and the scaled-down settings of the `local` profile.
import type { ArchitectureInfo, LocalSettings, TrainingRecipe } from './types.ts';

const REFERENCE = 'pytorch/vision references/classification README + train.py defaults';

/**
 * train.py defaults: SGD momentum 0.9, wd 1e-4, lr 0.1, 90 epochs, StepLR(30, 0.1) stepped once per epoch, 32/GPU on 8
 * GPUs, RandomResizedCrop(scale 0.08-1) + flip, bilinear, no mixing, no auto augmentation, no EMA, no RA sampler.
 */
const TRAIN_PY_DEFAULTS: TrainingRecipe = {
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
  source: `${REFERENCE}: train.py defaults`,
};

/** The long "new recipe" family (EfficientNetV2, ConvNeXt): cosine + warm-up, TrivialAugment, mixup/cutmix, EMA. */
const MODERN: Omit<TrainingRecipe, 'optimizer' | 'lr' | 'weightDecay' | 'source' | 'trainCropSize' | 'valResizeSize' | 'valCropSize'> = {
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
  warmupEpochs: 'no warm-up: the local models start with the logits of the last layer near 0, so the first steps are not large',
  lrUpdate: 'the schedule moves every step: with a few epochs, a per-epoch schedule moves in a few coarse jumps',
  trainCropSize: 'the local models are built for 32 px images',
  valResizeSize: '32 px crops: the short side resized to 36 (torchvision\'s 256/224 ratio), then the centre 32 px',
  valCropSize: 'the local models are built for 32 px images',
  cropScale:
    'RandomResizedCrop keeps at least 35% of the image: at 32 px, torchvision\'s 8% is a 9x9-pixel crop blown up 3.5 times',
  raReps:
    'no repeated-augmentation sampler: it keeps floor(n / 256) * 256 images per epoch (none for fewer than 256) and, in one ' +
    'process, puts the copies of an image in the same batch',
  amp: 'CPU training has no mixed precision',
};

interface LocalSpec {
  inputSize: number;
  description: string;
  /** The architecture's own changes to its paper recipe (beyond LOCAL_COMMON). */
  recipe: Partial<TrainingRecipe>;
  /** Why, for each of those. */
  why: Partial<Record<keyof TrainingRecipe, string>>;
}

/** The local settings of an architecture: its paper recipe with LOCAL_COMMON and its own changes. */
function local(paper: TrainingRecipe, spec: LocalSpec): LocalSettings {
  const recipe: TrainingRecipe = { ...paper, ...LOCAL_COMMON, ...spec.recipe, source: `local profile of ${paper.source}` };
  const differs = (k: keyof TrainingRecipe) => JSON.stringify(paper[k]) !== JSON.stringify(recipe[k]);
  const why = Object.fromEntries(Object.entries({ ...LOCAL_WHY, ...spec.why }).filter(([k]) => differs(k as keyof TrainingRecipe)));
  return { inputSize: spec.inputSize, description: spec.description, recipe, why };
}

/** The local learning rate: tuned for batch 64 and a few hundred steps, not scaled from torchvision's. */
const LOCAL_LR = 'tuned for batch 64 and a few hundred steps (torchvision\'s is for its global batch and hundreds of epochs)';

/** Why the local recipes leave out the paper recipes' heavy regularisation. */
const REGULARISE =
  'the paper recipe\'s Mixup / CutMix / auto-augmentation / random erasing regularise runs of hundreds of epochs; in a run of a ' +
  'few epochs they cost accuracy (demo export, ConvNeXt, 2 seeds: 40-44% test top-1 with Mixup 0.2, CutMix 1, TrivialAugmentWide ' +
  'and erasing 0.1, 48-49% without); `--profile paper` applies them';
/** Why the local recipes keep no weight EMA. */
const EMA_WHY =
  'train.py\'s EMA (decay 0.99998 every 32 steps, adjusted for batch and epochs, tuned for ImageNet\'s 1.28M images) gets a ' +
  'handful of updates in a short run on a small dataset, and its average stays near the first weights';

interface Entry extends Omit<ArchitectureInfo, 'local'> {
  local: LocalSpec;
}

const entry = (e: Entry): ArchitectureInfo => ({ ...e, local: local(e.recipe, e.local) });

export const ARCHITECTURES: readonly ArchitectureInfo[] = [
  entry({
    arch: 'alexnet',
    displayName: 'AlexNet',
    family: 'plain convnet',
    paperInput: 224,
    torchvisionParams: 61_100_840,
    recipe: { ...TRAIN_PY_DEFAULTS, lr: 0.01, source: `${REFERENCE}: "AlexNet and VGG": --model alexnet --lr 1e-2` },
    local: {
      inputSize: 32,
      description:
        'five convs (32-64-96-64-64, first 5x5 stride 1 instead of 11x11 stride 4 for 32 px), the three max pools, ' +
        'AdaptiveAvgPool2d((3,3)), classifier dropout-256-256-classes; kaiming-normal init (torch\'s default init stalls short runs)',
      recipe: { lr: 0.003 },
      why: {
        lr:
          'kaiming-normal init (local) makes the activations far larger than torch\'s default init (paper), for which 0.01 was chosen: ' +
          'on the demo export (6 epochs, no dropout, 2 seeds) 0.003 reached 54-56% test top-1, 0.01 42-53%',
      },
    },
  }),
  entry({
    arch: 'vgg19',
    displayName: 'VGG-19',
    family: 'plain convnet',
    paperInput: 224,
    torchvisionParams: 143_667_240,
    recipe: { ...TRAIN_PY_DEFAULTS, lr: 0.01, source: `${REFERENCE}: "AlexNet and VGG": --model vgg19 --lr 1e-2` },
    local: {
      inputSize: 32,
      description: 'all 16 convs of configuration E at widths 16-32-64-128-128, five max pools, AdaptiveAvgPool2d((1,1)), classifier 256-256-classes with kaiming-normal init (N(0, 0.01) stalls short runs)',
      recipe: { epochs: 15 },
      why: {
        epochs:
          'a 19-layer net without batch norm sits at the loss of a uniform guess until its signal gets through: on the demo export ' +
          '(no dropout) 6 epochs reached 12-26% test top-1 (lr 0.01 and 0.03), 12 epochs 26-38%, 15 epochs 47-63% (3 seeds)',
      },
    },
  }),
  entry({
    arch: 'inception_v3',
    displayName: 'Inception V3',
    family: 'inception',
    paperInput: 299,
    torchvisionParams: 27_161_264,
    recipe: {
      ...TRAIN_PY_DEFAULTS,
      trainCropSize: 299,
      valResizeSize: 342,
      valCropSize: 299,
      source:
        `${REFERENCE}: torchvision's Inception V3 weights are ported from TensorFlow (no torchvision training command); ` +
        'we use the train.py default (ResNet) recipe at 299 px with the README\'s 342/299 evaluation sizes',
    },
    local: {
      inputSize: 32,
      description:
        'stem: 3x3 stride-1 conv, 3x3 stride-2 max pool (15x15), 1x1 and 3x3 convs; then one module each of InceptionA, B, C, D, E at a ' +
        'quarter of the channels, global average pool, dropout, classifier (no auxiliary head)',
      recipe: { lr: 0.05 },
      why: { lr: LOCAL_LR },
    },
  }),
  entry({
    arch: 'resnet152',
    displayName: 'ResNet-152',
    family: 'resnet',
    paperInput: 224,
    torchvisionParams: 60_192_808,
    recipe: { ...TRAIN_PY_DEFAULTS, source: `${REFERENCE}: "ResNet": --model resnet152 (train.py defaults)` },
    local: {
      inputSize: 32,
      description: 'bottleneck blocks [2,2,2,2] at base width 8 (outputs 32-64-128-256); stem 3x3 stride-1 conv + the 3x3 stride-2 max pool (16x16 maps)',
      recipe: { lr: 0.05 },
      why: { lr: LOCAL_LR },
    },
  }),
  entry({
    arch: 'densenet161',
    displayName: 'DenseNet-161',
    family: 'densenet',
    paperInput: 224,
    torchvisionParams: 28_681_000,
    recipe: {
      ...TRAIN_PY_DEFAULTS,
      source: `${REFERENCE}: no DenseNet command in the README (weights from pytorch/vision#116); train.py defaults`,
    },
    local: {
      inputSize: 32,
      description: 'dense blocks (3,3,3,3), growth 12, 24 initial features, bn_size 4, transitions halving channels; stem 3x3 stride-1 conv + the 3x3 stride-2 max pool',
      recipe: { lr: 0.05 },
      why: { lr: LOCAL_LR },
    },
  }),
  entry({
    arch: 'mobilenet_v3_large',
    displayName: 'MobileNetV3-Large',
    family: 'mobilenet',
    paperInput: 224,
    torchvisionParams: 5_483_032,
    recipe: {
      ...TRAIN_PY_DEFAULTS,
      optimizer: 'rmsprop',
      lr: 0.064,
      weightDecay: 1e-5,
      rmspropEps: 0.0316,
      rmspropAlpha: 0.9,
      batchSize: 1024,
      epochs: 600,
      schedule: { kind: 'step', stepSize: 2, gamma: 0.973 },
      autoAugment: 'imagenet',
      randomErase: 0.2,
      source:
        `${REFERENCE}: "MobileNetV3 Large": --epochs 600 --opt rmsprop --batch-size 128 (x8 GPUs) --lr 0.064 --wd 0.00001 ` +
        '--lr-step-size 2 --lr-gamma 0.973 --auto-augment imagenet --random-erase 0.2 (then averaging the last 3 improving checkpoints)',
    },
    local: {
      inputSize: 32,
      description: 'all 15 inverted-residual blocks (SE + hard-swish where torchvision has them) at width 0.5 (torchvision width_mult), last channel 640; 32 px ends on a 1x1 map as 224 px ends on 7x7; BN momentum 0.1 (not 0.01) for short runs',
      recipe: { lr: 0.005, autoAugment: null, randomErase: 0 },
      why: {
        lr: `${LOCAL_LR}; demo export, 2 seeds: 0.002 -> 40-44%, 0.005 -> 47-50%, 0.01 -> 24-37%`,
        autoAugment: REGULARISE,
        randomErase: REGULARISE,
      },
    },
  }),
  entry({
    arch: 'efficientnet_v2_s',
    displayName: 'EfficientNetV2-S',
    family: 'efficientnet',
    paperInput: 224,
    torchvisionParams: 21_458_488,
    recipe: {
      ...MODERN,
      optimizer: 'sgd',
      lr: 0.5,
      weightDecay: 2e-5,
      ema: { steps: 32, decay: 0.99998 },
      trainCropSize: 300,
      valResizeSize: 384,
      valCropSize: 384,
      source:
        `${REFERENCE}: "EfficientNet-V2": --batch-size 128 (x8 GPUs) --lr 0.5 --lr-scheduler cosineannealinglr --lr-warmup-epochs 5 ` +
        '--lr-warmup-method linear --auto-augment ta_wide --epochs 600 --random-erase 0.1 --label-smoothing 0.1 --mixup-alpha 0.2 ' +
        '--cutmix-alpha 1.0 --weight-decay 0.00002 --norm-weight-decay 0.0 --train-crop-size 300 --model-ema --val-crop-size 384 ' +
        '--val-resize-size 384 --ra-sampler --ra-reps 4',
    },
    local: {
      inputSize: 32,
      description:
        'stages fused-MBConv(1,16,x1) fused(4,32,x2) fused(4,48,x2) MBConv+SE(4,64,x2) MBConv+SE(6,80,x2) MBConv+SE(6,128,x2), ' +
        'SiLU, stochastic depth 0.2, head 512',
      recipe: { lr: 0.02, mixupAlpha: 0, cutmixAlpha: 0, autoAugment: null, randomErase: 0, ema: null },
      why: {
        lr:
          `${LOCAL_LR}; torchvision's classifier init U(+-1/sqrt(classes)) gives few classes large first logits (a first loss ` +
          'of 4-5 on the demo\'s 8 classes): demo export, 2 seeds: 0.05 -> 29-40%, 0.02 -> 41-49%',
        mixupAlpha: REGULARISE,
        cutmixAlpha: REGULARISE,
        autoAugment: REGULARISE,
        randomErase: REGULARISE,
        ema: EMA_WHY,
      },
    },
  }),
  entry({
    arch: 'vit_b_16',
    displayName: 'ViT-B/16',
    family: 'vision transformer',
    paperInput: 224,
    torchvisionParams: 86_567_656,
    recipe: {
      ...TRAIN_PY_DEFAULTS,
      optimizer: 'adamw',
      lr: 0.003,
      weightDecay: 0.3,
      batchSize: 4096,
      epochs: 300,
      schedule: { kind: 'cosine' },
      warmupEpochs: 30,
      warmupMethod: 'linear',
      warmupDecay: 0.033,
      labelSmoothing: 0.11,
      mixupAlpha: 0.2,
      cutmixAlpha: 1.0,
      autoAugment: 'ra',
      raMagnitude: 9,
      ema: { steps: 32, decay: 0.99998 },
      raReps: 3,
      clipGradNorm: 1,
      amp: true,
      source:
        `${REFERENCE}: "ViT_B_16": --epochs 300 --batch-size 512 (x8 GPUs) --opt adamw --lr 0.003 --wd 0.3 ` +
        '--lr-scheduler cosineannealinglr --lr-warmup-method linear --lr-warmup-epochs 30 --lr-warmup-decay 0.033 --amp ' +
        '--label-smoothing 0.11 --mixup-alpha 0.2 --auto-augment ra --clip-grad-norm 1 --ra-sampler --cutmix-alpha 1.0 --model-ema',
    },
    local: {
      inputSize: 32,
      description: 'patch 4 (64 patches + class token), 4 encoder blocks, hidden 64, 4 heads, MLP 128, pre-norm, GELU',
      recipe: { epochs: 10, warmupEpochs: 1, mixupAlpha: 0, cutmixAlpha: 0, autoAugment: null, ema: null },
      why: {
        epochs:
          'a transformer learns slowest of the nine from a few hundred images: on the demo export (lr 0.003) 6 epochs reached ' +
          '32-50% test top-1, 10 epochs 38-47% (4 seeds); with lr 0.001, 6 epochs, 30-38%',
        warmupEpochs: 'one warm-up epoch of ten (torchvision: 30 of 300)',
        mixupAlpha: REGULARISE,
        cutmixAlpha: REGULARISE,
        autoAugment: REGULARISE,
        ema: EMA_WHY,
      },
    },
  }),
  entry({
    arch: 'convnext_tiny',
    displayName: 'ConvNeXt-Tiny',
    family: 'convnext',
    paperInput: 224,
    torchvisionParams: 28_589_128,
    recipe: {
      ...MODERN,
      optimizer: 'adamw',
      lr: 1e-3,
      weightDecay: 0.05,
      ema: { steps: 32, decay: 0.99998 },
      trainCropSize: 176,
      valResizeSize: 232,
      valCropSize: 224,
      source:
        `${REFERENCE}: "ConvNeXt": --batch-size 128 (x8 GPUs) --opt adamw --lr 1e-3 --lr-scheduler cosineannealinglr ` +
        '--lr-warmup-epochs 5 --lr-warmup-method linear --auto-augment ta_wide --epochs 600 --random-erase 0.1 ' +
        '--label-smoothing 0.1 --mixup-alpha 0.2 --cutmix-alpha 1.0 --weight-decay 0.05 --norm-weight-decay 0.0 ' +
        '--train-crop-size 176 --model-ema --val-resize-size 232 --ra-sampler --ra-reps 4',
    },
    local: {
      inputSize: 32,
      description: 'stages of ConvNeXt blocks [1,1,3,1] at dims 32-64-128-256, 2x2 stride-2 patchify stem for 32 px, layer scale 1e-6, stochastic depth 0.1',
      recipe: { warmupEpochs: 1, mixupAlpha: 0, cutmixAlpha: 0, autoAugment: null, randomErase: 0, ema: null },
      why: {
        warmupEpochs: 'one warm-up epoch of six (torchvision: 5 of 600)',
        mixupAlpha: REGULARISE,
        cutmixAlpha: REGULARISE,
        autoAugment: REGULARISE,
        randomErase: REGULARISE,
        ema: EMA_WHY,
      },
    },
  }),
];

export function architectureInfo(arch: string): ArchitectureInfo {
  const info = ARCHITECTURES.find((a) => a.arch === arch);
  if (!info) throw new Error(`unknown architecture '${arch}' (known: ${ARCHITECTURES.map((a) => a.arch).join(', ')})`);
  return info;
}
