// A small seeded PRNG (mulberry32) and shuffle: the selection must be identical for the same workspace and seed on
// any machine, so nothing here touches Math.random.
import { mulberry32 } from '../stats/bootstrap.ts';
import { shuffleInPlace } from '../stats/random.ts';

/** 32-bit FNV-1a of a string; mixes a seed with a class id so each class gets its own stream. */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** mulberry32 (the same generator the ranking bootstrap uses): returns a function yielding floats in [0, 1). */
export const seededRandom = mulberry32;

/** A new array in a seeded Fisher–Yates order. */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  return shuffleInPlace(items.slice(), seededRandom(seed));
}

/** The stream of one named part (a class, a split) under a user seed. */
export function subSeed(seed: number, name: string): number {
  return hashString(name, hashString(String(seed)));
}
