// The photometric and geometric image operations of torchvision's automatic augmentation policies
// (torchvision.transforms.functional on uint8 tensors, 0.14), on an RGB image of bytes in HWC order. torchvision computes
// them in float32 and converts back to uint8 by truncation (blends, grayscale, autocontrast) or by rounding half to
// even (grid sampling, the sharpness blur); both are reproduced here, with Math.fround where float32 rounding can move
// a result across an integer. Checked op by op against torchvision on fixed images (test/unit/augment-torchvision).
//
// Why not sharp: libvips has no posterize, solarize, per-channel histogram equalization or torchvision's min-max
// autocontrast, its sharpen is an unsharp mask rather than torchvision's 3x3 blend, its saturation works in LCh rather
// than blending with ITU-R 601 grey, and its affine/rotate sample with other pixel-centre conventions; and each call
// would be a pipeline round trip per image for a few thousand bytes.

const f32 = Math.fround;

export interface RgbImage {
  width: number;
  height: number;
  /** width * height * 3 bytes, row-major, channels last. */
  data: Uint8Array;
}

export function rgbImage(width: number, height: number, data?: Uint8Array): RgbImage {
  const size = width * height * 3;
  if (data && data.length !== size)
    throw new Error(`an RGB image of ${width}x${height} needs ${size} bytes, got ${data.length}`);
  return { width, height, data: data ?? new Uint8Array(size) };
}

/** torch.round: half to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** float -> uint8 as torch's `.to(torch.uint8)` after a clamp to [0, 255]: truncation toward zero. */
function truncByte(x: number): number {
  return Math.trunc(Math.min(255, Math.max(0, x)));
}

function map(img: RgbImage, fn: (v: number, index: number) => number): RgbImage {
  const out = new Uint8Array(img.data.length);
  for (let i = 0; i < out.length; i++) out[i] = fn(img.data[i], i);
  return { ...img, data: out };
}

/** torchvision's rgb_to_grayscale on uint8: (0.2989 r + 0.587 g + 0.114 b) in float32, truncated. */
export function grayscale(img: RgbImage): Uint8Array {
  const n = img.width * img.height;
  const out = new Uint8Array(n);
  const [wr, wg, wb] = [f32(0.2989), f32(0.587), f32(0.114)];
  for (let p = 0; p < n; p++) {
    const d = img.data;
    const v = f32(f32(f32(wr * d[p * 3]) + f32(wg * d[p * 3 + 1])) + f32(wb * d[p * 3 + 2]));
    out[p] = truncByte(v);
  }
  return out;
}

/** _blend(img1, img2, ratio) = (ratio * img1 + (1 - ratio) * img2) clamped and truncated; img2 given per element. */
function blend(img: RgbImage, ratio: number, other: (index: number) => number): RgbImage {
  const a = f32(ratio);
  const b = f32(1 - ratio);
  return map(img, (v, i) => truncByte(f32(f32(a * v) + f32(b * other(i)))));
}

export function adjustBrightness(img: RgbImage, factor: number): RgbImage {
  return blend(img, factor, () => 0);
}

export function adjustSaturation(img: RgbImage, factor: number): RgbImage {
  const grey = grayscale(img);
  return blend(img, factor, (i) => grey[Math.floor(i / 3)]);
}

export function adjustContrast(img: RgbImage, factor: number): RgbImage {
  const grey = grayscale(img);
  let sum = 0;
  for (const v of grey) sum += v;
  const mean = f32(sum / grey.length);
  return blend(img, factor, () => mean);
}

/**
 * adjust_sharpness: blend with the image blurred by the 3x3 kernel [1 1 1; 1 5 1; 1 1 1] / 13 (rounded to uint8),
 * whose border rows and columns are the original pixels.
 */
