// Image bytes -> a checked, content-addressed image on disk. Bad inputs (zero bytes, non-images, truncated or corrupt
// files, decompression bombs) are refused with a reason a person understands, as early and as cheaply as possible:
// magic bytes first, then the header (dimensions), and only then a full decode under a pixel limit.
import sharp from 'sharp';
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

// One libvips thread per process: the machine is shared and jobs already run in parallel processes.
sharp.concurrency(1);
sharp.cache(false);

/** Why an image was refused. 'too_large' covers decompression bombs and byte limits. */
export type ImageProblem = 'empty' | 'not_image' | 'corrupt' | 'too_large';

export class ImageRejected extends Error {
  override name = 'ImageRejected';
  constructor(
    readonly problem: ImageProblem,
    message: string,
  ) {
    super(message);
  }
}

export interface ImageOptions {
  /** Refuse images with more pixels than this (decompression bombs). PIL's default limit. */
  maxPixels: number;
  /** Longest side of the stored copy; smaller images are kept at their size. */
  maxSide: number;
  /** Longest side of the grid thumbnail. */
  thumbSide: number;
  /** Also keep the original bytes. */
  keepOriginal: boolean;
  /** JPEG quality of the stored copy and thumbnail. */
  quality: number;
}

export const DEFAULT_IMAGE_OPTIONS: ImageOptions = {
  maxPixels: 89_478_485,
  maxSide: 512,
  thumbSide: 256,
  keepOriginal: false,
  quality: 90,
};

/** Extensions treated as images when walking folders and tars. */
export const IMAGE_EXTENSIONS = new Set([
  'jpg',
  'jpeg',
  'png',
  'webp',
  'gif',
  'tif',
  'tiff',
  'avif',
  'heic',
  'heif',
  'bmp',
]);

export function isImageName(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot >= 0 && IMAGE_EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
}

export function sha256Hex(buf: Uint8Array): string {
  return createHash('sha256').update(buf).digest('hex');
}

/** The format named by the first bytes, or null. Cheap: refuses HTML error pages and text before sharp sees them. */
export function sniffImageFormat(buf: Uint8Array): string | null {
  const b = buf;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  if (b.length >= 6 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38) return 'gif';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return 'webp';
  if (
    b.length >= 4 &&
    ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0) ||
      (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && b[3] === 0x2a))
  )
    return 'tiff';
  if (b.length >= 12 && ascii(b, 4, 8) === 'ftyp') return 'heif';
  if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) return 'bmp';
  return null;
}

function ascii(b: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...b.subarray(start, end));
}

