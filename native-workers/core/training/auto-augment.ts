// torchvision's automatic augmentation policies (torchvision.transforms.autoaugment, 0.14), as the reference recipes
// use them after RandomResizedCrop + flip with bilinear interpolation and no fill: AutoAugment with the ImageNet policy
// (`--auto-augment imagenet`), RandAugment (`ra`: 2 ops at magnitude 9 of 31 bins) and TrivialAugmentWide
// (`ta_wide`). The random draws are taken from `rand` (uniform [0, 1)) in torchvision's order, one integer draw
// `torch.randint(n)` = floor(rand * n), so the same draws give the same ops and magnitudes as torchvision.
import {
  adjustBrightness,
  adjustContrast,
  adjustSaturation,
  adjustSharpness,
  affine,
  autocontrast,
  equalize,
  invert,
  posterize,
  rotate,
  solarize,
  type RgbImage,
} from './image-ops.ts';

export type AugmentOp =
  | 'Identity'
  | 'ShearX'
  | 'ShearY'
  | 'TranslateX'
  | 'TranslateY'
  | 'Rotate'
  | 'Brightness'
  | 'Color'
  | 'Contrast'
  | 'Sharpness'
  | 'Posterize'
  | 'Solarize'
  | 'AutoContrast'
  | 'Equalize'
  | 'Invert';

export type AutoAugmentPolicy = 'imagenet' | 'ta_wide' | 'ra';

/** One op with its signed magnitude, as chosen by a policy. */
export interface AppliedOp {
  op: AugmentOp;
  magnitude: number;
}

/** torchvision's _apply_op (center [0, 0] for the shears, translations truncated to whole pixels). */
export function applyOp(img: RgbImage, op: AugmentOp, magnitude: number): RgbImage {
  const degrees = (x: number) => (Math.atan(x) * 180) / Math.PI;
  switch (op) {
    case 'Identity':
      return img;
    case 'ShearX':
      return affine(img, { shear: [degrees(magnitude), 0], center: [0, 0] });
    case 'ShearY':
      return affine(img, { shear: [0, degrees(magnitude)], center: [0, 0] });
    case 'TranslateX':
      return affine(img, { translate: [Math.trunc(magnitude), 0] });
    case 'TranslateY':
      return affine(img, { translate: [0, Math.trunc(magnitude)] });
    case 'Rotate':
      return rotate(img, magnitude);
    case 'Brightness':
      return adjustBrightness(img, 1 + magnitude);
    case 'Color':
      return adjustSaturation(img, 1 + magnitude);
    case 'Contrast':
      return adjustContrast(img, 1 + magnitude);
    case 'Sharpness':
      return adjustSharpness(img, 1 + magnitude);
    case 'Posterize':
      return posterize(img, Math.trunc(magnitude));
    case 'Solarize':
      return solarize(img, magnitude);
    case 'AutoContrast':
      return autocontrast(img);
    case 'Equalize':
      return equalize(img);
    case 'Invert':
      return invert(img);
  }
}

/** torch.linspace in float32 (the magnitudes are float32 values read back as doubles). */
function linspace(start: number, end: number, steps: number): number[] {
  const f = Math.fround;
  const step = f((f(end) - f(start)) / (steps - 1));
  // torch's kernel fills the first half (steps / 2, rounded down) from start and the rest from end.
  const half = Math.floor(steps / 2);
  return Array.from({ length: steps }, (_, i) =>
    i < half ? f(f(start) + f(step * i)) : f(f(end) - f(step * (steps - 1 - i))),
  );
}

/** `top - round(arange(bins) / ((bins - 1) / spread))`: the posterize bits per bin. */
function posterizeBits(top: number, bins: number, spread: number): number[] {
  return Array.from({ length: bins }, (_, i) => top - Math.round(Math.fround(i / ((bins - 1) / spread))));
}

