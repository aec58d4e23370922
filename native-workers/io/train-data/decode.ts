// One image -> normalised float pixels, torchvision's ClassificationPresetTrain / ClassificationPresetEval order:
// training: RandomResizedCrop (sharp extracts the rectangle and resizes it) + horizontal flip, then the recipe's
// automatic augmentation (AutoAugment / RandAugment / TrivialAugmentWide on the RGB bytes), normalisation with the
// ImageNet mean/std, then RandomErasing; evaluation: resize the short side + centre crop. HWC order. All random draws
// of an image come from one stream seeded by `seed`, in torchvision's order (crop, flip, policy, erasing).
import sharp from 'sharp';
import {
  applyErasing,
  centerCrop,
  randomErasingBox,
  randomResizedCrop,
  type CropPlan,
} from '../../core/training/augment.ts';
import { autoAugment, type AutoAugmentPolicy } from '../../core/training/auto-augment.ts';
import { rgbImage } from '../../core/training/image-ops.ts';
import { rngFor } from '../../core/training/random.ts';

export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
export const IMAGENET_STD = [0.229, 0.224, 0.225];

export interface DecodeSpec {
  /** Training: RandomResizedCrop + flip (+ the recipe's augmentation) seeded by `seed`; otherwise resize + centre crop. */
  train: boolean;
  seed: number;
  /** RandomResizedCrop's smallest area fraction (torchvision: 0.08). */
  scaleMin?: number;
  size: number;
  evalResize: number;
  /** The recipe's automatic augmentation policy. */
  autoAugment?: AutoAugmentPolicy | null;
  raMagnitude?: number;
  taTranslatePixels?: number;
  /** RandomErasing probability (0: none). */
  randomErase?: number;
}

export async function decodeInto(bytes: Buffer, spec: DecodeSpec, out: Float32Array, offset: number): Promise<void> {
  const meta = await sharp(bytes).metadata();
  const width = meta.width;
  const height = meta.height;
  if (!width || !height) throw new Error('image has no size (not a decodable image)');
  const rand = rngFor(spec.seed);
  const plan: CropPlan = spec.train
    ? randomResizedCrop(width, height, rand, [spec.scaleMin ?? 0.08, 1])
    : centerCrop(width, height, spec.evalResize, spec.size);
  let pipeline = sharp(bytes)
    .extract({ left: plan.left, top: plan.top, width: plan.width, height: plan.height })
    .resize(spec.size, spec.size, { fit: 'fill', kernel: 'linear' });
  if (plan.flip) pipeline = pipeline.flop();
  const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const ch = info.channels;
  const n = spec.size * spec.size;
  // ImageFolder opens every image as RGB: grey images get three equal channels.
  let rgb = rgbImage(spec.size, spec.size);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) rgb.data[i * 3 + c] = data[i * ch + (ch >= 3 ? c : 0)];
  if (spec.train && spec.autoAugment)
    rgb = autoAugment(rgb, spec.autoAugment, rand, {
      raMagnitude: spec.raMagnitude,
      taTranslate: spec.taTranslatePixels,
    });
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++)
      out[offset + i * 3 + c] = (rgb.data[i * 3 + c] / 255 - IMAGENET_MEAN[c]) / IMAGENET_STD[c];
  }
  if (spec.train && spec.randomErase) {
    const box = randomErasingBox(spec.size, spec.size, spec.randomErase, rand);
    if (box) applyErasing(out, offset, spec.size, 3, box);
  }
}
