// Fused training ops with analytic gradients: training-mode batch normalization, hard-swish and hard-sigmoid.
//
// Why: built from tfjs ops, batch norm in training is ~a dozen small kernels forward and more backward (moments, the
// FusedBatchNorm gradient's reductions and tiles), and every kernel on the gradient tape keeps its own copies of its
// inputs until the backward pass (on the wasm backend each saved tensor is a copy on the 4 GB heap). Here each op is
// one tape node (tf.customGrad) that keeps only what its gradient needs. When a backend has a native kernel registered
// under the names below, the op calls it; otherwise it computes the same outputs with a few tf ops.
//
// Kernel contracts (all tensors float32, channels last; a backend registers these with tf.registerKernel):
//
//   'ImagenotBatchNormTrain'      inputs  { x: [..., C], gamma: [C], beta: [C] }   attrs { epsilon: number }
//                                 outputs [ y: x.shape, mean: [C], invStd: [C] ]
//     Statistics over every axis but the last (N = x.size / C values per channel):
//     mean = sum(x) / N, invStd = 1 / sqrt(sum((x - mean)^2) / N + epsilon)   (the biased variance),
//     y = (x - mean) * invStd * gamma + beta.
//
//   'ImagenotBatchNormTrainGrad'  inputs  { dy: x.shape, x, gamma: [C], mean: [C], invStd: [C] }   (no attrs)
//                                 outputs [ dx: x.shape, dgamma: [C], dbeta: [C] ]
//     xhat = (x - mean) * invStd, dbeta = sum(dy), dgamma = sum(dy * xhat),
//     dx = gamma * invStd / N * (N * dy - dbeta - xhat * dgamma)          (sums over every axis but the last)
//
//   'ImagenotHardSwish'           inputs { x }       output y  = x * relu6(x + 3) / 6
//   'ImagenotHardSwishGrad'       inputs { dy, x }   output dx = 0 for x < -3, dy * (2x + 3) / 6 for -3 <= x <= 3,
//                                                              dy for x > 3   (torch's hardswish_backward)
import * as tf from '@tensorflow/tfjs';

export const BATCH_NORM_TRAIN_KERNEL = 'ImagenotBatchNormTrain';
export const BATCH_NORM_TRAIN_GRAD_KERNEL = 'ImagenotBatchNormTrainGrad';
export const MOVING_STATS_KERNEL = 'ImagenotBatchNormMovingStats';
export const HARD_SWISH_KERNEL = 'ImagenotHardSwish';
export const HARD_SWISH_GRAD_KERNEL = 'ImagenotHardSwishGrad';

const hasKernel = (name: string): boolean => tf.getKernel(name, tf.getBackend()) != null;
const runKernel = (name: string, inputs: tf.NamedTensorMap, attrs: Record<string, number> = {}) =>
  tf.engine().runKernel(name, inputs, attrs);

// ---------------------------------------------------------------------------------------------------------------
// Training-mode batch normalization

export interface BatchNormTrainingResult {
  /** The normalized, scaled and shifted input (shape of x). */
  y: tf.Tensor;
  /** Per-channel batch mean [C]. */
  mean: tf.Tensor1D;
  /** 1 / sqrt(biased batch variance + epsilon) per channel [C]: what movingStatsUpdate takes. */
  invStd: tf.Tensor1D;
  /** Per-channel biased batch variance [C] (computed when first read, in the reader's scope). */
  readonly variance: tf.Tensor1D;
}

/** The rows view [N, C] of a channels-last tensor: every axis but the last flattened (free: a reshape). */
function rowsOf(t: tf.Tensor): tf.Tensor2D {
  const c = t.shape[t.rank - 1];
  return tf.reshape(t, [t.size / c, c]);
}

/**
 * Per-column means of [N, C] rows as one average pool over an [N, 1] window. Why not tf.mean(rows, 0): the wasm
 * backend reduces only innermost axes, so it transposes the whole tensor first (measured on [18432, 64]: 9.8 ms,
 * the pool 0.4 ms; XNNPACK pools channels-last directly).
 */
