// One image -> normalised float pixels: decode with sharp, take the crop plan's rectangle, resize to size x size, flip
// if planned, and write (v/255 - mean) / std per channel (ImageNet statistics, as torchvision) in HWC order.
import sharp from 'sharp';
import { centerCrop, randomResizedCrop, type CropPlan } from '../../core/training/augment.ts';
import { rngFor } from '../../core/training/random.ts';

export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
export const IMAGENET_STD = [0.229, 0.224, 0.225];

export interface DecodeSpec {
  /** Training: RandomResizedCrop + flip seeded by `seed`; otherwise resize + centre crop. */
  train: boolean;
  seed: number;
  /** RandomResizedCrop's smallest area fraction (torchvision: 0.08). */
  scaleMin?: number;
  size: number;
  evalResize: number;
}

export async function decodeInto(bytes: Buffer, spec: DecodeSpec, out: Float32Array, offset: number): Promise<void> {
  const meta = await sharp(bytes).metadata();
  const width = meta.width;
  const height = meta.height;
  if (!width || !height) throw new Error('image has no size (not a decodable image)');
  const plan: CropPlan = spec.train ? randomResizedCrop(width, height, rngFor(spec.seed), [spec.scaleMin ?? 0.08, 1]) : centerCrop(width, height, spec.evalResize, spec.size);
  let pipeline = sharp(bytes)
    .extract({ left: plan.left, top: plan.top, width: plan.width, height: plan.height })
    .resize(spec.size, spec.size, { fit: 'fill', kernel: 'linear' });
  if (plan.flip) pipeline = pipeline.flop();
  const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const ch = info.channels;
  const n = spec.size * spec.size;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      const v = data[i * ch + (ch >= 3 ? c : 0)] / 255;
      out[offset + i * 3 + c] = (v - IMAGENET_MEAN[c]) / IMAGENET_STD[c];
    }
  }
}
