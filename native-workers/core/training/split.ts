// The validation part of train used for early stopping: a seeded fraction of each class (at least one image of every
// class with two or more), so the test split is never looked at before the final evaluation.
import { rngFor } from './random.ts';
import { shuffleInPlace } from '../stats/random.ts';

export function validationSplit(
  labels: readonly number[],
  fraction: number,
  seed: number,
): { train: number[]; val: number[] } {
  const byClass = new Map<number, number[]>();
  labels.forEach((l, i) => {
    const list = byClass.get(l) ?? [];
    list.push(i);
    byClass.set(l, list);
  });
  const train: number[] = [];
  const val: number[] = [];
  for (const [label, idx] of [...byClass.entries()].sort((a, b) => a[0] - b[0])) {
    const shuffled = shuffleInPlace([...idx], rngFor(seed, label, 0x7a1));
    const k = fraction <= 0 || shuffled.length < 2 ? 0 : Math.max(1, Math.round(shuffled.length * fraction));
    val.push(...shuffled.slice(0, k));
    train.push(...shuffled.slice(k));
  }
  return { train: train.sort((a, b) => a - b), val: val.sort((a, b) => a - b) };
}
