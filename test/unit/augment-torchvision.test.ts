// The input pipeline's random augmentation against torchvision 0.14 on fixed images and fixed draws: every op of the
// automatic augmentation policies at given magnitudes (torchvision.transforms.functional on uint8 tensors), the three
// policies end to end (AutoAugment ImageNet, RandAugment, TrivialAugmentWide) with the same uniform draws handed to
// torchvision's own classes, RandomResizedCrop's rectangle and flip, and RandomErasing. The PIL path (what the
// references run on ImageFolder's PIL images) is compared too and its distance reported: torchvision documents the
// two as close, not equal, for the geometric ops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import sharp from 'sharp';
import {
  applyOp,
  choosePolicyOps,
  type AppliedOp,
  type AugmentOp,
  type AutoAugmentPolicy,
} from '../../native-workers/core/training/auto-augment.ts';
import { rgbImage, type RgbImage } from '../../native-workers/core/training/image-ops.ts';
import { applyErasing, randomErasingBox, randomResizedCrop } from '../../native-workers/core/training/augment.ts';
import { recordingRand, torchvisionReference } from '../helpers/torchvision.ts';
import { sharedDir } from '../helpers/workspace.ts';

/** A real photo (COCO) at an odd, non-square size, so width and height cannot be swapped unnoticed. */
async function photo(width: number, height: number, file = '000000000139.jpg'): Promise<RgbImage> {
  const data = await sharp(join(sharedDir, 'data', 'coco-mini', 'val2017', file))
    .resize(width, height, { fit: 'fill' })
    .removeAlpha()
    .raw()
    .toBuffer();
  return rgbImage(width, height, new Uint8Array(data));
}

/** A dim, low-contrast image (values 60..123): autocontrast and equalize have work to do. */
function dim(width: number, height: number): RgbImage {
  const img = rgbImage(width, height);
  for (let i = 0; i < img.data.length; i++) img.data[i] = 60 + ((i * 7 + Math.floor(i / 3) * 13) % 64);
  return img;
}

function differences(a: ArrayLike<number>, b: ArrayLike<number>): { max: number; count: number } {
  assert.equal(a.length, b.length);
  let max = 0;
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d > 0) count++;
    max = Math.max(max, d);
  }
  return { max, count };
}

const imageJson = (img: RgbImage) => ({ width: img.width, height: img.height, data: Array.from(img.data) });

const CASES: { op: AugmentOp; magnitude: number }[] = [
  { op: 'Identity', magnitude: 0 },
  ...[0.3, -0.3, 0.99, -0.66].map((magnitude) => ({ op: 'ShearX' as const, magnitude })),
  ...[0.3, -0.99].map((magnitude) => ({ op: 'ShearY' as const, magnitude })),
  ...[5.33, -12.9, 32].map((magnitude) => ({ op: 'TranslateX' as const, magnitude })),
  ...[7.5, -3.2].map((magnitude) => ({ op: 'TranslateY' as const, magnitude })),
  ...[30, -30, 90, 135, -4.5].map((magnitude) => ({ op: 'Rotate' as const, magnitude })),
  ...[0.5, -0.5, 0.99, -0.99].flatMap((magnitude) =>
    (['Brightness', 'Color', 'Contrast', 'Sharpness'] as const).map((op) => ({ op, magnitude })),
  ),
  ...[8, 6, 4, 2].map((magnitude) => ({ op: 'Posterize' as const, magnitude })),
  ...[255, 170, 59.5, 0].map((magnitude) => ({ op: 'Solarize' as const, magnitude })),
  { op: 'AutoContrast', magnitude: 0 },
  { op: 'Equalize', magnitude: 0 },
  { op: 'Invert', magnitude: 0 },
];

const GEOMETRIC = new Set<AugmentOp>(['ShearX', 'ShearY', 'TranslateX', 'TranslateY', 'Rotate']);

for (const [name, make] of [
  ['a COCO photo, 37x29', () => photo(37, 29)],
  ['a dim synthetic image, 32x32', async () => dim(32, 32)],
] as const) {
  test(`each policy op at given magnitudes equals torchvision's _apply_op on uint8 tensors: ${name}`, async (t) => {
    const img = await make();
    const ref = torchvisionReference<{ tensor: number[]; pil: number[] }[]>('ops', {
      image: imageJson(img),
      cases: CASES,
    });
    const pixels = img.data.length;
    const report: string[] = [];
    CASES.forEach((c, k) => {
      const ours = applyOp(img, c.op, c.magnitude).data;
      const d = differences(ours, ref[k].tensor);
      const pil = differences(ours, ref[k].pil);
      report.push(
        `${c.op}(${c.magnitude}): tensor ${d.count}/${pixels} off (max ${d.max}), PIL ${pil.count} off (max ${pil.max})`,
      );
      if (GEOMETRIC.has(c.op)) {
        // grid_sample's float32 arithmetic, reproduced step by step: a value landing on .5 may round the other way.
        assert.ok(
          d.max <= 1 && d.count <= pixels * 0.01,
          `${c.op}(${c.magnitude}): ${d.count} of ${pixels} values differ, max ${d.max}`,
        );
      } else {
        assert.equal(
          d.count,
          0,
          `${c.op}(${c.magnitude}): ${d.count} of ${pixels} values differ from torchvision, max ${d.max}`,
        );
      }
    });
    t.diagnostic(report.join('; '));
  });
}

