// Demo sizes and the per-class train/test the demo asks the selection for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  demoSize,
  splitSizes,
  QUICK_SIZE,
  FULL_SIZE,
  MIN_KEPT_PER_CLASS,
} from '../../native-workers/core/demo/plan.ts';
import { ARCH_NAMES } from '../../native-workers/core/architectures/registry.ts';

test("quick is smaller than the full demo; both train all nine architectures for their local recipes' epochs", () => {
  assert.ok(QUICK_SIZE.imagesPerClass < FULL_SIZE.imagesPerClass);
  assert.equal(demoSize({ quick: true }).epochs, undefined);
  assert.equal(demoSize({}).epochs, undefined);
  assert.deepEqual(demoSize({ quick: true }).archs, [...ARCH_NAMES]);
  assert.deepEqual(demoSize({}).archs, [...ARCH_NAMES]);
});

test('overrides apply and unknown architectures are refused by name', () => {
  const s = demoSize({ quick: true, imagesPerClass: 50, epochs: 2, archs: ['alexnet', 'vit_b_16'] });
  assert.deepEqual([s.imagesPerClass, s.epochs, s.archs], [50, 2, ['alexnet', 'vit_b_16']]);
  assert.throws(() => demoSize({ archs: ['alexnet', 'lenet'] }), /lenet/);
});

test('train/test per class: the smallest usable kept count, split 80/20; too-small classes do not hold the others back', () => {
  assert.deepEqual(splitSizes([100, 250, 80]), { train: 64, test: 16 });
  assert.deepEqual(splitSizes([100, MIN_KEPT_PER_CLASS - 1, 80]), { train: 64, test: 16 });
  assert.equal(splitSizes([3, 5]), null);
  const s = splitSizes([MIN_KEPT_PER_CLASS])!;
  assert.equal(s.train + s.test, MIN_KEPT_PER_CLASS);
});
