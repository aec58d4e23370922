// Whole models on the wasm backend with the native kernels (what training runs on) against tfjs's reference cpu
// backend: the same weights and batch give the same loss and the same gradient for every weight. AlexNet in inference
// mode (convolutions with bias+relu, max pools and their gradients, dense layers), ResNet-152 in training mode (the
// fused batch norm with batch statistics, residual adds, ReLU gradients, 1x1 convolutions as matrix products),
// MobileNetV3 in inference mode (depthwise convolutions, hard-swish, squeeze-excite). Skipped without the addon,
// except in CI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { buildModel } from '../../native-workers/core/architectures/index.ts';
import { initEngine } from '../../native-workers/io/tf-engine/backend.ts';
import { nativeKernelsUnavailable } from '../../native-workers/io/tf-engine/native-kernels.ts';

const unavailable = nativeKernelsUnavailable();

const cases: { arch: string; training: boolean }[] = [
  { arch: 'alexnet', training: false },
  { arch: 'resnet152', training: true },
  { arch: 'mobilenet_v3_large', training: false },
];

for (const c of cases) {
  test(`${c.arch} (${c.training ? 'training' : 'inference'} mode): loss and every weight gradient on wasm+native equal the cpu backend`, {
    skip: unavailable && process.env.CI !== 'true' ? `addon unavailable: ${unavailable}` : false,
  }, async () => {
    const info = await initEngine({ backend: 'wasm' });
    assert.ok(info.native, `native kernels inactive: ${info.notes.join('; ')}`);
    const model = buildModel(c.arch, { profile: 'local', inputSize: 32, numClasses: 8, seed: 3 });
    const images = tf.randomUniform([4, 32, 32, 3], 0, 1, 'float32', 5);
    const xd = images.dataSync() as Float32Array;
    images.dispose();
    const run = async (backend: 'wasm' | 'cpu') => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const x = tf.tensor4d(xd, [4, 32, 32, 3]);
        const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
        const { value, grads } = tf.variableGrads(() => {
          const out = model.apply(x, { training: c.training }) as tf.Tensor2D;
          return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d([1, 3, 5, 7], 'int32'), 8), out) as tf.Scalar;
        }, vars);
        return {
          loss: value.dataSync()[0],
          grads: Object.entries(grads).map(([name, g]) => ({ name, data: g.dataSync() as Float32Array })),
        };
      });
    };
    const got = await run('wasm');
    const want = await run('cpu');
    model.dispose();
    assert.ok(
      Math.abs(got.loss - want.loss) <= 1e-4 * Math.max(1, Math.abs(want.loss)),
      `loss ${got.loss} vs ${want.loss}`,
    );
    assert.equal(got.grads.length, want.grads.length);
    // Per weight: within 1e-3 of its largest gradient entry (summation order differs between the backends).
    for (const [i, g] of got.grads.entries()) {
      const w = want.grads[i];
      assert.equal(g.name, w.name);
      let err = 0;
      let scale = 0;
      for (let j = 0; j < g.data.length; j++) {
        err = Math.max(err, Math.abs(g.data[j] - w.data[j]));
        scale = Math.max(scale, Math.abs(w.data[j]));
      }
      assert.ok(err <= 1e-3 * scale + 1e-6, `${c.arch} ${g.name}: max difference ${err} (largest gradient ${scale})`);
    }
  });
}
