// Resumable seeded randomness: everything random in a run is a pure function of (seed, epoch, index), so the state to
// checkpoint is just the seed and the epoch.
import { mulberry32 } from '../stats/bootstrap.ts';

/** A 32-bit hash of a few integers (murmur3 finaliser over a running mix). */
export function hashInts(...xs: number[]): number {
  let h = 0x9e3779b9;
  for (const x of xs) {
    h = Math.imul(h ^ (x >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

export function rngFor(...xs: number[]): () => number {
  return mulberry32(hashInts(...xs));
}

/** Fisher-Yates permutation of 0..n-1 for (seed, epoch). */
export function epochPermutation(n: number, seed: number, epoch: number): number[] {
  const rand = rngFor(seed, epoch, 0x5eed);
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}