interface OpSpace {
  op: AugmentOp;
  /** Magnitudes per bin; null: the op has none (magnitude 0). */
  magnitudes: number[] | null;
  signed: boolean;
}

/**
 * The augmentation spaces, in torchvision's dictionary order (the op index is drawn over this order). `translate`:
 * TrivialAugmentWide's largest translation in pixels (torchvision: 32, absolute, whatever the image size).
 */
function space(policy: AutoAugmentPolicy, bins: number, height: number, width: number, translate = 32): OpSpace[] {
  const s = (op: AugmentOp, magnitudes: number[] | null, signed: boolean): OpSpace => ({ op, magnitudes, signed });
  if (policy === 'ta_wide') {
    return [
      s('Identity', null, false),
      s('ShearX', linspace(0, 0.99, bins), true),
      s('ShearY', linspace(0, 0.99, bins), true),
      s('TranslateX', linspace(0, translate, bins), true),
      s('TranslateY', linspace(0, translate, bins), true),
      s('Rotate', linspace(0, 135, bins), true),
      s('Brightness', linspace(0, 0.99, bins), true),
      s('Color', linspace(0, 0.99, bins), true),
      s('Contrast', linspace(0, 0.99, bins), true),
      s('Sharpness', linspace(0, 0.99, bins), true),
      s('Posterize', posterizeBits(8, bins, 6), false),
      s('Solarize', linspace(255, 0, bins), false),
      s('AutoContrast', null, false),
      s('Equalize', null, false),
    ];
  }
  const common = [
    s('ShearX', linspace(0, 0.3, bins), true),
    s('ShearY', linspace(0, 0.3, bins), true),
    s('TranslateX', linspace(0, (150 / 331) * width, bins), true),
    s('TranslateY', linspace(0, (150 / 331) * height, bins), true),
    s('Rotate', linspace(0, 30, bins), true),
    s('Brightness', linspace(0, 0.9, bins), true),
    s('Color', linspace(0, 0.9, bins), true),
    s('Contrast', linspace(0, 0.9, bins), true),
    s('Sharpness', linspace(0, 0.9, bins), true),
    s('Posterize', posterizeBits(8, bins, 4), false),
    s('Solarize', linspace(255, 0, bins), false),
    s('AutoContrast', null, false),
    s('Equalize', null, false),
  ];
  if (policy === 'ra') return [s('Identity', null, false), ...common];
  return [...common, s('Invert', null, false)];
}

type PolicyStep = [AugmentOp, number, number | null];
/** AutoAugmentPolicy.IMAGENET: 25 sub-policies of two (op, probability, magnitude bin of 10). */
const IMAGENET_POLICY: [PolicyStep, PolicyStep][] = [
  [
    ['Posterize', 0.4, 8],
    ['Rotate', 0.6, 9],
  ],
  [
    ['Solarize', 0.6, 5],
    ['AutoContrast', 0.6, null],
  ],
  [
    ['Equalize', 0.8, null],
    ['Equalize', 0.6, null],
  ],
  [
    ['Posterize', 0.6, 7],
    ['Posterize', 0.6, 6],
  ],
  [
    ['Equalize', 0.4, null],
    ['Solarize', 0.2, 4],
  ],
  [
    ['Equalize', 0.4, null],
    ['Rotate', 0.8, 8],
  ],
  [
    ['Solarize', 0.6, 3],
    ['Equalize', 0.6, null],
  ],
  [
    ['Posterize', 0.8, 5],
    ['Equalize', 1.0, null],
  ],
  [
    ['Rotate', 0.2, 3],
    ['Solarize', 0.6, 8],
  ],
  [
    ['Equalize', 0.6, null],
    ['Posterize', 0.4, 6],
  ],
  [
    ['Rotate', 0.8, 8],
    ['Color', 0.4, 0],
  ],
  [
    ['Rotate', 0.4, 9],
    ['Equalize', 0.6, null],
  ],
  [
    ['Equalize', 0.0, null],
    ['Equalize', 0.8, null],
  ],
  [
    ['Invert', 0.6, null],
    ['Equalize', 1.0, null],
  ],
  [
    ['Color', 0.6, 4],
    ['Contrast', 1.0, 8],
  ],
  [
    ['Rotate', 0.8, 8],
    ['Color', 1.0, 2],
  ],
  [
    ['Color', 0.8, 8],
    ['Solarize', 0.8, 7],
  ],
  [
    ['Sharpness', 0.4, 7],
    ['Invert', 0.6, null],
  ],
  [
    ['ShearX', 0.6, 5],
    ['Equalize', 1.0, null],
  ],
  [
    ['Color', 0.4, 0],
    ['Equalize', 0.6, null],
  ],
  [
    ['Equalize', 0.4, null],
    ['Solarize', 0.2, 4],
  ],
  [
    ['Solarize', 0.6, 5],
    ['AutoContrast', 0.6, null],
  ],
  [
    ['Invert', 0.6, null],
    ['Equalize', 1.0, null],
  ],
  [
    ['Color', 0.6, 4],
    ['Contrast', 1.0, 8],
  ],
  [
    ['Equalize', 0.8, null],
    ['Equalize', 0.6, null],
  ],
];

