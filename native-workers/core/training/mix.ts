// Mixup and CutMix on a training batch, as torchvision's references apply them (references/classification/
// transforms.py RandomMixup / RandomCutmix, chosen per batch by RandomChoice in train.py's collate_fn, each with p=1):
// the batch is paired with itself rolled by one (image i with image i-1, the first with the last), the mixing weight
// lambda ~ Beta(alpha, alpha), and the targets become lambda * onehot(i) + (1 - lambda) * onehot(i - 1). CutMix pastes
// the rolled batch into a box centred at a uniform pixel with sides sqrt(1 - lambda) of the image (clipped to it) and
// sets lambda to the share of the image left. Draws come from `rand` in the references' order: the choice
// (`random.choices`, floor(rand * n)), the p coin (`torch.rand(1)`), lambda, then CutMix's centre (x, then y).
import * as tf from '@tensorflow/tfjs';

export interface MixPlan {
  kind: 'mixup' | 'cutmix';
  /** Weight of each image itself (its partner gets 1 - lambda); for CutMix, the share of the image not pasted over. */
  lambda: number;
  /** CutMix's box in pixels: columns x1..x2-1, rows y1..y2-1. */
  box?: { x1: number; y1: number; x2: number; y2: number };
}

/**
 * Beta(alpha, alpha) as the first component of Dirichlet([alpha, alpha]) (what the references sample): two
 * Gamma(alpha) draws of tfjs's seeded sampler (Marsaglia and Tsang, boosted for alpha < 1), normalised.
 */
export function sampleSymmetricBeta(alpha: number, seed: number): number {
  // tfjs treats a seed of 0 as "no seed".
  const g = tf.tidy(() => tf.randomGamma([2], alpha, 1, 'float32', (seed >>> 0) + 1).dataSync());
  return g[0] + g[1] > 0 ? g[0] / (g[0] + g[1]) : 0.5;
}

/**
 * What the references' collate_fn does to one batch, given the recipe's alphas (0 = that transform is off): null when
 * both are off. `beta` draws lambda (by default tfjs's Gamma sampler seeded by one draw of `rand`, so the other draws keep their
 * positions whatever the sampler consumes).
 */
export function chooseMix(
  mixupAlpha: number,
  cutmixAlpha: number,
  height: number,
  width: number,
  rand: () => number,
  beta?: (alpha: number) => number,
): MixPlan | null {
  const choices: MixPlan['kind'][] = [];
  if (mixupAlpha > 0) choices.push('mixup');
  if (cutmixAlpha > 0) choices.push('cutmix');
  if (!choices.length) return null;
  const kind = choices[Math.floor(rand() * choices.length)];
  rand(); // RandomMixup / RandomCutmix: torch.rand(1) >= p, with p = 1 never true.
  const alpha = kind === 'mixup' ? mixupAlpha : cutmixAlpha;
  const draw = beta ?? ((a: number) => sampleSymmetricBeta(a, Math.floor(rand() * 2147483647)));
  const lambda = draw(alpha);
  if (kind === 'mixup') return { kind, lambda };
  const rx = Math.floor(rand() * width);
  const ry = Math.floor(rand() * height);
  const r = 0.5 * Math.sqrt(1 - lambda);
  const rw = Math.trunc(r * width);
  const rh = Math.trunc(r * height);
  const box = {
    x1: Math.max(rx - rw, 0),
    y1: Math.max(ry - rh, 0),
    x2: Math.min(rx + rw, width),
    y2: Math.min(ry + rh, height),
  };
  return { kind, lambda: 1 - ((box.x2 - box.x1) * (box.y2 - box.y1)) / (width * height), box };
}

export interface MixedBatch {
  /** [n, height, width, channels], the mixed images. */
  data: Float32Array;
  /** [n, classes], the mixed one-hot targets. */
  targets: Float32Array;
}

/** One-hot targets [n, classes] of integer labels (the batch without mixing). */
export function oneHot(labels: ArrayLike<number>, classes: number): Float32Array {
  const out = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) out[i * classes + labels[i]] = 1;
  return out;
}

/** Apply a plan to an NHWC batch (copies; the input is left as it is). */
export function applyMix(
  data: Float32Array,
  labels: ArrayLike<number>,
  classes: number,
  shape: { n: number; height: number; width: number; channels: number },
  plan: MixPlan,
): MixedBatch {
  const { n, height, width, channels } = shape;
  const per = height * width * channels;
  const f = Math.fround;
  // torch multiplies a float32 tensor by a Python float in float32.
  const lam = f(plan.lambda);
  const rest = f(1 - plan.lambda);
  const out = new Float32Array(data.length);
  if (plan.kind === 'mixup') {
    for (let i = 0; i < n; i++) {
      const partner = (i + n - 1) % n;
      for (let k = 0; k < per; k++)
        out[i * per + k] = f(f(lam * data[i * per + k]) + f(rest * data[partner * per + k]));
    }
  } else {
    out.set(data);
    const { x1, y1, x2, y2 } = plan.box!;
    for (let i = 0; i < n; i++) {
      const partner = (i + n - 1) % n;
      for (let y = y1; y < y2; y++) {
        const from = partner * per + (y * width + x1) * channels;
        out.set(data.subarray(from, from + (x2 - x1) * channels), i * per + (y * width + x1) * channels);
      }
    }
  }
  const hot = oneHot(labels, classes);
  const targets = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) {
    const partner = (i + n - 1) % n;
    for (let c = 0; c < classes; c++)
      targets[i * classes + c] = f(f(lam * hot[i * classes + c]) + f(rest * hot[partner * classes + c]));
  }
  return { data: out, targets };
}
