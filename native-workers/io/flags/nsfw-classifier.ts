// nsfwjs (MobileNetV2, bundled in the npm package) on TensorFlow.js in Node (wasm or cpu backend). The model file and weights are imported
// from the package itself, so loading never touches the network. Images are decoded by sharp (EXIF-rotated, alpha
// dropped) straight to the model's 224×224 RGB input, the same squash-resize nsfwjs applies to other inputs.
import sharp from 'sharp';
import type { ClassProbability } from '../../core/flags/nsfw.ts';

export const NSFW_MODEL = 'MobileNetV2';
const INPUT_SIZE = 224;

export type TfBackend = 'cpu' | 'wasm';

export interface NsfwClassifier {
  readonly backend: string;
  readonly model: string;
  classify(image: string | Buffer): Promise<ClassProbability[]>;
  dispose(): void;
}

/**
 * tfjs and nsfwjs greet on the console (a tfjs-node advert, the model name); in a worker process that would land in
 * the CLI's stdout and break `--json`. Their messages go to `log` instead while loading.
 */
async function quietly<T>(log: (message: string) => void, fn: () => Promise<T>): Promise<T> {
  const saved = { log: console.log, info: console.info, warn: console.warn };
  const forward = (...args: unknown[]) => log(args.map(String).join(' ').replace(/%c/g, '').trim());
  console.log = console.info = console.warn = forward;
  try {
    return await fn();
  } finally {
    Object.assign(console, saved);
  }
}

export async function loadNsfwClassifier(
  opts: { backend?: TfBackend; log?: (message: string) => void } = {},
): Promise<NsfwClassifier> {
  const { tf, model } = await quietly(opts.log ?? (() => {}), async () => {
    const tf = await import('@tensorflow/tfjs');
    if (opts.backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend(opts.backend ?? 'cpu')))
      throw new Error(`TensorFlow.js backend '${opts.backend}' could not start`);
    await tf.ready();
    const { load } = await import('nsfwjs');
    return { tf, model: await load(NSFW_MODEL) };
  });
  return {
    backend: tf.getBackend(),
    model: NSFW_MODEL,
    async classify(image) {
      const { data, info } = await sharp(image, { failOn: 'error' })
        .rotate()
        .resize(INPUT_SIZE, INPUT_SIZE, { fit: 'fill' })
        .removeAlpha()
        .toColourspace('srgb')
        .raw()
        .toBuffer({ resolveWithObject: true });
      if (info.channels !== 3) throw new Error(`decoded image has ${info.channels} channels, expected 3`);
      const input = tf.tensor3d(new Int32Array(data), [INPUT_SIZE, INPUT_SIZE, 3], 'int32');
      try {
        return await model.classify(input, 5);
      } finally {
        input.dispose();
      }
    },
    dispose() {
      model.dispose();
    },
  };
}
