// Crop geometry of the input pipeline (torchvision transforms): RandomResizedCrop(scale=(0.08, 1), ratio=(3/4, 4/3))
// + horizontal flip for training; Resize(short side) + CenterCrop for evaluation. Returns rectangles in source pixels.

export interface CropPlan {
  left: number;
  top: number;
  width: number;
  height: number;
  flip: boolean;
}

/** torchvision RandomResizedCrop.get_params, then a coin for the flip. */
export function randomResizedCrop(width: number, height: number, rand: () => number, scale: [number, number] = [0.08, 1], ratio: [number, number] = [3 / 4, 4 / 3]): CropPlan {
  const area = width * height;
  const logRatio = [Math.log(ratio[0]), Math.log(ratio[1])];
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * (scale[0] + (scale[1] - scale[0]) * rand());
    const aspect = Math.exp(logRatio[0] + (logRatio[1] - logRatio[0]) * rand());
    const w = Math.round(Math.sqrt(target * aspect));
    const h = Math.round(Math.sqrt(target / aspect));
    if (w > 0 && h > 0 && w <= width && h <= height) {
      const top = Math.floor(rand() * (height - h + 1));
      const left = Math.floor(rand() * (width - w + 1));
      return { left, top, width: w, height: h, flip: rand() < 0.5 };
    }
  }
  // Fallback: the whole image clamped to the ratio range, centred.
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < ratio[0]) h = Math.round(w / ratio[0]);
  else if (inRatio > ratio[1]) w = Math.round(h * ratio[1]);
  return { left: Math.floor((width - w) / 2), top: Math.floor((height - h) / 2), width: w, height: h, flip: rand() < 0.5 };
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
