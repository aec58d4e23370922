// Kernels of ours for the 'wasm' backend, registered over or beside its own:
// - the backward kernels @tensorflow/tfjs-backend-wasm lacks (Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropInput,
//   DepthwiseConv2dNativeBackpropFilter), built from kernels it has (slice, matmul, depthwise conv, pad, reshape).
//   tfjs's own gradient functions (Conv2D_grad, DepthwiseConv2dNative_grad, the fused variants) call these kernels,
//   so training works on wasm unchanged;
// - faster replacements of slow wasm kernels, forward and backward: Conv2DBackpropInput (a forward convolution of the
//   spread gradient), MaxPoolGrad, Cast and Identity (shared buffers instead of copies), Slice (merged runs), Tile (a
//   broadcast), and BatchMatMul/_FusedMatMul with transposed operands (an explicit transpose first). The replaced
//   kernel stays reachable for what ours does not cover.
// Proven against the cpu backend in test/unit/wasm-kernel-overrides.test.ts. io/tf-engine/native-kernels/ registers
// native kernels over some of these when the addon is built (these stay as its fallback).
//
// Each op-built kernel computes with ordinary tf ops inside tf.tidy (the engine records no gradients below a kernel)
// and copies the result into a fresh output of the backend, so the engine's reference counting sees a normal kernel
// output.
import * as tf from '@tensorflow/tfjs';

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
type Pair = [number, number];

interface WasmLike extends tf.KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

/**
 * A tensor sharing the data of a kernel input. makeTensorFromTensorInfo does not count a backend reference but
 * dispose() releases one, so we take one first: the caller's tensor stays alive.
 */
function wrap(info: tf.TensorInfo, backend: tf.KernelBackend): tf.Tensor {
  backend.incRef(info.dataId);
  return tf.engine().makeTensorFromTensorInfo(info, backend);
}

/** Copy a computed tensor into a new backend output and dispose the tensor. */
function output(backend: WasmLike, t: tf.Tensor): tf.TensorInfo {
  const out = backend.makeOutput(t.shape, 'float32');
  backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap({ dataId: t.dataId, shape: t.shape, dtype: t.dtype }));
  t.dispose();
  return out;
}

/**
 * Rows/columns of a padded input that output position o and filter tap i read: o*stride + i*dilation. This returns,
 * for one filter tap (i, j), the [N, outH, outW, C] window of the padded input that meets the output gradient.
 */
function tapWindow(
  xPadded: tf.Tensor4D,
  i: number,
  j: number,
  outH: number,
  outW: number,
  s: Pair,
  d: Pair,
): tf.Tensor4D {
  const [n, , , c] = xPadded.shape;
  const top = i * d[0];
  const left = j * d[1];
  return tf.stridedSlice(
    xPadded,
    [0, top, left, 0],
    [n, top + (outH - 1) * s[0] + 1, left + (outW - 1) * s[1] + 1, c],
    [1, s[0], s[1], 1],
  ) as tf.Tensor4D;
}

/** Zero-pad x by the forward convolution's padding, and enough at the bottom/right for every tap's window. */
function padForTaps(x: tf.Tensor4D, info: tf.backend_util.Conv2DInfo): tf.Tensor4D {
  const { top, left } = info.padInfo;
  const needH = (info.outHeight - 1) * info.strideHeight + (info.filterHeight - 1) * info.dilationHeight + 1;
  const needW = (info.outWidth - 1) * info.strideWidth + (info.filterWidth - 1) * info.dilationWidth + 1;
  const bottom = Math.max(0, needH - top - x.shape[1]);
  const right = Math.max(0, needW - left - x.shape[2]);
  if (!top && !left && !bottom && !right) return x;
  return tf.pad(x, [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ]);
}

/**
 * dW[i,j,ci,co] = sum_{n,oh,ow} xpad[n, oh*s + i*d, ow*s + j*d, ci] * dy[n,oh,ow,co].
 * Read with the batch as channels, that is itself a convolution, which XNNPACK runs fast: input xpad transposed to
 * [Cin, H, W, N], filter dy transposed to [Ho, Wo, N, Cout], dilation s (or stride d), giving [Cin, kh, kw, Cout].
 * 1x1 stride-1 filters are one matmul; strides and dilations both > 1 (which tfjs's gradients refuse) use im2col.
 */
