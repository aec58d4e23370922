// The catalogue of the nine architectures: names, families, torchvision's parameter counts and, per architecture,
// the torchvision reference training recipe (`paper`) and the scaled-down settings of the `local` profile.
import type { ArchitectureInfo, ArchName, TrainingRecipe } from './types.ts';

const REFERENCE = 'pytorch/vision references/classification README + train.py defaults';

/** train.py defaults: SGD momentum 0.9, wd 1e-4, lr 0.1, 90 epochs, StepLR(30, 0.1), 32/GPU on 8 GPUs. */
const TRAIN_PY_DEFAULTS: TrainingRecipe = {
  optimizer: 'sgd',
  lr: 0.1,
  momentum: 0.9,
  weightDecay: 1e-4,
  batchSize: 256,
  epochs: 90,
  schedule: { kind: 'step', stepSize: 30, gamma: 0.1 },
  warmupEpochs: 0,
  labelSmoothing: 0,
  mixupAlpha: 0,
  cutmixAlpha: 0,
  autoAugment: null,
  randomErase: 0,
  ema: null,
  clipGradNorm: null,
  trainCropSize: 224,
  valResizeSize: 256,
  valCropSize: 224,
  source: `${REFERENCE}: train.py defaults`,
};

/** The long "new recipe" family (EfficientNetV2, ConvNeXt): cosine + warm-up, TrivialAugment, mixup/cutmix, EMA. */
const MODERN: Omit<TrainingRecipe, 'optimizer' | 'lr' | 'weightDecay' | 'source' | 'trainCropSize' | 'valResizeSize' | 'valCropSize'> = {
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
  randomErase: 0.1,
  ema: { steps: 32, decay: 0.99998 },
  clipGradNorm: null,
};

/**
 * Local profile recipe base: 32 px, batch 64, 6 epochs, cosine decay, no heavy augmentation (the dataset is small
 * and the runs are minutes long). Optimizer family and label smoothing follow the paper recipe of each architecture.
 */
function localRecipe(over: Partial<TrainingRecipe> & Pick<TrainingRecipe, 'optimizer' | 'lr' | 'weightDecay'>): TrainingRecipe {
  return {
    momentum: 0.9,
    batchSize: 64,
    epochs: 6,
    schedule: { kind: 'cosine' },
    warmupEpochs: 0,
    labelSmoothing: 0,
    mixupAlpha: 0,
    cutmixAlpha: 0,
    autoAugment: null,
    randomErase: 0,
    ema: null,
    clipGradNorm: null,
    trainCropSize: 32,
    valResizeSize: 36,
    valCropSize: 32,
    source: 'local profile: the paper recipe\'s optimizer family, lr chosen for batch 64 and a few epochs, cosine decay',
    ...over,
  };
}

export const ARCHITECTURES: readonly ArchitectureInfo[] = [
  {
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
      recipe: localRecipe({ optimizer: 'sgd', lr: 0.01, weightDecay: 5e-4 }),
    },
  },
  {
    arch: 'vgg19',
    displayName: 'VGG-19',
    family: 'plain convnet',
    paperInput: 224,
    torchvisionParams: 143_667_240,
    recipe: { ...TRAIN_PY_DEFAULTS, lr: 0.01, source: `${REFERENCE}: "AlexNet and VGG": --model vgg19 --lr 1e-2` },
    local: {
      inputSize: 32,
      description: 'all 16 convs of configuration E at widths 16-32-64-128-128, five max pools, AdaptiveAvgPool2d((1,1)), classifier 256-256-classes with kaiming-normal init (N(0, 0.01) stalls short runs)',
      recipe: localRecipe({ optimizer: 'sgd', lr: 0.01, weightDecay: 5e-4 }),
    },
  },
  {
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
      recipe: localRecipe({ optimizer: 'sgd', lr: 0.05, weightDecay: 1e-4 }),
    },
  },
  {
    arch: 'resnet152',
    displayName: 'ResNet-152',
    family: 'resnet',
    paperInput: 224,
    torchvisionParams: 60_192_808,
    recipe: { ...TRAIN_PY_DEFAULTS, source: `${REFERENCE}: "ResNet": --model resnet152 (train.py defaults)` },
    local: {
      inputSize: 32,
      description: 'bottleneck blocks [2,2,2,2] at base width 8 (outputs 32-64-128-256); stem 3x3 stride-1 conv + the 3x3 stride-2 max pool (16x16 maps)',
      recipe: localRecipe({ optimizer: 'sgd', lr: 0.05, weightDecay: 1e-4 }),
    },
  },
  {
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
      recipe: localRecipe({ optimizer: 'sgd', lr: 0.05, weightDecay: 1e-4 }),
    },
  },
  {
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
      recipe: localRecipe({ optimizer: 'rmsprop', lr: 0.002, weightDecay: 1e-5, rmspropEps: 0.0316, rmspropAlpha: 0.9 }),
    },
  },
  {
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
      recipe: localRecipe({ optimizer: 'sgd', lr: 0.05, weightDecay: 2e-5, labelSmoothing: 0.1 }),
    },
  },
  {
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
      ema: { steps: 32, decay: 0.99998 },
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
      recipe: localRecipe({ optimizer: 'adamw', lr: 1e-3, weightDecay: 0.05, warmupEpochs: 1, warmupMethod: 'linear', labelSmoothing: 0.11, clipGradNorm: 1 }),
    },
  },
  {
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
      recipe: localRecipe({ optimizer: 'adamw', lr: 1e-3, weightDecay: 0.05, warmupEpochs: 1, warmupMethod: 'linear', labelSmoothing: 0.1 }),
    },
  },
];

export function architectureInfo(arch: string): ArchitectureInfo {
  const info = ARCHITECTURES.find((a) => a.arch === arch);
  if (!info) throw new Error(`unknown architecture '${arch}' (known: ${ARCHITECTURES.map((a) => a.arch).join(', ')})`);
  return info;
}

export function isArchName(name: string): name is ArchName {
  return ARCHITECTURES.some((a) => a.arch === name);
}