function columnMeans(rows: tf.Tensor2D): tf.Tensor1D {
  const [n, c] = rows.shape;
  return tf.reshape(tf.avgPool(tf.reshape(rows, [1, n, 1, c]) as tf.Tensor4D, [n, 1], [n, 1], 'valid'), [c]);
}

const columnSums = (rows: tf.Tensor2D): tf.Tensor1D => tf.mul(columnMeans(rows), rows.shape[0]);

/** variance + epsilon, as invStd = 1/sqrt(variance + epsilon) encodes it. */
const variancePlusEpsilon = (invStd: tf.Tensor1D): tf.Tensor1D => tf.reciprocal(tf.square(invStd));

/**
 * t * scale + shift per channel (the last axis) as a 1x1 depthwise convolution with bias: one XNNPACK pass on wasm,
 * where a broadcasting tf.mul + tf.add take 2.1 ms and FusedBatchNorm 4.1 ms (measured on [8, 48, 48, 64]: 1.2 ms).
 */
function channelAffine(t: tf.Tensor, scale: tf.Tensor, shift?: tf.Tensor): tf.Tensor {
  const c = t.shape[t.rank - 1];
  const t4 = (t.rank === 4 ? t : tf.reshape(t, [1, 1, t.size / c, c])) as tf.Tensor4D;
  const filter = tf.reshape(scale, [1, 1, c, 1]) as tf.Tensor4D;
  return tf.reshape(tf.fused.depthwiseConv2d({ x: t4, filter, strides: 1, pad: 'valid', bias: shift }), t.shape);
}

/**
 * The 'ImagenotBatchNormTrain' kernel's outputs [y, mean, invStd] computed with tf ops (the op's fallback, and the
 * reference a native kernel is checked against).
 */
export function batchNormTrainFromOps(
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
): [tf.Tensor, tf.Tensor1D, tf.Tensor1D] {
  return tf.tidy(() => {
    const rows = rowsOf(x);
    const mean = columnMeans(rows);
    const invStd = tf.rsqrt(tf.add(columnMeans(tf.squaredDifference(rows, mean)), epsilon)) as tf.Tensor1D;
    // y = x * scale + (beta - mean * scale), scale = gamma * invStd: the form torch's CPU kernel computes too.
    const scale = tf.mul(gamma, invStd);
    const y = channelAffine(x, scale, tf.sub(beta, tf.mul(mean, scale)));
    return [y, mean, invStd];
  });
}

/**
 * The 'ImagenotBatchNormTrainGrad' kernel's outputs [dx, dgamma, dbeta] computed with tf ops (the op's fallback, and
 * the reference a native kernel is checked against).
 */
export function batchNormTrainGradFromOps(
  dy: tf.Tensor,
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  mean: tf.Tensor1D,
  invStd: tf.Tensor1D,
): [tf.Tensor, tf.Tensor1D, tf.Tensor1D] {
  return tf.tidy(() => {
    const n = x.size / x.shape[x.rank - 1];
    const xhat = channelAffine(x, invStd, tf.neg(tf.mul(mean, invStd)));
    const dbeta = columnSums(rowsOf(dy));
    const dgamma = columnSums(rowsOf(tf.mul(dy, xhat)));
    // dx = k * dy - (xhat * k * dgamma / N + k * dbeta / N), k = gamma * invStd
    const k = tf.mul(gamma, invStd);
    const dx = tf.sub(
      channelAffine(dy, k),
      channelAffine(xhat, tf.mul(k, tf.div(dgamma, n)), tf.mul(k, tf.div(dbeta, n))),
    );
    return [dx, dgamma, dbeta];
  });
}

/**
 * Batch normalization in training mode over every axis but the last (channels last), as one differentiable op:
 * y = (x - mean) / sqrt(variance + epsilon) * gamma + beta with the batch's mean and biased variance. Gradients flow
 * to x, gamma and beta; `mean` and `variance` are for updating moving averages only (no gradient flows through them).
 * With `relu`, y is max(0, y) in the same op (BN followed by ReLU, as in every ResNet block: one pass over the
 * activation instead of three, and none for the ReLU's gradient): the kernels get attr relu = 1, and the gradient
 * kernel also gets y, whose positive entries are where dy passes.
 */