export function conv2dBackpropFilterFromOps(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: number | Pair,
  pad: Pad,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
  dilations: number | Pair = 1,
): tf.Tensor4D {
  return tf.tidy(() => {
    const info = tf.backend_util.computeConv2DInfo(
      x.shape,
      filterShape,
      strides,
      dilations,
      pad as never,
      dimRoundingMode,
    );
    const [kh, kw, cin, cout] = filterShape;
    const s: Pair = [info.strideHeight, info.strideWidth];
    const d: Pair = [info.dilationHeight, info.dilationWidth];
    const rows = info.batchSize * info.outHeight * info.outWidth;
    const xp = padForTaps(x, info);
    if (kh === 1 && kw === 1 && s[0] === 1 && s[1] === 1) {
      // An explicit transpose, then a plain matmul: wasm's matmul with transposeA is an order of magnitude slower.
      const x2 = tapWindow(xp, 0, 0, info.outHeight, info.outWidth, s, d).reshape([rows, cin]);
      return tf.matMul(tf.transpose(x2), dy.reshape([rows, cout])).reshape([kh, kw, cin, cout]) as tf.Tensor4D;
    }
    const oneStride = s[0] === 1 && s[1] === 1;
    const oneDilation = d[0] === 1 && d[1] === 1;
    if (oneStride || oneDilation) {
      const xT = tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D;
      const dyT = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
      const out = oneDilation ? tf.conv2d(xT, dyT, 1, 'valid', 'NHWC', s) : tf.conv2d(xT, dyT, d, 'valid', 'NHWC', 1);
      return tf.transpose(tf.slice(out, [0, 0, 0, 0], [cin, kh, kw, cout]), [1, 2, 0, 3]) as tf.Tensor4D;
    }
    const cols: tf.Tensor2D[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++)
        cols.push(tapWindow(xp, i, j, info.outHeight, info.outWidth, s, d).reshape([rows, cin]));
    }
    const im2col = tf.concat(cols, 1);
    return tf.matMul(tf.transpose(im2col), dy.reshape([rows, cout])).reshape([kh, kw, cin, cout]) as tf.Tensor4D;
  });
}

/**
 * dF[i,j,c,m] = sum_{n,oh,ow} xpad[n, oh*s + i*d, ow*s + j*d, c] * dy[n,oh,ow,c*M+m].
 * As a depthwise convolution (XNNPACK) with (batch, channel) pairs as channels: input xpad as [1, Hp, Wp, N*C],
 * filter dy as [Ho, Wo, N*C, M], dilation s (or stride d); then the N partial filters are summed. Strides and
 * dilations both > 1 (refused by tfjs's gradients) take the per-tap path.
 */
export function depthwiseBackpropFilterFromOps(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: number | Pair,
  pad: Pad,
  dilations: number | Pair = 1,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): tf.Tensor4D {
  return tf.tidy(() => {
    const info = tf.backend_util.computeConv2DInfo(
      x.shape,
      filterShape,
      strides,
      dilations,
      pad as never,
      dimRoundingMode,
      true,
    );
    const [kh, kw, c, mult] = filterShape;
    const n = info.batchSize;
    const xp = padForTaps(x, info);
    const s: Pair = [info.strideHeight, info.strideWidth];
    const d: Pair = [info.dilationHeight, info.dilationWidth];
    const oneStride = s[0] === 1 && s[1] === 1;
    const oneDilation = d[0] === 1 && d[1] === 1;
    if (oneStride || oneDilation) {
      const [hp, wp] = [xp.shape[1], xp.shape[2]];
      const xT = tf.transpose(xp, [1, 2, 0, 3]).reshape([1, hp, wp, n * c]) as tf.Tensor4D;
      const dyT = tf
        .transpose(dy.reshape([n, info.outHeight, info.outWidth, c, mult]), [1, 2, 0, 3, 4])
        .reshape([info.outHeight, info.outWidth, n * c, mult]) as tf.Tensor4D;
      const out = oneDilation
        ? tf.depthwiseConv2d(xT, dyT, 1, 'valid', 'NHWC', s)
        : tf.depthwiseConv2d(xT, dyT, d, 'valid', 'NHWC', 1);
      const taps = tf.slice(
        out.reshape([out.shape[1], out.shape[2], n, c, mult]),
        [0, 0, 0, 0, 0],
        [kh, kw, n, c, mult],
      );
      return tf.sum(taps, 2) as tf.Tensor4D;
    }
    const dyM = mult === 1 ? dy : dy.reshape([n, info.outHeight, info.outWidth, c, mult]);
    const taps: tf.Tensor[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const win = tapWindow(xp, i, j, info.outHeight, info.outWidth, s, d);
        taps.push(mult === 1 ? tf.sum(tf.mul(win, dyM), [0, 1, 2]) : tf.sum(tf.mul(win.expandDims(4), dyM), [0, 1, 2]));
      }
    }
    return tf.stack(taps).reshape([kh, kw, c, mult]) as tf.Tensor4D;
  });
}