export interface PolicyOptions {
  /** RandAugment: ops per image (torchvision 2) and the magnitude bin (train.py --ra-magnitude, 9) of 31. */
  raOps?: number;
  raMagnitude?: number;
  /** TrivialAugmentWide's largest translation in pixels (torchvision 32). */
  taTranslate?: number;
}

const int = (rand: () => number, n: number) => Math.floor(rand() * n);

/** The ops a policy applies to one image of the given size, drawing from `rand` in torchvision's order. */
export function choosePolicyOps(
  policy: AutoAugmentPolicy,
  height: number,
  width: number,
  rand: () => number,
  o: PolicyOptions = {},
): AppliedOp[] {
  if (policy === 'imagenet') {
    // AutoAugment.get_params: sub-policy id, two probabilities, two signs (in that order).
    const id = int(rand, IMAGENET_POLICY.length);
    const probs = [rand(), rand()];
    const signs = [int(rand, 2), int(rand, 2)];
    const ops = space('imagenet', 10, height, width);
    const out: AppliedOp[] = [];
    IMAGENET_POLICY[id].forEach(([op, p, bin], i) => {
      if (!(probs[i] <= p)) return;
      const meta = ops.find((s) => s.op === op)!;
      let magnitude = bin != null && meta.magnitudes ? meta.magnitudes[bin] : 0;
      if (meta.signed && signs[i] === 0) magnitude = -magnitude;
      out.push({ op, magnitude });
    });
    return out;
  }
  if (policy === 'ra') {
    const ops = space('ra', 31, height, width);
    const bin = o.raMagnitude ?? 9;
    return Array.from({ length: o.raOps ?? 2 }, () => {
      const meta = ops[int(rand, ops.length)];
      let magnitude = meta.magnitudes ? meta.magnitudes[bin] : 0;
      if (meta.signed && int(rand, 2)) magnitude = -magnitude;
      return { op: meta.op, magnitude };
    });
  }
  const ops = space('ta_wide', 31, height, width, o.taTranslate ?? 32);
  const meta = ops[int(rand, ops.length)];
  let magnitude = meta.magnitudes ? meta.magnitudes[int(rand, meta.magnitudes.length)] : 0;
  if (meta.signed && int(rand, 2)) magnitude = -magnitude;
  return [{ op: meta.op, magnitude }];
}

/** Apply a policy to an image: choose the ops, then apply them in order. */
export function autoAugment(
  img: RgbImage,
  policy: AutoAugmentPolicy,
  rand: () => number,
  o: PolicyOptions = {},
): RgbImage {
  return choosePolicyOps(policy, img.height, img.width, rand, o).reduce(
    (im, { op, magnitude }) => applyOp(im, op, magnitude),
    img,
  );
}