export function batchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
  relu = false,
): BatchNormTrainingResult {
  const c = x.shape[x.rank - 1];
  if (gamma.shape[0] !== c || beta.shape[0] !== c || gamma.rank !== 1 || beta.rank !== 1) {
    throw new Error(
      `batchNormTraining: gamma [${gamma.shape}] and beta [${beta.shape}] must be [${c}] for input [${x.shape}]`,
    );
  }
  // customGrad's value is one tensor and its forward runs in a tidy: the statistics leave it kept, and are handed to
  // the caller's scope (clone) and released below.
  let stats: [tf.Tensor1D, tf.Tensor1D] | undefined;
  const normalize = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xIn, gammaIn, betaIn] = args as [tf.Tensor, tf.Tensor1D, tf.Tensor1D];
    const save = args[3] as tf.GradSaveFunc;
    const [y, mean, invStd] = hasKernel(BATCH_NORM_TRAIN_KERNEL)
      ? (runKernel(
          BATCH_NORM_TRAIN_KERNEL,
          { x: xIn, gamma: gammaIn, beta: betaIn },
          { epsilon, relu: relu ? 1 : 0 },
        ) as [tf.Tensor, tf.Tensor1D, tf.Tensor1D])
      : reluIf(relu, batchNormTrainFromOps(xIn, gammaIn, betaIn, epsilon));
    save(relu ? [xIn, gammaIn, mean, invStd, y] : [xIn, gammaIn, mean, invStd]);
    stats = [tf.keep(mean), tf.keep(invStd)];
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, g, m, s, y] = saved as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.Tensor | undefined];
        if (hasKernel(BATCH_NORM_TRAIN_GRAD_KERNEL)) {
          const inputs = { dy, x: xs, gamma: g, mean: m, invStd: s, ...(relu ? { y: y! } : {}) };
          return runKernel(BATCH_NORM_TRAIN_GRAD_KERNEL, inputs, { relu: relu ? 1 : 0 }) as tf.Tensor[];
        }
        return batchNormTrainGradFromOps(relu ? tf.mul(dy, tf.step(y!)) : dy, xs, g, m, s);
      },
    };
  });
  const y = normalize(x, gamma, beta);
  const [keptMean, keptInvStd] = stats!;
  const mean = tf.clone(keptMean);
  const invStd = tf.clone(keptInvStd);
  tf.dispose([keptMean, keptInvStd]);
  let variance: tf.Tensor1D | undefined;
  return {
    y,
    mean,
    invStd,
    get variance() {
      return (variance ??= varianceFromInvStd(invStd, epsilon));
    },
  };
}

/** The op-built forward's outputs, with max(0, y) when the op includes the ReLU. */
function reluIf(
  relu: boolean,
  [y, mean, invStd]: [tf.Tensor, tf.Tensor1D, tf.Tensor1D],
): [tf.Tensor, tf.Tensor1D, tf.Tensor1D] {
  return relu ? [tf.relu(y), mean, invStd] : [y, mean, invStd];
}

/** The biased variance that invStd = 1/sqrt(variance + epsilon) encodes. */
function varianceFromInvStd(invStd: tf.Tensor1D, epsilon: number): tf.Tensor1D {
  // relu: for a constant channel, rounding can leave -1e-12 where the variance is 0.
  return tf.tidy(() => tf.relu(tf.sub(variancePlusEpsilon(invStd), epsilon)) as tf.Tensor1D);
}

/**
 * torch's running averages after a training batch, in one kernel where the backend has MOVING_STATS_KERNEL (they
 * were ten small kernels per batch-norm layer, ~1,500 in a ResNet-152 step):
 * mean' = (1 - momentum) * mean + momentum * batchMean, variance' = (1 - momentum) * variance + momentum * unbias *
 * batchVariance, with batchVariance = 1/invStd^2 - epsilon (biased) and unbias = n / (n - 1) (torch's running_var).
 * Kernel contract: inputs {movingMean, movingVariance, mean, invStd} [C]; attrs {momentum, epsilon, unbias}; outputs
 * [newMean, newVariance].
 */