/**
 * dx of a depthwise convolution: spread dy back onto the input grid (zeros between rows/columns for stride > 1),
 * pad it so that each input position sees every tap, then a stride-1 depthwise correlation with the flipped filter
 * (dilated like the forward one); with a channel multiplier the M outputs of each channel are summed.
 */
export function depthwiseBackpropInputFromOps(
  inputShape: [number, number, number, number],
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: number | Pair,
  pad: Pad,
  dilations: number | Pair = 1,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, c, mult] = filter.shape;
    const info = tf.backend_util.computeConv2DInfo(
      inputShape,
      filter.shape,
      strides,
      dilations,
      pad as never,
      dimRoundingMode,
      true,
    );
    const [n, h, w] = inputShape;
    const g = spreadForTransposedConv(dy, info, inputShape);
    const flipped = flipSpatial(filter).reshape([kh, kw, c * mult, 1]) as tf.Tensor4D;
    const full = tf.depthwiseConv2d(g, flipped, 1, 'valid', 'NHWC', [info.dilationHeight, info.dilationWidth]);
    if (mult === 1) return full;
    return tf.sum(full.reshape([n, h, w, c, mult]), 4) as tf.Tensor4D;
  });
}

/**
 * dx of a convolution as a forward convolution (XNNPACK) instead of wasm's own Conv2DBackpropInput, a plain loop
 * about eight times slower: spread dy onto the input grid, pad, and correlate with the filter flipped in space and
 * with its in/out channels swapped.
 */
export function conv2dBackpropInputFromOps(
  inputShape: [number, number, number, number],
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: number | Pair,
  pad: Pad,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
  dilations: number | Pair = 1,
): tf.Tensor4D {
  return tf.tidy(() => {
    const info = tf.backend_util.computeConv2DInfo(
      inputShape,
      filter.shape,
      strides,
      dilations,
      pad as never,
      dimRoundingMode,
    );
    const g = spreadForTransposedConv(dy, info, inputShape);
    const flipped = tf.transpose(flipSpatial(filter), [0, 1, 3, 2]) as tf.Tensor4D;
    return tf.conv2d(g, flipped, 1, 'valid', 'NHWC', [info.dilationHeight, info.dilationWidth]);
  });
}

/**
 * The output gradient placed on the input grid for a transposed (backward-data) convolution: zeros between rows and
 * columns for stride > 1, shifted by (k-1)*d - pad and padded/trimmed so that a stride-1 'valid' correlation with the
 * flipped filter yields exactly the input's height and width:
 * dx[h] = sum_i' g[h + i'*d] * f[k-1-i'] with g = dy spread and shifted down by (k-1)*d - padTop.
 */