test("AutoAugment (ImageNet), RandAugment and TrivialAugmentWide: the same draws choose torchvision's ops, magnitudes and images", async () => {
  const img = await photo(33, 27, '000000000802.jpg');
  const cases: { policy: AutoAugmentPolicy; draws: number[]; ops: AppliedOp[] }[] = [];
  for (const policy of ['imagenet', 'ra', 'ta_wide'] as const) {
    for (let seed = 1; seed <= 40; seed++) {
      const r = recordingRand(seed * 7919 + policy.length);
      cases.push({ policy, ops: choosePolicyOps(policy, img.height, img.width, r.rand), draws: r.draws });
    }
  }
  const ref = torchvisionReference<{ image: number[]; ops: AppliedOp[]; drawsUsed: number }[]>('policy', {
    image: imageJson(img),
    cases: cases.map(({ policy, draws }) => ({ policy, draws })),
  });
  const seen = new Set<string>();
  cases.forEach((c, k) => {
    const what = `${c.policy} #${k} ${c.ops.map((o) => `${o.op}(${o.magnitude})`).join('+')}`;
    assert.equal(
      ref[k].drawsUsed,
      c.draws.length,
      `${what}: torchvision used ${ref[k].drawsUsed} draws, we used ${c.draws.length}`,
    );
    assert.deepEqual(
      c.ops.map((o) => o.op),
      ref[k].ops.map((o) => o.op),
      what,
    );
    // torch's float32 linspace (vectorised, so its last bit depends on the CPU's vector width) can differ from ours by
    // one unit in the last place.
    c.ops.forEach((o, i) =>
      assert.ok(
        Math.abs(o.magnitude - ref[k].ops[i].magnitude) <= 1e-6 * Math.max(1, Math.abs(o.magnitude)),
        `${what}: magnitude ${ref[k].ops[i].magnitude}`,
      ),
    );
    // The chain of ops on torchvision's magnitudes gives torchvision's image exactly.
    const ours = ref[k].ops.reduce((im, o) => applyOp(im, o.op, o.magnitude), img);
    assert.equal(differences(ours.data, ref[k].image).count, 0, `${what}: image differs`);
    for (const o of c.ops) seen.add(`${c.policy}:${o.op}`);
  });
  // The draws exercised most of each space (a check that the comparison above is not vacuous).
  for (const policy of ['imagenet', 'ra', 'ta_wide']) {
    assert.ok([...seen].filter((o) => o.startsWith(`${policy}:`)).length >= 8, `${policy}: ${[...seen].join(', ')}`);
  }
});

test("RandomResizedCrop + flip: the same draws give torchvision's rectangle and flip (scale 0.08 and 0.35)", () => {
  const cases: {
    width: number;
    height: number;
    scale: [number, number];
    draws: number[];
    ours: ReturnType<typeof randomResizedCrop>;
  }[] = [];
  for (const [width, height] of [
    [32, 32],
    [500, 375],
    [40, 200],
  ]) {
    for (const scale of [
      [0.08, 1],
      [0.35, 1],
    ] as [number, number][]) {
      for (let seed = 0; seed < 30; seed++) {
        const r = recordingRand(seed + width * 1000 + scale[0] * 100);
        const ours = randomResizedCrop(width, height, r.rand, scale);
        cases.push({ width, height, scale, draws: r.draws, ours });
      }
    }
  }
  const ref = torchvisionReference<
    { top: number; left: number; height: number; width: number; flip: boolean; drawsUsed: number }[]
  >('crop', {
    cases: cases.map(({ width, height, scale, draws }) => ({ width, height, scale, draws })),
  });
  cases.forEach((c, k) => {
    const { drawsUsed, ...rect } = ref[k];
    assert.deepEqual(
      { top: c.ours.top, left: c.ours.left, height: c.ours.height, width: c.ours.width, flip: c.ours.flip },
      rect,
      `${c.width}x${c.height} case ${k}`,
    );
    assert.equal(drawsUsed, c.draws.length);
  });
});

test("RandomErasing(p, value=0): the same draws erase torchvision's box (or nothing)", () => {
  const cases: { height: number; width: number; p: number; draws: number[]; ours: Float32Array }[] = [];
  for (const [height, width] of [
    [32, 32],
    [29, 37],
    [6, 5],
  ]) {
    for (const p of [0.25, 1]) {
      for (let seed = 0; seed < 20; seed++) {
        const r = recordingRand(seed * 31 + height + p * 1000);
        const img = Float32Array.from({ length: height * width * 3 }, () => 0);
        // The same test image as the reference: value (c * h * w + y * w + x) + 1, here in HWC order.
        for (let y = 0; y < height; y++)
          for (let x = 0; x < width; x++)
            for (let c = 0; c < 3; c++) img[(y * width + x) * 3 + c] = c * height * width + y * width + x + 1;
        const box = randomErasingBox(height, width, p, r.rand);
        if (box) applyErasing(img, 0, width, 3, box);
        cases.push({ height, width, p, draws: r.draws, ours: img });
      }
    }
  }
  const ref = torchvisionReference<{ image: number[]; drawsUsed: number }[]>('erase', {
    cases: cases.map(({ height, width, p, draws }) => ({ height, width, p, draws })),
  });
  let erased = 0;
  cases.forEach((c, k) => {
    assert.deepEqual(Array.from(c.ours), ref[k].image, `case ${k} (${c.height}x${c.width}, p ${c.p})`);
    assert.equal(ref[k].drawsUsed, c.draws.length, `case ${k}: draws`);
    if (c.ours.includes(0)) erased++;
  });
  assert.ok(erased > 20 && erased < cases.length, `${erased} of ${cases.length} cases erased a box`);
});