export function movingStatsUpdate(
  moving: { mean: tf.Tensor1D; variance: tf.Tensor1D },
  batch: { mean: tf.Tensor1D; invStd: tf.Tensor1D },
  o: { momentum: number; epsilon: number; unbias: number },
): [tf.Tensor1D, tf.Tensor1D] {
  if (hasKernel(MOVING_STATS_KERNEL)) {
    const inputs = { movingMean: moving.mean, movingVariance: moving.variance, mean: batch.mean, invStd: batch.invStd };
    return runKernel(MOVING_STATS_KERNEL, inputs, o) as [tf.Tensor1D, tf.Tensor1D];
  }
  return tf.tidy(() => {
    const average = (old: tf.Tensor1D, next: tf.Tensor, weight: number) =>
      tf.add(tf.mul(old, 1 - o.momentum), tf.mul(next, weight)) as tf.Tensor1D;
    return [
      average(moving.mean, batch.mean, o.momentum),
      average(moving.variance, varianceFromInvStd(batch.invStd, o.epsilon), o.momentum * o.unbias),
    ];
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Hard-swish and hard-sigmoid (torch's definitions and gradient conventions at the kinks)

/** The 'ImagenotHardSwish' kernel's output computed with tf ops: x * relu6(x + 3) / 6. */
export function hardSwishFromOps(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.mul(x, tf.relu6(tf.add(x, 3))), 1 / 6));
}

/** The 'ImagenotHardSwishGrad' kernel's output computed with tf ops (torch's hardswish_backward). */
export function hardSwishGradFromOps(dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    // torch: x < -3 -> 0, -3 <= x <= 3 -> dy * (x/3 + 1/2), x > 3 -> dy. With c = clip(x, -3, 3), c/3 + 1/2 is right
    // on [-3, 3] and off by -1/2 below and +1/2 above, where sign(x - c) is -1 and +1 (0 inside). Arithmetic rather
    // than two tf.where: 1.5 ms instead of 2.7 ms on [8, 48, 48, 16] on wasm.
    const c = tf.clipByValue(x, -3, 3);
    return tf.mul(dy, tf.sub(tf.add(tf.mul(c, 1 / 3), 0.5), tf.mul(tf.sign(tf.sub(x, c)), 0.5)));
  });
}

/** torch.nn.functional.hardswish: x * relu6(x + 3) / 6, with torch's gradient. */
export const hardSwish: (x: tf.Tensor) => tf.Tensor = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  (args[1] as tf.GradSaveFunc)([x]);
  return {
    value: hasKernel(HARD_SWISH_KERNEL) ? (runKernel(HARD_SWISH_KERNEL, { x }) as tf.Tensor) : hardSwishFromOps(x),
    gradFunc: (dy: tf.Tensor, [xs]: tf.Tensor[]) =>
      hasKernel(HARD_SWISH_GRAD_KERNEL)
        ? (runKernel(HARD_SWISH_GRAD_KERNEL, { dy, x: xs }) as tf.Tensor)
        : hardSwishGradFromOps(dy, xs),
  };
});

/** torch.nn.functional.hardsigmoid: relu6(x + 3) / 6 (not Keras's 0.2x + 0.5); gradient dy/6 on the open (-3, 3). */
export const hardSigmoid: (x: tf.Tensor) => tf.Tensor = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  (args[1] as tf.GradSaveFunc)([x]);
  return {
    value: tf.mul(tf.relu6(tf.add(x, 3)), 1 / 6),
    gradFunc: (dy: tf.Tensor, [xs]: tf.Tensor[]) =>
      tf.where(tf.less(tf.abs(xs), 3), tf.mul(dy, 1 / 6), tf.zerosLike(dy)),
  };
});
