// The wasm backend's convolution kernels and the backward kernels we supply for it, against the cpu backend's exact
// ones: same inputs, same attributes, strides 1 and 2, 'same' and 'valid' padding, dilation, channel multipliers,
// 1x1/3x3/5x5/7x7 filters, odd sizes; then a whole gradient through tf.grads on both backends. One suite, run twice:
// with the native oneDNN kernels (io/tf-engine/native-kernels.ts; test/unit/native-kernels.test.ts) and without them,
// where the op-built kernels of io/tf-engine/wasm-kernel-overrides.ts run (test/unit/wasm-kernel-overrides.test.ts).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../../native-workers/io/tf-engine/backend.ts';
import { conv2dBackpropFilterFromOps } from '../../native-workers/io/tf-engine/wasm-kernel-overrides.ts';
import { architectureKernelGeometries, reducedKernelCases, type KernelGeometry } from './architecture-kernel-grid.ts';

let seed = 1;
export function rand(shape: number[]): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    out[i] = seed / 2147483648 - 0.5;
  }
  return out;
}

/** Run one kernel on a backend with plain arrays in and out. */
export async function runOn(
  backend: 'cpu' | 'wasm',
  kernel: string,
  inputs: Record<string, { shape: number[]; data: Float32Array }>,
  attrs: object,
) {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const ins: Record<string, tf.Tensor> = {};
    for (const [k, v] of Object.entries(inputs)) ins[k] = tf.tensor(v.data, v.shape);
    const out = tf.engine().runKernel(kernel, ins as never, attrs as never) as tf.Tensor;
    return { shape: out.shape, data: out.dataSync() as Float32Array };
  });
}

export function assertClose(a: Float32Array, b: Float32Array, what: string) {
  assert.equal(a.length, b.length, `${what}: length`);
  let maxErr = 0;
  let maxAbs = 0;
  for (let i = 0; i < a.length; i++) {
    maxErr = Math.max(maxErr, Math.abs(a[i] - b[i]));
    maxAbs = Math.max(maxAbs, Math.abs(b[i]));
  }
  assert.ok(maxErr <= 1e-4 * Math.max(1, maxAbs), `${what}: max abs difference ${maxErr} (largest value ${maxAbs})`);
}

/**
 * The cpu backend's depthwise backward kernels ignore dilation (and tfjs's gradient refuses dilation > 1), so for
 * dilated cases the reference is the undilated problem with the equivalent big filter ((k-1)*d+1 taps, zeros between):
 * its filter gradient at taps i*d, and its input gradient with the zero-stuffed filter.
 */
export function dilateFilter(data: Float32Array, shape: number[], d: number): { data: Float32Array; shape: number[] } {
  const [k, , c, m] = shape;
  const big = (k - 1) * d + 1;
  const out = new Float32Array(big * big * c * m);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++)
      for (let q = 0; q < c * m; q++) out[(i * d * big + j * d) * c * m + q] = data[(i * k + j) * c * m + q];
  return { data: out, shape: [big, big, c, m] };
}
export function takeTaps(data: Float32Array, bigShape: number[], k: number, d: number): Float32Array {
  const [big, , c, m] = bigShape;
  const out = new Float32Array(k * k * c * m);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++)
      for (let q = 0; q < c * m; q++) out[(i * k + j) * c * m + q] = data[(i * d * big + j * d) * c * m + q];
  return out;
}

/** Runs of each hand-picked case (fresh and reused output buffers alternating). */
const CASE_REPEATS = 20;

