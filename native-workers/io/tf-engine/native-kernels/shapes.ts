// tfjs's kernel attributes translated into the Int32Array shapes kernels.cc reads, and the checks of what the native
// kernels cover (the rest falls back to the kernel they replaced).
import type * as tf from '@tensorflow/tfjs';

export type ConvInfo = tf.backend_util.Conv2DInfo;
export type Shape4 = [number, number, number, number];

/** kernels.cc's activation codes: the fused activations the native kernels apply. */
export const ACTIVATIONS: Record<string, number> = { linear: 0, relu: 1, relu6: 2 };

/** The Int32Array kernels.cc's ConvShape reads. */
export function convShape(
  c: ConvInfo,
  opts: { depthwise: boolean; activation?: number; hasBias?: boolean },
): Int32Array {
  const p = c.padInfo;
  return Int32Array.from([
    c.batchSize,
    c.inHeight,
    c.inWidth,
    c.inChannels,
    c.outHeight,
    c.outWidth,
    c.outChannels,
    c.filterHeight,
    c.filterWidth,
    c.strideHeight,
    c.strideWidth,
    c.dilationHeight,
    c.dilationWidth,
    p.top,
    p.left,
    p.bottom,
    p.right,
    opts.depthwise ? c.inChannels : 1,
    opts.activation ?? 0,
    opts.hasBias ? 1 : 0,
  ]);
}

/**
 * A 1x1, stride-1, unpadded convolution is a matrix product on tfjs's own layouts ([N*H*W, Cin] x [Cin, Cout]), which
 * needs no conversion of the filter to oneDNN's blocked layout (those conversions took ~100 ms of a ResNet-152 step).
 */
export const isPointwise = (c: ConvInfo, depthwise: boolean) =>
  !depthwise &&
  c.filterHeight === 1 &&
  c.filterWidth === 1 &&
  c.strideHeight === 1 &&
  c.strideWidth === 1 &&
  c.dilationHeight === 1 &&
  c.dilationWidth === 1 &&
  c.padInfo.top === 0 &&
  c.padInfo.left === 0 &&
  c.padInfo.bottom === 0 &&
  c.padInfo.right === 0;

/** kernels.cc's MatMulShape: batchA, batchB, M, K, N, transposeA, transposeB, activation, hasBias. */
export const matMulParams = (
  m: number,
  kk: number,
  n: number,
  ta: boolean,
  tb: boolean,
  activation = 0,
  hasBias = false,
) => Int32Array.from([1, 1, m, kk, n, +ta, +tb, activation, hasBias ? 1 : 0]);

/** Padding oneDNN can express: non-negative on every side (tfjs never produces anything else for NHWC 'same'/'valid'). */
export const paddable = (c: ConvInfo) =>
  c.padInfo.top >= 0 && c.padInfo.left >= 0 && c.padInfo.bottom >= 0 && c.padInfo.right >= 0;

/**
 * A tfjs matmul as [batch, M, K] x [batch, K, N]: equal ranks, batch dims equal or all 1 on one side (broadcast).
 * Undefined for what the native kernel does not do (tfjs's other broadcasts, mismatched inner sizes).
 */
export function matMulShape(aShape: number[], bShape: number[], ta: boolean, tb: boolean) {
  if (aShape.length !== bShape.length || aShape.length < 2) return undefined;
  const r = aShape.length;
  const [m, ka] = ta ? [aShape[r - 1], aShape[r - 2]] : [aShape[r - 2], aShape[r - 1]];
  const [kb, n] = tb ? [bShape[r - 1], bShape[r - 2]] : [bShape[r - 2], bShape[r - 1]];
  if (ka !== kb) return undefined;
  const outer = (s: number[]) => s.slice(0, r - 2);
  const count = (s: number[]) => s.reduce((p, d) => p * d, 1);
  const [oa, ob] = [outer(aShape), outer(bShape)];
  const same = oa.every((d, i) => d === ob[i]);
  if (!same && count(oa) !== 1 && count(ob) !== 1) return undefined;
  const batchOuter = count(oa) >= count(ob) ? oa : ob;
  return { batchA: count(oa), batchB: count(ob), m, k: ka, n, outShape: [...batchOuter, m, n] };
}

/** The attributes of tfjs's convolution kernels (forward, fused, backprop). */
export interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape?: Shape4;
  filterShape?: Shape4;
  activation?: string;
}
