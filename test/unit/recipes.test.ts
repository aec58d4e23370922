// The recipe catalogue as data: the paper recipes carry every train.py setting of torchvision's reference commands,
// every way a local recipe (or a run's override) differs from torchvision's is recorded with a reason, and the
// resolved recipe a run stores is plain JSON with every field explicit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARCHITECTURES } from '../../native-workers/core/architectures/index.ts';
import { explicitRecipe, resolveHyperparams } from '../../native-workers/core/training/hyperparams.ts';

test("the paper recipes carry the reference commands' flags (spot checks per family)", () => {
  const r = (arch: string) => explicitRecipe(ARCHITECTURES.find((a) => a.arch === arch)!.recipe);
  assert.deepEqual(
    [r('alexnet').lr, r('alexnet').lrUpdate, r('alexnet').cropScale, r('alexnet').raReps, r('alexnet').ema],
    [0.01, 'epoch', [0.08, 1], 0, null],
  );
  const mnv3 = r('mobilenet_v3_large');
  assert.deepEqual(
    [mnv3.autoAugment, mnv3.randomErase, mnv3.rmspropEps, mnv3.rmspropAlpha, mnv3.batchSize],
    ['imagenet', 0.2, 0.0316, 0.9, 1024],
  );
  const eff = r('efficientnet_v2_s');
  assert.deepEqual(
    [
      eff.autoAugment,
      eff.mixupAlpha,
      eff.cutmixAlpha,
      eff.randomErase,
      eff.raReps,
      eff.normWeightDecay,
      eff.trainCropSize,
      eff.valResizeSize,
      eff.valCropSize,
    ],
    ['ta_wide', 0.2, 1, 0.1, 4, 0, 300, 384, 384],
  );
  assert.deepEqual(eff.ema, { steps: 32, decay: 0.99998 });
  const vit = r('vit_b_16');
  assert.deepEqual(
    [vit.autoAugment, vit.raMagnitude, vit.raReps, vit.amp, vit.clipGradNorm, vit.warmupDecay, vit.randomErase],
    ['ra', 9, 3, true, 1, 0.033, 0],
  );
  const cnx = r('convnext_tiny');
  assert.deepEqual(
    [cnx.trainCropSize, cnx.valResizeSize, cnx.valCropSize, cnx.raReps, cnx.labelSmoothing],
    [176, 232, 224, 4, 0.1],
  );
  for (const a of ARCHITECTURES) assert.equal(r(a.arch).interpolation, 'bilinear', a.arch);
});

test("a paper run differs from torchvision's recipe in nothing; a local run records every difference with a reason", () => {
  for (const a of ARCHITECTURES) {
    assert.deepEqual(resolveHyperparams(a.arch, 'paper', {}).differences, [], a.arch);
    const local = resolveHyperparams(a.arch, 'local', {});
    assert.ok(local.differences.length > 0, a.arch);
    for (const d of local.differences) {
      assert.ok(
        d.why.length > 20,
        `${a.arch}: ${d.field} differs (${JSON.stringify(d.paper)} -> ${JSON.stringify(d.run)}) without a reason`,
      );
      assert.notDeepEqual(d.paper, d.run);
    }
    // Every field the local recipe gives a reason for really differs (no stale reasons).
    const differing = new Set(local.differences.map((d) => d.field));
    for (const field of Object.keys(a.local.why)) {
      assert.ok(
        differing.has(field as never) || explicitRecipe(a.recipe)[field as keyof typeof a.recipe] === undefined,
        `${a.arch}: reason for ${field}, which does not differ`,
      );
    }
  }
});

test('overrides are applied to the recipe and recorded as differences; the resolved recipe is plain JSON', () => {
  const hp = resolveHyperparams('resnet152', 'local', { epochs: 3, batch: 16, lr: 0.02, seed: 4 });
  assert.deepEqual(
    [hp.recipe.epochs, hp.recipe.batchSize, hp.recipe.lr, hp.epochs, hp.batch, hp.lr, hp.seed],
    [3, 16, 0.02, 3, 16, 0.02, 4],
  );
  const why = Object.fromEntries(hp.differences.map((d) => [d.field, d.why]));
  assert.match(why.epochs, /--epochs 3/);
  assert.match(why.batchSize, /--batch 16/);
  assert.match(why.lr, /--lr 0.02/);
  assert.deepEqual(JSON.parse(JSON.stringify(hp)), hp);
  for (const [k, v] of Object.entries(hp.recipe)) assert.notEqual(v, undefined, `recipe.${k} is explicit`);
  // A paper run with an override records that one difference only.
  const paper = resolveHyperparams('convnext_tiny', 'paper', { epochs: 2 });
  assert.deepEqual(
    paper.differences.map((d) => d.field),
    ['epochs'],
  );
  // train.py's EMA decay adjustment, from the run's batch and epochs.
  assert.ok(
    paper.ema && Math.abs(paper.ema.decayPerUpdate - (1 - Math.min(1, (1 - 0.99998) * ((1024 * 32) / 2)))) < 1e-12,
  );
  // Separate evaluation size where the recipe has one (ConvNeXt trains at 176 and evaluates 232 -> 224).
  assert.deepEqual([paper.inputSize, paper.evalResize, paper.evalSize], [176, 232, 224]);
});