export function adjustSharpness(img: RgbImage, factor: number): RgbImage {
  const { width: w, height: h } = img;
  if (w <= 2 || h <= 2) return img;
  const blurred = Uint8Array.from(img.data);
  const edge = f32(1 / 13);
  const centre = f32(5 / 13);
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            s += (dx === 0 && dy === 0 ? centre : edge) * img.data[((y + dy) * w + (x + dx)) * 3 + c];
          }
        }
        blurred[(y * w + x) * 3 + c] = roundHalfEven(f32(s));
      }
    }
  }
  return blend(img, factor, (i) => blurred[i]);
}

/** Keep the `bits` high bits of every value. */
export function posterize(img: RgbImage, bits: number): RgbImage {
  const mask = -(2 ** (8 - bits)) & 0xff;
  return map(img, (v) => v & mask);
}

/** Invert every value at or above the threshold. */
export function solarize(img: RgbImage, threshold: number): RgbImage {
  return map(img, (v) => (v >= threshold ? 255 - v : v));
}

export function invert(img: RgbImage): RgbImage {
  return map(img, (v) => 255 - v);
}

/** Per channel: stretch [min, max] to [0, 255] (a constant channel is left as it is). */
export function autocontrast(img: RgbImage): RgbImage {
  const lo = [255, 255, 255];
  const hi = [0, 0, 0];
  img.data.forEach((v, i) => {
    const c = i % 3;
    if (v < lo[c]) lo[c] = v;
    if (v > hi[c]) hi[c] = v;
  });
  // `bound / (maximum - minimum)` with a tensor divisor is torch's __rtruediv__: reciprocal, then multiply.
  const scale = lo.map((l, c) => (hi[c] === l ? 1 : f32(f32(1 / (hi[c] - l)) * 255)));
  const min = lo.map((l, c) => (hi[c] === l ? 0 : l));
  return map(img, (v, i) => truncByte(f32((v - min[i % 3]) * scale[i % 3])));
}

/** Per-channel histogram equalization, PIL's ImageOps.equalize as torchvision implements it on tensors. */
export function equalize(img: RgbImage): RgbImage {
  const out = Uint8Array.from(img.data);
  for (let c = 0; c < 3; c++) {
    const hist = new Array<number>(256).fill(0);
    for (let i = c; i < img.data.length; i += 3) hist[img.data[i]]++;
    const nonzero = hist.filter((n) => n !== 0);
    const step = Math.floor((nonzero.reduce((a, b) => a + b, 0) - nonzero[nonzero.length - 1]) / 255);
    if (step === 0) continue;
    const lut = new Array<number>(256);
    let cum = 0;
    for (let v = 0; v < 256; v++) {
      // lut = (cumsum + step // 2) // step, shifted right by one (pad [1, 0]), clamped to [0, 255].
      lut[v] = Math.min(255, Math.max(0, Math.floor((cum + Math.floor(step / 2)) / step)));
      cum += hist[v];
    }
    for (let i = c; i < img.data.length; i += 3) out[i] = lut[img.data[i]];
  }
  return { ...img, data: out };
}

/**
 * torchvision's _get_inverse_affine_matrix: the matrix that maps output coordinates (origin at the image centre plus
 * `center`) to input coordinates, for a rotation by `angle` degrees, translation, scale and shear (degrees).
 */
export function inverseAffineMatrix(
  center: [number, number],
  angle: number,
  translate: [number, number],
  scale: number,
  shear: [number, number],
): number[] {
  const rot = (angle * Math.PI) / 180;
  const sx = (shear[0] * Math.PI) / 180;
  const sy = (shear[1] * Math.PI) / 180;
  const [cx, cy] = center;
  const [tx, ty] = translate;
  const a = Math.cos(rot - sy) / Math.cos(sy);
  const b = (-Math.cos(rot - sy) * Math.tan(sx)) / Math.cos(sy) - Math.sin(rot);
  const c = Math.sin(rot - sy) / Math.cos(sy);
  const d = (-Math.sin(rot - sy) * Math.tan(sx)) / Math.cos(sy) + Math.cos(rot);
  const m = [d, -b, 0, -c, a, 0].map((x) => x / scale);
  m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty);
  m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty);
  m[2] += cx;
  m[5] += cy;
  return m;
}