export const convCases: { x: number[]; k: number; cout: number; s: number; pad: 'same' | 'valid'; d?: number }[] = [
  { x: [2, 9, 9, 3], k: 3, cout: 4, s: 1, pad: 'same' },
  { x: [2, 9, 9, 3], k: 3, cout: 4, s: 2, pad: 'same' },
  { x: [2, 9, 8, 3], k: 3, cout: 4, s: 1, pad: 'valid' },
  { x: [2, 10, 9, 3], k: 3, cout: 5, s: 2, pad: 'valid' },
  { x: [3, 8, 8, 4], k: 1, cout: 6, s: 1, pad: 'same' },
  { x: [3, 8, 8, 4], k: 1, cout: 6, s: 2, pad: 'valid' },
  // Strided 1x1 with fewer input channels than oneDNN's SIMD block, large enough that its jit_1x1 backward-weights
  // overran its scratch memory on AVX-512 too (uxlfoundation/oneDNN#6035).
  { x: [8, 64, 64, 4], k: 1, cout: 16, s: 2, pad: 'valid' },
  { x: [4, 33, 33, 12], k: 1, cout: 8, s: 2, pad: 'valid' },
  { x: [1, 13, 13, 2], k: 7, cout: 3, s: 2, pad: 'same' },
  { x: [2, 11, 11, 3], k: 5, cout: 2, s: 1, pad: 'same' },
  { x: [2, 11, 11, 3], k: 3, cout: 2, s: 1, pad: 'same', d: 2 },
  { x: [2, 12, 11, 3], k: 3, cout: 2, s: 1, pad: 'valid', d: 2 },
];

/**
 * Runs a kernel on wasm `repeats` times on the same inputs and checks every result against the cpu backend's: odd runs
 * keep their output alive until the end (each writes a fresh buffer), even runs free it first (the next run reuses
 * that memory), so a kernel that reads stale or unsynchronised data cannot pass by luck.
 */
export async function agreesRepeatedly(
  kernel: string,
  inputs: Record<string, { shape: number[]; data: Float32Array }>,
  attrs: object,
  what: string,
  repeats: number,
) {
  const want = await runOn('cpu', kernel, inputs, attrs);
  await tf.setBackend('wasm');
  const ins: Record<string, tf.Tensor> = {};
  for (const [k, v] of Object.entries(inputs)) ins[k] = tf.tensor(v.data, v.shape);
  const kept: tf.Tensor[] = [];
  try {
    for (let run = 1; run <= repeats; run++) {
      const out = tf.engine().runKernel(kernel, ins as never, attrs as never) as tf.Tensor;
      assert.deepEqual(out.shape, want.shape, `${what}: shape`);
      assertClose(
        out.dataSync() as Float32Array,
        want.data,
        `${what} (run ${run} of ${repeats}, ${run % 2 ? 'fresh' : 'reused'} output buffer)`,
      );
      if (run % 2) kept.push(out);
      else out.dispose();
    }
  } finally {
    tf.dispose([...kept, ...Object.values(ins)]);
  }
}

/** One geometry's kernels (forward and both gradients; the max pool's gradient) against the cpu backend. */
async function checkGeometry(g: KernelGeometry, repeats: number) {
  const x = [2, ...g.input];
  const what = `${g.kind} ${JSON.stringify({ kernel: g.kernel, stride: g.stride, pad: g.pad, input: g.input, out: g.outChannels })} (from ${g.seenIn})`;
  if (g.kind === 'maxpool') {
    const info = tf.backend_util.computePool2DInfo(x as never, g.kernel, g.stride, 1, g.pad);
    const attrs = { filterSize: g.kernel, strides: g.stride, pad: g.pad };
    const input = { shape: x, data: rand(x).map((v) => Math.round(v * 8) / 8) }; // ties, as after a ReLU
    const output = await runOn('cpu', 'MaxPool', { x: input }, attrs);
    const inputs = {
      input,
      dy: { shape: info.outShape, data: rand(info.outShape) },
      output: { shape: output.shape, data: output.data },
    };
    await agreesRepeatedly('MaxPoolGrad', inputs, attrs, `MaxPoolGrad ${what}`, repeats);
    return;
  }
  const depthwise = g.kind === 'depthwise';
  const filterShape = [g.kernel[0], g.kernel[1], g.input[2], depthwise ? 1 : g.outChannels] as [
    number,
    number,
    number,
    number,
  ];
  const info = tf.backend_util.computeConv2DInfo(x as never, filterShape, g.stride, 1, g.pad, undefined, depthwise);
  const attrs = { strides: g.stride, pad: g.pad, dataFormat: 'NHWC', dilations: 1 };
  const xs = { shape: x, data: rand(x) };
  const filter = { shape: filterShape, data: rand(filterShape) };
  const dy = { shape: info.outShape, data: rand(info.outShape) };
  const [fwd, dInput, dFilter] = depthwise
    ? ['DepthwiseConv2dNative', 'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter']
    : ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'];
  await agreesRepeatedly(fwd, { x: xs, filter }, attrs, `${fwd} ${what}`, repeats);
  await agreesRepeatedly(dInput, { dy, filter }, { ...attrs, inputShape: x }, `${dInput} ${what}`, repeats);
  await agreesRepeatedly(dFilter, { x: xs, dy }, { ...attrs, filterShape }, `${dFilter} ${what}`, repeats);
}

