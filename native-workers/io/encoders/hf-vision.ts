// The CLIP vision tower from a Hugging Face ONNX export folder: the model's own image processor (resize, crop,
// normalise per preprocessor_config.json) then image_embeds, L2-normalised.
import {
  AutoProcessor,
  CLIPVisionModelWithProjection,
  RawImage,
  type PreTrainedModel,
  type Processor,
} from '@huggingface/transformers';
import { resolve } from 'node:path';
import { normalizedRows } from '../../core/similarity/vector.ts';
import { modelLoadOptions } from './runtime.ts';
import type { ImageEncoder } from './types.ts';

interface TensorLike {
  dims: number[];
  data: ArrayLike<number>;
}

/** Decode one image file (sharp under transformers.js); the error names the file. */
export async function readImage(path: string): Promise<RawImage> {
  try {
    return await RawImage.read(path);
  } catch (err) {
    throw new Error(`cannot decode image ${path}: ${(err as Error).message}`);
  }
}

export { RawImage };

export async function openClipImageEncoder(
  name: string,
  folder: string,
): Promise<ImageEncoder & { encodeRaw(images: RawImage[]): Promise<Float32Array[]> }> {
  // Absolute, so transformers.js never reads a relative folder name as a Hub model id.
  const dir = resolve(folder);
  const processor: Processor = await AutoProcessor.from_pretrained(dir, { local_files_only: true });
  const model: PreTrainedModel = await CLIPVisionModelWithProjection.from_pretrained(dir, modelLoadOptions());
  let dim = 0;
  const encodeRaw = async (images: RawImage[]) => {
    if (!images.length) return [];
    const inputs = await processor(images);
    const out = (await model(inputs)) as Record<string, TensorLike>;
    const e = out.image_embeds;
    if (!e)
      throw new Error(
        `${name}: the vision model has no 'image_embeds' output (outputs: ${Object.keys(out).join(', ')})`,
      );
    const rows = normalizedRows(e.data, e.dims[0], e.dims[1]);
    dim = rows[0].length;
    return rows;
  };
  return {
    name,
    get dim() {
      return dim;
    },
    encodeRaw,
    async encodeImages(paths) {
      const images: RawImage[] = [];
      for (const p of paths) images.push(await readImage(p));
      return encodeRaw(images);
    },
    async dispose() {
      await model.dispose();
    },
  };
}