/**
 * Resample through an inverse affine matrix as torchvision's tensor affine does: an output pixel's centre, relative to
 * the image centre, is mapped by the matrix; grid_sample (bilinear, align_corners=False, zeros outside) reads the
 * input there; the result is rounded half to even. fill=None in the policies, so the outside is black.
 */
export function warpAffine(img: RgbImage, matrix: readonly number[]): RgbImage {
  const { width: w, height: h } = img;
  const m = matrix.map(f32);
  // theta^T / (w/2, h/2): the grid in normalised coordinates, as _gen_affine_grid computes it in float32.
  const hw = f32(0.5 * w);
  const hh = f32(0.5 * h);
  const t = [f32(m[0] / hw), f32(m[1] / hw), f32(m[2] / hw), f32(m[3] / hh), f32(m[4] / hh), f32(m[5] / hh)];
  const out = new Uint8Array(img.data.length);
  const at = (x: number, y: number, c: number) =>
    x >= 0 && x < w && y >= 0 && y < h ? img.data[(y * w + x) * 3 + c] : 0;
  for (let i = 0; i < h; i++) {
    const y = f32(-h * 0.5 + 0.5 + i);
    for (let j = 0; j < w; j++) {
      const x = f32(-w * 0.5 + 0.5 + j);
      const gx = f32(f32(f32(x * t[0]) + f32(y * t[1])) + t[2]);
      const gy = f32(f32(f32(x * t[3]) + f32(y * t[4])) + t[5]);
      // grid_sample's unnormalisation with align_corners=False, as torch's vectorised CPU kernel computes it.
      // (a fused multiply-add there too).
      const ix = f32(f32(gx + 1) * f32(w / 2) - 0.5);
      const iy = f32(f32(gy + 1) * f32(h / 2) - 0.5);
      const x0 = Math.floor(ix);
      const y0 = Math.floor(iy);
      const we = f32(ix - x0);
      const ea = f32(1 - we);
      const no = f32(iy - y0);
      const so = f32(1 - no);
      const wNW = f32(so * ea);
      const wNE = f32(so * we);
      const wSW = f32(no * ea);
      const wSE = f32(no * we);
      for (let c = 0; c < 3; c++) {
        // torch accumulates with fused multiply-adds; a float32 product is exact in a double, so one rounding of
        // product + sum reproduces the fma.
        let v = f32(at(x0, y0, c) * wNW);
        v = f32(at(x0 + 1, y0, c) * wNE + v);
        v = f32(at(x0, y0 + 1, c) * wSW + v);
        v = f32(at(x0 + 1, y0 + 1, c) * wSE + v);
        out[(i * w + j) * 3 + c] = Math.min(255, roundHalfEven(v));
      }
    }
  }
  return { ...img, data: out };
}

/** F.affine on a tensor: `center` in pixels (default the image centre). */
export function affine(
  img: RgbImage,
  o: {
    angle?: number;
    translate?: [number, number];
    scale?: number;
    shear?: [number, number];
    center?: [number, number];
  },
): RgbImage {
  const center: [number, number] = o.center ? [o.center[0] - img.width * 0.5, o.center[1] - img.height * 0.5] : [0, 0];
  return warpAffine(
    img,
    inverseAffineMatrix(center, o.angle ?? 0, o.translate ?? [0, 0], o.scale ?? 1, o.shear ?? [0, 0]),
  );
}

/** F.rotate (counter-clockwise degrees, about the centre, same size). */
export function rotate(img: RgbImage, angle: number): RgbImage {
  return warpAffine(img, inverseAffineMatrix([0, 0], -angle, [0, 0], 1, [0, 0]));
}