function spreadForTransposedConv(
  dy: tf.Tensor4D,
  info: tf.backend_util.Conv2DInfo,
  inputShape: [number, number, number, number],
): tf.Tensor4D {
  const [n, h, w] = inputShape;
  const ch = dy.shape[3];
  const {
    outHeight: oh,
    outWidth: ow,
    strideHeight: sh,
    strideWidth: sw,
    dilationHeight: dh,
    dilationWidth: dw,
  } = info;
  let g: tf.Tensor4D = dy;
  if (sh > 1 || sw > 1) {
    // Interleave zeros: [n, oh, 1, ow, 1, C] padded to [n, oh, sh, ow, sw, C], then trimmed to (oh-1)*sh+1 rows.
    const z = dy.reshape([n, oh, 1, ow, 1, ch]);
    const spread = tf
      .pad(z, [
        [0, 0],
        [0, 0],
        [0, sh - 1],
        [0, 0],
        [0, sw - 1],
        [0, 0],
      ])
      .reshape([n, oh * sh, ow * sw, ch]);
    g = tf.slice(spread as tf.Tensor4D, [0, 0, 0, 0], [n, (oh - 1) * sh + 1, (ow - 1) * sw + 1, ch]);
  }
  g = fitAxis(g, 1, (info.filterHeight - 1) * dh - info.padInfo.top, h + (info.filterHeight - 1) * dh);
  return fitAxis(g, 2, (info.filterWidth - 1) * dw - info.padInfo.left, w + (info.filterWidth - 1) * dw);
}

/**
 * A filter rotated by 180 degrees in space. Flipping both kh and kw reverses the flattened kh*kw index, so it is the
 * kh*kw contiguous [C*O] rows in reverse order: slices + concat (wasm's Reverse kernel is an element loop, ~20 ms
 * for one 3x3x512x512 filter). 1x1 filters are returned as they are.
 */
function flipSpatial(filter: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, c, o] = filter.shape;
  if (kh * kw === 1) return filter;
  const rows = filter.reshape([kh * kw, c * o]);
  const parts = Array.from({ length: kh * kw }, (_, i) => tf.slice(rows, [kh * kw - 1 - i, 0], [1, c * o]));
  return tf.concat(parts, 0).reshape([kh, kw, c, o]) as tf.Tensor4D;
}

/** Shift along an axis by `before` (pad with zeros, or drop rows when negative) and pad/trim to `length`. */
function fitAxis(t: tf.Tensor4D, axis: 1 | 2, before: number, length: number): tf.Tensor4D {
  if (before < 0) {
    const begin = [0, 0, 0, 0];
    begin[axis] = -before;
    const size = [...t.shape] as number[];
    size[axis] -= -before;
    t = tf.slice(t, begin, size);
    before = 0;
  }
  const after = length - before - t.shape[axis];
  const pads: [number, number][] = [
    [0, 0],
    [0, 0],
    [0, 0],
    [0, 0],
  ];
  pads[axis] = [before, Math.max(0, after)];
  if (before || after > 0) t = tf.pad(t, pads);
  if (after < 0) {
    const size = [...t.shape] as number[];
    size[axis] = length;
    t = tf.slice(t, [0, 0, 0, 0], size);
  }
  return t;
}

interface ConvAttrs {
  strides: number | Pair;
  pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dilations?: number | Pair;
  dataFormat?: 'NHWC' | 'NCHW';
  filterShape?: [number, number, number, number];
  inputShape?: [number, number, number, number];
}

function withInputs<T>(
  backend: tf.KernelBackend,
  infos: (tf.TensorInfo | undefined)[],
  fn: (...ts: tf.Tensor[]) => T,
): T {
  const ts = infos.map((i) => wrap(i!, backend));
  try {
    return fn(...ts);
  } finally {
    for (const t of ts) t.dispose();
  }
}

/**
 * Copies a slice of a row-major array as runs as long as possible: the trailing dimensions the slice keeps whole are
 * merged into one run with the first one it cuts. wasm's Slice copies one innermost row at a time (for the gradient of
 * a spatial zero-padding, [8, 98, 98, 3] -> [8, 96, 96, 3], 73,728 copies of 3 floats where 768 of 288 do).
 */