/** A short description of what non-image bytes look like, for the rejection reason. */
function describeNonImage(buf: Uint8Array): string {
  const head = Buffer.from(buf.subarray(0, 64)).toString('utf8');
  if (/^\s*<(!doctype|html|\?xml|svg)/i.test(head)) return 'looks like HTML/XML';
  if (/^\s*[{[]/.test(head)) return 'looks like JSON';
  const printable = [...buf.subarray(0, 64)].every((c) => c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127));
  if (printable) return `looks like text: ${JSON.stringify(head.slice(0, 24))}`;
  return `starts with bytes ${Buffer.from(buf.subarray(0, 8)).toString('hex')}`;
}

export interface ImageHeader {
  format: string;
  width: number;
  height: number;
}

/** Check magic bytes and header dimensions without decoding pixels. Throws ImageRejected. */
export async function inspectImage(buf: Uint8Array, opts: Pick<ImageOptions, 'maxPixels'>): Promise<ImageHeader> {
  if (buf.length === 0) throw new ImageRejected('empty', 'empty file (0 bytes)');
  const sniffed = sniffImageFormat(buf);
  if (!sniffed) throw new ImageRejected('not_image', `not an image (${describeNonImage(buf)})`);
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
  try {
    meta = await sharp(buf, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw new ImageRejected('corrupt', `corrupt ${sniffed} image: ${cleanSharpMessage(err)}`);
  }
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  if (!width || !height) throw new ImageRejected('corrupt', `corrupt ${sniffed} image: no dimensions in its header`);
  const pixels = width * height;
  if (pixels > opts.maxPixels) {
    throw new ImageRejected(
      'too_large',
      `decompression bomb: ${width}x${height} (${(pixels / 1e6).toFixed(1)} Mpx) exceeds the ${(opts.maxPixels / 1e6).toFixed(1)} Mpx limit`,
    );
  }
  return { format: meta.format ?? sniffed, width, height };
}

function cleanSharpMessage(err: unknown): string {
  return String((err as Error)?.message ?? err)
    .split('\n')
    .map((l) => l.trim())
    .filter((l, i, all) => l && all.indexOf(l) === i)
    .join('; ');
}

export interface ImageDirs {
  /** Folder for stored copies (content-addressed, two-level fan-out). */
  media: string;
  thumbs: string;
  /** Folder for originals (only written when keepOriginal). */
  originals: string;
}

export interface StoredImage {
  sha256: string;
  format: string;
  width: number;
  height: number;
  bytes: number;
  /** Absolute paths of the files written (or already present). */
  storedPath: string;
  thumbPath: string;
  originalPath: string | null;
}

/** Where an image with this hash lives (the same for every workspace layout given the folders). */
export function imagePaths(dirs: ImageDirs, sha: string, format: string) {
  const fan = sha.slice(0, 2);
  return {
    stored: join(dirs.media, fan, `${sha}.jpg`),
    thumb: join(dirs.thumbs, fan, `${sha}.jpg`),
    original: join(dirs.originals, fan, `${sha}.${format === 'jpeg' ? 'jpg' : format}`),
  };
}

/** Write via a temporary name and rename, so a killed process never leaves a half file under the final name. */
function writeAtomic(path: string, data: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/**
 * Check, decode and store an image: a copy resized to fit maxSide (JPEG), a thumbnail, and optionally the original,
 * all named by the sha256 of the original bytes. Throws ImageRejected for bad input (nothing is written then).
 */
export async function storeImage(
  buf: Uint8Array,
  dirs: ImageDirs,
  opts: ImageOptions,
  knownSha?: string,
): Promise<StoredImage> {
  const header = await inspectImage(buf, opts);
  const sha = knownSha ?? sha256Hex(buf);
  const paths = imagePaths(dirs, sha, header.format);
  let pixels: { data: Buffer; info: { width: number; height: number; channels: 1 | 2 | 3 | 4 } };
  try {
    // Decoded once (JPEG shrink-on-load does most of the resizing); both outputs are encoded from these pixels.
    // failOn 'warning' (the default) turns libjpeg's "premature end of file" into an error: truncated files are refused.
    pixels = (await sharp(buf, { limitInputPixels: opts.maxPixels, failOn: 'warning' })
      .autoOrient()
      .resize(opts.maxSide, opts.maxSide, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .raw()
      .toBuffer({ resolveWithObject: true })) as typeof pixels;
  } catch (err) {
    const msg = cleanSharpMessage(err);
    const truncated = /premature end|truncated|unexpected end|end of (file|stream)|read error|short read/i.test(msg);
    throw new ImageRejected('corrupt', `${truncated ? 'truncated' : 'corrupt'} ${header.format} image: ${msg}`);
  }
  const raw = { raw: { width: pixels.info.width, height: pixels.info.height, channels: pixels.info.channels } };
  const stored = await sharp(pixels.data, raw).jpeg({ quality: opts.quality }).toBuffer();
  const thumb = await sharp(pixels.data, raw)
    .resize(opts.thumbSide, opts.thumbSide, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 80 })
    .toBuffer();
  if (!existsSync(paths.stored)) writeAtomic(paths.stored, stored);
  if (!existsSync(paths.thumb)) writeAtomic(paths.thumb, thumb);
  if (opts.keepOriginal && !existsSync(paths.original)) writeAtomic(paths.original, buf);
  return {
    sha256: sha,
    format: header.format,
    width: header.width,
    height: header.height,
    bytes: buf.length,
    storedPath: paths.stored,
    thumbPath: paths.thumb,
    originalPath: opts.keepOriginal ? paths.original : null,
  };
}
