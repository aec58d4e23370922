// The random geometry of the input pipeline, as torchvision's transforms draw it (0.14): RandomResizedCrop(scale,
// ratio=(3/4, 4/3)) + RandomHorizontalFlip for training, Resize(short side) + CenterCrop for evaluation, and
// RandomErasing(p, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0) after normalisation. Draws come from `rand`
// (uniform [0, 1)) in torchvision's order: `torch.empty(1).uniform_(a, b)` = a + (b - a) * rand in float32,
// `torch.randint(lo, hi)` = lo + floor(rand * (hi - lo)), `torch.rand(1) < p` = rand() < p; Python's round() is half to
// even. The same draws give torchvision's rectangles (test/unit/augment-torchvision.test.ts). Pixels are moved by
// io/train-data (crop, resize, flip) and by image-ops.ts / applyErasing here.
import { roundHalfEven } from './image-ops.ts';

export interface CropPlan {
  left: number;
  top: number;
  width: number;
  height: number;
  flip: boolean;
}

const f32 = Math.fround;
const uniform = (rand: () => number, a: number, b: number) => f32(a + (b - a) * rand());
const randint = (rand: () => number, lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo));

/** torchvision RandomResizedCrop.get_params (ten tries, then the whole image clamped to the ratio range, centred). */
export function resizedCropRect(
  width: number,
  height: number,
  rand: () => number,
  scale: [number, number] = [0.08, 1],
  ratio: [number, number] = [3 / 4, 4 / 3],
): Omit<CropPlan, 'flip'> {
  const area = width * height;
  const logRatio = [f32(Math.log(f32(ratio[0]))), f32(Math.log(f32(ratio[1])))];
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * uniform(rand, scale[0], scale[1]);
    const aspect = f32(Math.exp(uniform(rand, logRatio[0], logRatio[1])));
    const w = roundHalfEven(Math.sqrt(target * aspect));
    const h = roundHalfEven(Math.sqrt(target / aspect));
    if (w > 0 && h > 0 && w <= width && h <= height) {
      const top = randint(rand, 0, height - h + 1);
      const left = randint(rand, 0, width - w + 1);
      return { left, top, width: w, height: h };
    }
  }
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < Math.min(...ratio)) h = roundHalfEven(w / Math.min(...ratio));
  else if (inRatio > Math.max(...ratio)) w = roundHalfEven(h * Math.max(...ratio));
  return { left: Math.floor((width - w) / 2), top: Math.floor((height - h) / 2), width: w, height: h };
}

/** RandomResizedCrop, then RandomHorizontalFlip(0.5). */
export function randomResizedCrop(
  width: number,
  height: number,
  rand: () => number,
  scale: [number, number] = [0.08, 1],
  ratio: [number, number] = [3 / 4, 4 / 3],
): CropPlan {
  const rect = resizedCropRect(width, height, rand, scale, ratio);
  return { ...rect, flip: rand() < 0.5 };
}

/**
 * Resize so the short side is `resize`, then take the centre `crop` x `crop`: expressed as the source rectangle that
 * maps onto the crop (so one resample does both).
 */
export function centerCrop(width: number, height: number, resize: number, crop: number): CropPlan {
  const scale = resize / Math.min(width, height);
  const side = Math.min(crop / scale, width, height);
  const w = Math.max(1, Math.round(side));
  const h = Math.max(1, Math.round(side));
  return { left: Math.floor((width - w) / 2), top: Math.floor((height - h) / 2), width: w, height: h, flip: false };
}

/** A box to erase: rows top..top+height, columns left..left+width. */
export interface EraseBox {
  top: number;
  left: number;
  height: number;
  width: number;
}

/**
 * RandomErasing's draws: null when the coin (p) says no or ten tries find no box smaller than the image (torchvision
 * then returns the image unchanged). Note h = sqrt(area * ratio), w = sqrt(area / ratio), and both must be strictly
 * smaller than the image.
 */
export function randomErasingBox(
  height: number,
  width: number,
  p: number,
  rand: () => number,
  scale: [number, number] = [0.02, 0.33],
  ratio: [number, number] = [0.3, 3.3],
): EraseBox | null {
  if (!(rand() < p)) return null;
  const area = height * width;
  const logRatio = [f32(Math.log(f32(ratio[0]))), f32(Math.log(f32(ratio[1])))];
  for (let attempt = 0; attempt < 10; attempt++) {
    const eraseArea = area * uniform(rand, scale[0], scale[1]);
    const aspect = f32(Math.exp(uniform(rand, logRatio[0], logRatio[1])));
    const h = roundHalfEven(Math.sqrt(eraseArea * aspect));
    const w = roundHalfEven(Math.sqrt(eraseArea / aspect));
    if (!(h < height && w < width)) continue;
    const top = randint(rand, 0, height - h + 1);
    const left = randint(rand, 0, width - w + 1);
    return { top, left, height: h, width: w };
  }
  return null;
}

/** Set the box to `value` (torchvision's default 0, i.e. the dataset mean after normalisation) in an HWC image. */
export function applyErasing(
  pixels: Float32Array,
  offset: number,
  width: number,
  channels: number,
  box: EraseBox,
  value = 0,
): void {
  for (let y = box.top; y < box.top + box.height; y++) {
    const row = offset + (y * width + box.left) * channels;
    pixels.fill(value, row, row + box.width * channels);
  }
}