export function copySlice(
  src: ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> },
  shape: number[],
  begin: number[],
  size: number[],
  out: { set(a: ArrayLike<number>, offset: number): void },
): void {
  const rank = shape.length;
  let cut = rank - 1; // the innermost dimension the slice does not keep whole (or 0)
  while (cut > 0 && begin[cut] === 0 && size[cut] === shape[cut]) cut--;
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((p, d) => p * d, 1));
  const run = size[cut] * strides[cut];
  const outer = size.slice(0, cut);
  const count = outer.reduce((p, d) => p * d, 1);
  const index = new Array<number>(cut).fill(0);
  for (let r = 0; r < count; r++) {
    let offset = begin[cut] * strides[cut];
    for (let d = 0; d < cut; d++) offset += (begin[d] + index[d]) * strides[d];
    out.set(src.subarray(offset, offset + run), r * run);
    for (let d = cut - 1; d >= 0; d--) {
      if (++index[d] < outer[d]) break;
      index[d] = 0;
    }
  }
}

/**
 * Max-pool gradient on NHWC arrays: each window's gradient goes to its first strict maximum, as on the cpu backend.
 * wasm's own MaxPoolGrad starts its search at 0 instead of -Infinity, so windows of negative values lose their
 * gradient (found by test/helpers/wasm-kernel-suite.ts); this plain loop replaces it where the native kernel is absent.
 */
export function maxPoolGradLoops(
  x: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  c: tf.backend_util.Conv2DInfo,
): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ch, outHeight: oh, outWidth: ow } = c;
  dx.fill(0);
  const best = new Float32Array(ch);
  const where = new Int32Array(ch);
  for (let b = 0; b < n; b++) {
    const base = b * h * w * ch;
    for (let y = 0; y < oh; y++) {
      for (let z = 0; z < ow; z++) {
        best.fill(-Infinity);
        where.fill(-1);
        for (let i = 0; i < c.effectiveFilterHeight; i += c.dilationHeight) {
          const iy = y * c.strideHeight - c.padInfo.top + i;
          if (iy < 0 || iy >= h) continue;
          for (let j = 0; j < c.effectiveFilterWidth; j += c.dilationWidth) {
            const ix = z * c.strideWidth - c.padInfo.left + j;
            if (ix < 0 || ix >= w) continue;
            const at = base + (iy * w + ix) * ch;
            for (let k = 0; k < ch; k++) {
              if (x[at + k] > best[k]) {
                best[k] = x[at + k];
                where[k] = at + k;
              }
            }
          }
        }
        const g = ((b * oh + y) * ow + z) * ch;
        for (let k = 0; k < ch; k++) if (where[k] >= 0) dx[where[k]] += dy[g + k];
      }
    }
  }
}

/**
 * tile(x, reps) as a broadcast: zeros [r0, x0, r1, x1, ...] + x reshaped [1, x0, 1, x1, ...], flattened back. Axes
 * of size 1 are dropped and neighbours of the same kind merged, so the broadcast stays within XNNPACK's 6 dimensions
 * (LayerNormalization over [B, H, W, C] tiles with reps [B, H, W, 1]: that is [B*H*W, C]). Undefined when more
 * dimensions would remain.
 */
export function tileFromOps(x: tf.Tensor, reps: number[]): tf.Tensor | undefined {
  const axes: { rep: boolean; size: number }[] = [];
  x.shape.forEach((dim, i) => {
    if (reps[i] > 1) axes.push({ rep: true, size: reps[i] });
    if (dim > 1) axes.push({ rep: false, size: dim });
  });
  const merged: { rep: boolean; size: number }[] = [];
  for (const a of axes) {
    const last = merged[merged.length - 1];
    if (last && last.rep === a.rep) last.size *= a.size;
    else merged.push({ ...a });
  }
  if (merged.length > 6) return undefined;
  return tf.tidy(() => {
    const target = merged.map((a) => a.size);
    const xShape = merged.map((a) => (a.rep ? 1 : a.size));
    const out = tf.add(tf.zeros(target.length ? target : [1], x.dtype), tf.reshape(x, xShape.length ? xShape : [1]));
    return tf.reshape(
      out,
      x.shape.map((dim, i) => dim * reps[i]),
    );
  });
}