export function defineWasmKernelSuite(mode: 'native' | 'op-built'): void {
  before(async () => {
    const info = await initEngine({ backend: 'wasm' });
    assert.equal(info.backend, 'wasm');
    assert.equal(
      !!info.native,
      mode === 'native',
      `native kernels ${info.native ? 'active' : 'inactive'}: ${info.notes.join('; ')}`,
    );
  });

  test(`${mode}: Identity and same-type Cast share the data (no copy) and outlive their source`, async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numDataBuffers;
    const x = tf.tensor(rand([64, 64]), [64, 64]);
    const want = (x.dataSync() as Float32Array).slice();
    const y = tf.clone(x);
    assert.equal(tf.memory().numDataBuffers - before, 1, 'one buffer for the tensor and its clone');
    x.dispose();
    assertClose(y.dataSync() as Float32Array, want, 'clone after its source was disposed');
    const z = tf.add(y, 1); // a kernel reading the shared buffer leaves it alone
    assertClose(y.dataSync() as Float32Array, want, 'clone after being read');
    const same = tf.cast(y, 'float32'); // a cast to the same type shares too
    assert.equal(tf.memory().numDataBuffers - before, 2, 'y (shared with same) and z');
    const ints = tf.cast(y, 'int32'); // a real cast converts
    assert.deepEqual(
      Array.from(ints.dataSync()),
      Array.from(want).map((v) => Math.trunc(v) + 0),
    ); // + 0: int32 has no -0
    y.dispose();
    z.dispose();
    assertClose(same.dataSync() as Float32Array, want, 'same-type cast after its source was disposed');
    tf.dispose([same, ints]);
    assert.equal(tf.memory().numDataBuffers, before, 'the buffer is freed with the last tensor');
  });

  test(`${mode}: Slice (runs merged over the dimensions kept whole) equals the cpu backend`, async () => {
    const cases: { shape: number[]; begin: number[]; size: number[] }[] = [
      { shape: [2, 7, 6, 3], begin: [0, 1, 1, 0], size: [2, 5, 4, 3] }, // a spatial unpadding
      { shape: [2, 7, 6, 3], begin: [1, 0, 0, 0], size: [1, 7, 6, 3] }, // contiguous
      { shape: [2, 7, 6, 3], begin: [0, 2, 0, 1], size: [2, 3, 6, 2] }, // channels cut
      { shape: [5, 4], begin: [1, 1], size: [3, -1] },
      { shape: [9], begin: [2], size: [4] },
      { shape: [2, 3, 4, 5, 6], begin: [0, 1, 0, 2, 0], size: [2, 2, 4, 3, 6] },
    ];
    for (const c of cases) {
      const inputs = { x: { shape: c.shape, data: rand(c.shape) } };
      const want = await runOn('cpu', 'Slice', inputs, { begin: c.begin, size: c.size });
      const got = await runOn('wasm', 'Slice', inputs, { begin: c.begin, size: c.size });
      assert.deepEqual(got.shape, want.shape);
      assertClose(got.data, want.data, `slice ${JSON.stringify(c)}`);
    }
  });

  test(`${mode}: MaxPoolGrad equals the cpu backend (overlapping windows, ties, negative windows, same/valid padding)`, async () => {
    const cases: { x: number[]; k: number; s: number; pad: 'same' | 'valid' }[] = [
      { x: [2, 9, 9, 5], k: 3, s: 2, pad: 'valid' },
      { x: [2, 9, 9, 5], k: 3, s: 2, pad: 'valid' }, // the same shape again, other values
      { x: [2, 9, 8, 5], k: 3, s: 2, pad: 'same' },
      { x: [1, 6, 6, 3], k: 2, s: 2, pad: 'valid' },
      { x: [2, 7, 7, 4], k: 3, s: 1, pad: 'same' },
    ];
    for (const c of cases) {
      // Values on a coarse grid, so windows have ties (the gradient must go to the same, first, maximum as on the cpu
      // backend), and windows of negative values only (wasm's own kernel dropped their gradient).
      const x = rand(c.x).map((v, i) => Math.round(v * 4) / 4 - (i % c.x[3] === 0 ? 1 : 0)); // channel 0 all negative
      const info = tf.backend_util.computePool2DInfo(c.x as never, c.k, c.s, 1, c.pad);
      const inputs = { input: { shape: c.x, data: x }, dy: { shape: info.outShape, data: rand(info.outShape) } };
      const attrs = { filterSize: c.k, strides: c.s, pad: c.pad };
      const output = await runOn('cpu', 'MaxPool', { x: inputs.input }, attrs);
      const all = { ...inputs, output: { shape: output.shape, data: output.data } };
      const want = await runOn('cpu', 'MaxPoolGrad', all, attrs);
      const got = await runOn('wasm', 'MaxPoolGrad', all, attrs);
      assert.deepEqual(got.shape, c.x);
      assertClose(got.data, want.data, `max pool grad ${JSON.stringify(c)}`);
    }
  });

  test(`${mode}: the ReLU gradient (one kernel where the backend has it) equals the cpu backend's, zero at 0`, async () => {
    const x = Float32Array.from([-2, -0.5, 0, 0.5, 2, ...rand([300])]);
    const dy = rand([x.length]).map((v) => v + 1);
    const grad = async (backend: 'cpu' | 'wasm') => {
      await tf.setBackend(backend);
      return tf.tidy(
        () =>
          tf
            .grad((v: tf.Tensor) => tf.sum(tf.mul(tf.relu(v), tf.tensor(dy))))(tf.tensor(x))
            .dataSync() as Float32Array,
      );
    };
    const want = await grad('cpu');
    const got = await grad('wasm');
    assertClose(got, want, 'relu grad');
    assertClose(
      got,
      x.map((v, i) => (v > 0 ? dy[i] : 0)),
      'relu grad by hand',
    );
    assert.equal(got[2], 0, 'no gradient at 0');
  });

  test(`${mode}: Conv2D, FusedConv2D (bias with linear/relu/relu6/sigmoid) and depthwise forward equal the cpu backend`, async () => {
    for (const c of convCases) {
      const d = c.d ?? 1;
      const filterShape = [c.k, c.k, c.x[3], c.cout];
      const x = { shape: c.x, data: rand(c.x) };
      const inputs = { x, filter: { shape: filterShape, data: rand(filterShape) } };
      const attrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC', dilations: d };
      const label = JSON.stringify(c);
      const check = (
        kernel: string,
        ins: typeof inputs & { bias?: { shape: number[]; data: Float32Array } },
        at: object,
        what: string,
      ) => agreesRepeatedly(kernel, ins, at, what, CASE_REPEATS);
      await check('Conv2D', inputs, attrs, `conv2d ${label}`);
      const bias = { shape: [c.cout], data: rand([c.cout]) };
      // sigmoid is not fused natively: the kernel falls back to the one it replaced.
      for (const activation of ['linear', 'relu', 'relu6', 'sigmoid']) {
        await check(
          'FusedConv2D',
          { ...inputs, bias },
          { ...attrs, activation },
          `fused conv2d ${activation} ${label}`,
        );
      }
      if (d > 1 && c.s > 1) continue; // tfjs refuses strides and dilations both > 1
      for (const mult of [1, 2]) {
        const dwShape = [c.k, c.k, c.x[3], mult];
        const dw = { x, filter: { shape: dwShape, data: rand(dwShape) } };
        const dwAttrs = { strides: c.s, pad: c.pad, dilations: d, dataFormat: 'NHWC' };
        await check('DepthwiseConv2dNative', dw, dwAttrs, `depthwise mult ${mult} ${label}`);
        const dwBias = { shape: [c.x[3] * mult], data: rand([c.x[3] * mult]) };
        await check(
          'FusedDepthwiseConv2D',
          { ...dw, bias: dwBias },
          { ...dwAttrs, activation: 'relu6' },
          `fused depthwise mult ${mult} ${label}`,
        );
      }
    }
  });

  test(`${mode}: Conv2DBackpropFilter on wasm equals the cpu backend`, async () => {
    for (const c of convCases) {
      const filterShape = [c.k, c.k, c.x[3], c.cout] as [number, number, number, number];
      const info = tf.backend_util.computeConv2DInfo(c.x as never, filterShape, c.s, c.d ?? 1, c.pad);
      const dyShape = [c.x[0], info.outHeight, info.outWidth, c.cout];
      const inputs = { x: { shape: c.x, data: rand(c.x) }, dy: { shape: dyShape, data: rand(dyShape) } };
      if (c.d) {
        // tfjs's Conv2DBackpropFilter kernel has no dilation attribute (its conv2d gradient refuses dilation > 1); our
        // function takes one: check it against the undilated problem with the equivalent big filter.
        const big = dilateFilter(new Float32Array(filterShape.reduce((a, b) => a * b, 1)), filterShape, c.d).shape;
        const wantBig = await runOn('cpu', 'Conv2DBackpropFilter', inputs, {
          strides: c.s,
          pad: c.pad,
          dataFormat: 'NHWC',
          filterShape: big,
        });
        await tf.setBackend('wasm');
        const got = tf.tidy(() =>
          conv2dBackpropFilterFromOps(
            tf.tensor4d(inputs.x.data, c.x as never),
            tf.tensor4d(inputs.dy.data, dyShape as never),
            filterShape,
            c.s,
            c.pad,
            undefined,
            c.d,
          ).dataSync(),
        ) as Float32Array;
        assertClose(got, takeTaps(wantBig.data, big, c.k, c.d), `conv2d dW dilated ${JSON.stringify(c)}`);
        continue;
      }
      const attrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape };
      await agreesRepeatedly('Conv2DBackpropFilter', inputs, attrs, `conv2d dW ${JSON.stringify(c)}`, CASE_REPEATS);
    }
  });

  test(`${mode}: Conv2DBackpropInput on wasm equals the cpu backend`, async () => {
    for (const c of convCases) {
      if (c.d) continue; // no dilation attribute on this kernel either
      const filterShape = [c.k, c.k, c.x[3], c.cout] as [number, number, number, number];
      const info = tf.backend_util.computeConv2DInfo(c.x as never, filterShape, c.s, 1, c.pad);
      const dyShape = [c.x[0], info.outHeight, info.outWidth, c.cout];
      const inputs = {
        dy: { shape: dyShape, data: rand(dyShape) },
        filter: { shape: filterShape, data: rand(filterShape) },
      };
      const attrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x };
      await agreesRepeatedly('Conv2DBackpropInput', inputs, attrs, `conv2d dx ${JSON.stringify(c)}`, CASE_REPEATS);
    }
  });

  test(`${mode}: BatchMatMul with transposeA/transposeB (explicit-transpose wrapper) on wasm equals the cpu backend`, async () => {
    for (const [ta, tb] of [
      [true, false],
      [false, true],
      [true, true],
      [false, false],
    ]) {
      const aShape = ta ? [2, 7, 5] : [2, 5, 7];
      const bShape = tb ? [2, 3, 7] : [2, 7, 3];
      const inputs = { a: { shape: aShape, data: rand(aShape) }, b: { shape: bShape, data: rand(bShape) } };
      const attrs = { transposeA: ta, transposeB: tb };
      const want = await runOn('cpu', 'BatchMatMul', inputs, attrs);
      const got = await runOn('wasm', 'BatchMatMul', inputs, attrs);
      assert.deepEqual(got.shape, [2, 5, 3]);
      assertClose(got.data, want.data, `matmul ta=${ta} tb=${tb}`);
    }
  });

  test(`${mode}: BatchMatMul with a broadcast batch and _FusedMatMul with bias and activations equal the cpu backend`, async () => {
    const check = async (
      kernel: string,
      inputs: Record<string, { shape: number[]; data: Float32Array }>,
      attrs: object,
      what: string,
    ) => {
      const want = await runOn('cpu', kernel, inputs, attrs);
      const got = await runOn('wasm', kernel, inputs, attrs);
      assert.deepEqual(got.shape, want.shape, `${what} shape`);
      assertClose(got.data, want.data, what);
    };
    // tfjs's matMul op hands these kernels rank-3 tensors ([batch, rows, cols]), batches equal or one of them 1.
    for (const [aShape, bShape] of [
      [
        [3, 4, 6],
        [1, 6, 5],
      ],
      [
        [1, 4, 6],
        [3, 6, 5],
      ],
      [
        [2, 4, 6],
        [2, 6, 5],
      ],
    ]) {
      const inputs = { a: { shape: aShape, data: rand(aShape) }, b: { shape: bShape, data: rand(bShape) } };
      await check('BatchMatMul', inputs, { transposeA: false, transposeB: false }, `matmul ${aShape} x ${bShape}`);
    }
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ]) {
      const aShape = ta ? [1, 6, 4] : [1, 4, 6];
      const bShape = tb ? [1, 5, 6] : [1, 6, 5];
      const inputs = {
        a: { shape: aShape, data: rand(aShape) },
        b: { shape: bShape, data: rand(bShape) },
        bias: { shape: [5], data: rand([5]) },
      };
      for (const activation of ['linear', 'relu', 'relu6', 'sigmoid']) {
        await check(
          '_FusedMatMul',
          inputs,
          { transposeA: ta, transposeB: tb, activation },
          `fused matmul ta=${ta} tb=${tb} ${activation}`,
        );
      }
    }
  });

  test(`${mode}: Tile (broadcast replacement on wasm) and its gradient (reshape + sum) equal the cpu backend`, async () => {
    const tileCases: { shape: number[]; reps: number[] }[] = [
      { shape: [1, 1, 1, 5], reps: [3, 4, 2, 1] },
      { shape: [2, 3], reps: [2, 2] },
      { shape: [1, 4, 1], reps: [3, 1, 5] },
      { shape: [2, 1, 3, 1], reps: [1, 2, 2, 3] },
    ];
    for (const c of tileCases) {
      const data = rand(c.shape);
      const outShape = c.shape.map((d, i) => d * c.reps[i]);
      const dy = rand(outShape);
      const run = async (backend: 'cpu' | 'wasm') => {
        await tf.setBackend(backend);
        return tf.tidy(() => {
          const x = tf.tensor(data, c.shape);
          const y = tf.tile(x, c.reps);
          const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.tile(v, c.reps), tf.tensor(dy, outShape))))(x);
          return { y: y.dataSync() as Float32Array, g: g.dataSync() as Float32Array };
        });
      };
      const want = await run('cpu');
      const got = await run('wasm');
      assertClose(got.y, want.y, `tile ${JSON.stringify(c)}`);
      assertClose(got.g, want.g, `tile grad ${JSON.stringify(c)}`);
      // And the gradient by hand: dx[j] = sum of dy over the repetitions of j.
      const strides = (s: number[]) => s.map((_, i) => s.slice(i + 1).reduce((a, b) => a * b, 1));
      const hand = new Float32Array(data.length);
      const os = strides(outShape);
      const xs = strides(c.shape);
      for (let k = 0; k < dy.length; k++) {
        let j = 0;
        outShape.forEach((_, ax) => (j += ((Math.floor(k / os[ax]) % outShape[ax]) % c.shape[ax]) * xs[ax]));
        hand[j] += dy[k];
      }
      assertClose(got.g, hand, `tile grad by hand ${JSON.stringify(c)}`);
    }
  });

  test(`${mode}: DepthwiseConv2dNativeBackpropFilter and ...BackpropInput on wasm equal the cpu backend (incl. dilation, multiplier)`, async () => {
    for (const c of convCases) {
      for (const mult of [1, 2]) {
        const d = c.d ?? 1;
        if (d > 1 && c.s > 1) continue; // tfjs refuses strides and dilations both > 1
        const filterShape = [c.k, c.k, c.x[3], mult] as [number, number, number, number];
        const info = tf.backend_util.computeConv2DInfo(c.x as never, filterShape, c.s, d, c.pad, undefined, true);
        const dyShape = [c.x[0], info.outHeight, info.outWidth, c.x[3] * mult];
        const dy = { shape: dyShape, data: rand(dyShape) };
        const filter = { shape: filterShape, data: rand(filterShape) };
        const bigFilter = dilateFilter(filter.data, filterShape, d);
        const label = JSON.stringify({ ...c, mult });

        const inF = { x: { shape: c.x, data: rand(c.x) }, dy };
        const wantF = await runOn('cpu', 'DepthwiseConv2dNativeBackpropFilter', inF, {
          strides: c.s,
          pad: c.pad,
          dilations: 1,
          filterShape: bigFilter.shape,
        });
        const gotF = await runOn('wasm', 'DepthwiseConv2dNativeBackpropFilter', inF, {
          strides: c.s,
          pad: c.pad,
          dilations: d,
          filterShape,
        });
        assert.deepEqual(gotF.shape, filterShape);
        assertClose(gotF.data, takeTaps(wantF.data, bigFilter.shape, c.k, d), `depthwise dF ${label}`);

        const wantI = await runOn(
          'cpu',
          'DepthwiseConv2dNativeBackpropInput',
          { dy, filter: bigFilter },
          { strides: c.s, pad: c.pad, dilations: 1, inputShape: c.x },
        );
        const gotI = await runOn(
          'wasm',
          'DepthwiseConv2dNativeBackpropInput',
          { dy, filter },
          { strides: c.s, pad: c.pad, dilations: d, inputShape: c.x },
        );
        assert.deepEqual(gotI.shape, c.x);
        assertClose(gotI.data, wantI.data, `depthwise dx ${label}`);
      }
    }
  });

  test(`${mode}: a whole gradient (conv -> depthwise -> fused conv with bias+relu -> matmul -> mean) matches between wasm and cpu`, async () => {
    const xd = rand([2, 10, 10, 3]);
    const w1 = rand([3, 3, 3, 8]);
    const w2 = rand([3, 3, 8, 1]);
    const w3 = rand([1, 1, 8, 4]);
    const b3 = rand([4]);
    const grads = async (backend: 'cpu' | 'wasm') => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const vars = [
          tf.tensor4d(w1, [3, 3, 3, 8]),
          tf.tensor4d(w2, [3, 3, 8, 1]),
          tf.tensor4d(w3, [1, 1, 8, 4]),
          tf.tensor1d(b3),
        ];
        const x = tf.tensor4d(xd, [2, 10, 10, 3]);
        const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => {
          const h1 = tf.relu(tf.conv2d(x, a as tf.Tensor4D, 2, 'same'));
          const h2 = tf.depthwiseConv2d(h1, b as tf.Tensor4D, 1, 'same');
          const h3 = tf.fused.conv2d({
            x: h2,
            filter: c as tf.Tensor4D,
            strides: 1,
            pad: 'valid',
            bias: d,
            activation: 'relu',
          });
          const flat = tf.reshape(h3, [2, -1]);
          const dense = tf.matMul(
            flat,
            tf
              .reshape(tf.slice(c, [0, 0, 0, 0], [1, 1, 8, 4]), [8, 4])
              .slice([0, 0], [4, 4])
              .tile([flat.shape[1]! / 4, 1]),
          );
          return tf.add(tf.mean(tf.square(h3)), tf.mean(dense));
        };
        return tf
          .grads(f)(vars)
          .map((g) => g.dataSync() as Float32Array);
      });
    };
    const want = await grads('cpu');
    const got = await grads('wasm');
    want.forEach((w, i) => assertClose(got[i], w, `gradient ${i}`));
  });

  test(`${mode}: every convolution and max-pool geometry of the nine architectures (32/96/224 px and local, reduced; odd channel counts) equals the cpu backend, run after run`, async () => {
    const repeats = mode === 'native' ? 10 : 2;
    const cases = reducedKernelCases(architectureKernelGeometries());
    assert.ok(cases.length > 100, `only ${cases.length} cases: the grid lost its architectures`);
    for (const g of cases) await checkGeometry(g, repeats);
  });
}
