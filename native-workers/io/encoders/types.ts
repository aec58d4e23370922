// What every encoder offers: a batch of texts or images in, one L2-normalised vector per item out.
import type { EncoderKind } from '../../core/similarity/thresholds.ts';

export interface TextEncoder {
  readonly name: string;
  readonly kind: EncoderKind;
  readonly dim: number;
  encodeTexts(texts: string[]): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

export interface ImageEncoder {
  readonly name: string;
  readonly dim: number;
  /** Absolute image file paths; a file that cannot be decoded throws an error naming it. */
  encodeImages(paths: string[]): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

export class ModelFolderError extends Error {
  override name = 'ModelFolderError';
}