/**
 * A convolution gradient built from ops: its two inputs wrapped as tensors, `compute` run on them, the result copied
 * into a backend output. `nhwcOnly`: refuse NCHW (the depthwise kernels have no data format).
 */
function opBuilt(
  kernelName: string,
  operands: [string, string],
  nhwcOnly: boolean,
  compute: (a: ConvAttrs, p: tf.Tensor4D, q: tf.Tensor4D) => tf.Tensor,
): tf.KernelConfig {
  return {
    kernelName,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const a = attrs as unknown as ConvAttrs;
      if (nhwcOnly && a.dataFormat && a.dataFormat !== 'NHWC')
        throw new Error(`${kernelName} on wasm: only NHWC is supported`);
      return withInputs(backend as tf.KernelBackend, [inputs[operands[0]], inputs[operands[1]]], (p, q) =>
        output(backend as WasmLike, compute(a, p as tf.Tensor4D, q as tf.Tensor4D)),
      );
    },
  };
}

const WASM_KERNEL_OVERRIDES: tf.KernelConfig[] = [
  {
    kernelName: 'MaxPoolGrad',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, input } = inputs as Record<string, tf.TensorInfo>;
      if (dy.dtype !== 'float32' || input.dtype !== 'float32')
        return originalKernels.get('MaxPoolGrad')!({ inputs, backend, attrs });
      const a = attrs as unknown as {
        filterSize: number | Pair;
        strides: number | Pair;
        pad: Pad;
        dimRoundingMode?: 'floor' | 'round' | 'ceil';
      };
      const info = tf.backend_util.computePool2DInfo(
        input.shape as [number, number, number, number],
        a.filterSize,
        a.strides,
        1,
        a.pad as 'same',
        a.dimRoundingMode,
      );
      const b = backend as WasmLike;
      const dx = b.makeOutput(input.shape, 'float32');
      maxPoolGradLoops(b.typedArrayFromHeap(input), b.typedArrayFromHeap(dy), b.typedArrayFromHeap(dx), info);
      return dx;
    },
  },
  {
    // A cast to the same type is a copy on wasm; tfjs's Identity gradient is one (ResNet-152: 50 activation copies in
    // each backward pass). Share the buffer instead, as Identity does.
    kernelName: 'Cast',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const x = inputs.x!;
      if (x.dtype === 'string' || (attrs as unknown as { dtype: tf.DataType }).dtype !== x.dtype)
        return originalKernels.get('Cast')!({ inputs, backend, attrs });
      (backend as tf.KernelBackend).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  },
  {
    kernelName: 'Slice',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const x = inputs.x!;
      if (x.dtype === 'string') return originalKernels.get('Slice')!({ inputs, backend, attrs });
      const a = attrs as unknown as { begin: number | number[]; size?: number | number[] };
      const [begin, size] = tf.slice_util.parseSliceParams(x as tf.TensorInfo as tf.Tensor, a.begin, a.size);
      const b = backend as WasmLike & {
        typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
      };
      const out = b.makeOutput(size, x.dtype);
      if (size.every((d) => d > 0)) copySlice(b.typedArrayFromHeap(x), x.shape, begin, size, b.typedArrayFromHeap(out));
      return out;
    },
  },
  {
    // The engine clones every tensor it saves for the backward pass, and wasm's Identity copies the data: a second
    // copy of most activations on the 4 GB heap, plus the copying (1,457 Identity kernels in a MobileNetV3 step).
    // Share the data with a reference count instead, as wasm's own Reshape and the cpu backend's Identity do: no
    // kernel writes into its inputs, so a shared buffer never changes under either tensor.
    kernelName: 'Identity',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const x = inputs.x!;
      if (x.dtype === 'string') return originalKernels.get('Identity')!({ inputs, backend, attrs: {} });
      (backend as tf.KernelBackend).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  },
  {
    // wasm's Tile is an element-by-element loop; tfjs-layers' LayerNormalization tiles gamma/beta to full size.
    kernelName: 'Tile',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { reps } = attrs as unknown as { reps: number[] };
      const original = () => originalKernels.get('Tile')!({ inputs, backend, attrs });
      if (inputs.x!.dtype !== 'float32') return original();
      return withInputs(backend as tf.KernelBackend, [inputs.x], (x) => {
        const t = tileFromOps(x, reps);
        return t ? output(backend as WasmLike, t) : original();
      });
    },
  },
  opBuilt('Conv2DBackpropInput', ['dy', 'filter'], true, (a, dy, filter) =>
    conv2dBackpropInputFromOps(a.inputShape!, dy, filter, a.strides, a.pad, a.dimRoundingMode),
  ),
  opBuilt('Conv2DBackpropFilter', ['x', 'dy'], true, (a, x, dy) =>
    conv2dBackpropFilterFromOps(x, dy, a.filterShape!, a.strides, a.pad, a.dimRoundingMode),
  ),
  opBuilt('DepthwiseConv2dNativeBackpropFilter', ['x', 'dy'], false, (a, x, dy) =>
    depthwiseBackpropFilterFromOps(x, dy, a.filterShape!, a.strides, a.pad, a.dilations ?? 1, a.dimRoundingMode),
  ),
  opBuilt('DepthwiseConv2dNativeBackpropInput', ['dy', 'filter'], false, (a, dy, filter) =>
    depthwiseBackpropInputFromOps(a.inputShape!, dy, filter, a.strides, a.pad, a.dilations ?? 1, a.dimRoundingMode),
  ),
];

