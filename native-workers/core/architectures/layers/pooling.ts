// Pooling: torch's MaxPool2d / AvgPool2d (explicit zero padding), global average pooling, and AdaptiveAvgPool2d with
// torch's overlapping bins.
import * as tf from '@tensorflow/tfjs';
import { pair, single, singleShape, type Args, type Pair } from './custom-layer.ts';

type Sym = tf.SymbolicTensor;

/**
 * torch MaxPool2d(kernel, stride, padding). Padding is zero padding, which equals torch's -inf padding only on
 * non-negative input: every padded max pool in these models follows a ReLU.
 */
export function maxPool(x: Sym, kernel: number, stride: number, padding = 0): Sym {
  const input =
    padding > 0
      ? (tf.layers
          .zeroPadding2d({
            padding: [
              [padding, padding],
              [padding, padding],
            ],
          })
          .apply(x) as Sym)
      : x;
  return tf.layers.maxPooling2d({ poolSize: kernel, strides: stride, padding: 'valid' }).apply(input) as Sym;
}

/** torch AvgPool2d(kernel, stride, padding) with count_include_pad=True (torch's default): zero pad, then average. */
export function avgPool(x: Sym, kernel: number, stride: number, padding = 0): Sym {
  const input =
    padding > 0
      ? (tf.layers
          .zeroPadding2d({
            padding: [
              [padding, padding],
              [padding, padding],
            ],
          })
          .apply(x) as Sym)
      : x;
  return tf.layers.averagePooling2d({ poolSize: kernel, strides: stride, padding: 'valid' }).apply(input) as Sym;
}

export function globalAvgPool(x: Sym): Sym {
  return tf.layers.globalAveragePooling2d({}).apply(x) as Sym;
}

/**
 * Adaptive average pooling to a fixed output grid, as torch's AdaptiveAvgPool2d: output cell i averages input rows
 * floor(i*H/out) .. ceil((i+1)*H/out)-1 (cells may overlap or repeat when the input is smaller than the output).
 */
export class AdaptiveAvgPool2d extends tf.layers.Layer {
  static className = 'AdaptiveAvgPool2d';
  readonly outputSize: Pair;
  constructor(args: Args<{ outputSize: number | Pair }>) {
    super(args as object);
    this.outputSize = pair(args.outputSize);
  }
  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = singleShape(inputShape);
    return [s[0], this.outputSize[0], this.outputSize[1], s[3]];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs) as tf.Tensor4D;
      const [, h, w] = x.shape;
      const [oh, ow] = this.outputSize;
      if (h === oh && w === ow) return x.clone();
      if (h % oh === 0 && w % ow === 0) return tf.avgPool(x, [h / oh, w / ow], [h / oh, w / ow], 'valid');
      const bins = (n: number, out: number) =>
        Array.from({ length: out }, (_, i) => [Math.floor((i * n) / out), Math.ceil(((i + 1) * n) / out)] as const);
      const rows = bins(h, oh).map(([r0, r1]) => {
        const band = tf.slice(x, [0, r0, 0, 0], [-1, r1 - r0, -1, -1]);
        const cells = bins(w, ow).map(([c0, c1]) =>
          tf.mean(tf.slice(band, [0, 0, c0, 0], [-1, -1, c1 - c0, -1]), [1, 2], true),
        );
        return tf.concat(cells, 2);
      });
      return tf.concat(rows, 1);
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), outputSize: this.outputSize };
  }
}

tf.serialization.registerClass(AdaptiveAvgPool2d);