/** Kernels of ours that replace slow ones of the wasm backend (the original stays reachable for the fast cases). */
const REPLACED = new Set(['Conv2DBackpropInput', 'Tile', 'Identity', 'Cast', 'Slice', 'MaxPoolGrad']);
const originalKernels = new Map<string, tf.KernelFunc>();

/**
 * wasm's BatchMatMul/_FusedMatMul with transposeA or transposeB run a plain loop ~14x slower than without; every
 * dense layer's backward pass asks for one. Transpose the operand explicitly (a fast kernel) and call the original.
 */
function wrapMatMul(name: 'BatchMatMul' | '_FusedMatMul'): void {
  const original = tf.getKernel(name, 'wasm');
  if (!original || (original as { wrapped?: boolean }).wrapped) return;
  const transpose = tf.getKernel('Transpose', 'wasm')!.kernelFunc;
  tf.unregisterKernel(name, 'wasm');
  const kernel: tf.KernelConfig & { wrapped: boolean } = {
    kernelName: name,
    backendName: 'wasm',
    wrapped: true,
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args;
      const a = attrs as unknown as { transposeA: boolean; transposeB: boolean };
      if (!a.transposeA && !a.transposeB) return original.kernelFunc(args);
      const temps: tf.TensorInfo[] = [];
      const flip = (t: tf.TensorInfo) => {
        const r = t.shape.length;
        const perm = [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2];
        const out = transpose({ inputs: { x: t }, backend, attrs: { perm } }) as tf.TensorInfo;
        temps.push(out);
        return out;
      };
      const ins = {
        ...inputs,
        a: a.transposeA ? flip(inputs.a!) : inputs.a,
        b: a.transposeB ? flip(inputs.b!) : inputs.b,
      };
      const out = original.kernelFunc({
        inputs: ins,
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
      for (const t of temps) (backend as tf.KernelBackend).disposeData(t.dataId);
      return out;
    },
  };
  tf.registerKernel(kernel);
}

/** Register the kernels above for 'wasm' (idempotent). Returns the names we supply or replace. */
export function registerWasmKernelOverrides(): string[] {
  const added: string[] = [];
  for (const k of WASM_KERNEL_OVERRIDES) {
    const existing = tf.getKernel(k.kernelName, 'wasm');
    if (existing === k || (existing && (existing as { ours?: boolean }).ours)) continue;
    if (existing) {
      if (!REPLACED.has(k.kernelName)) continue;
      originalKernels.set(k.kernelName, existing.kernelFunc);
      tf.unregisterKernel(k.kernelName, 'wasm');
    }
    tf.registerKernel({ ...k, ours: true } as tf.KernelConfig);
    added.push(k.kernelName);
  }
  wrapMatMul('BatchMatMul');
  wrapMatMul('_FusedMatMul');
  return added;
}
