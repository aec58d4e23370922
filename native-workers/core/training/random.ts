// Resumable seeded randomness: everything random in a run is a pure function of (seed, epoch, index), so the state to
// checkpoint is just the seed and the epoch.
import { mulberry32 } from '../stats/bootstrap.ts';
import { murmurMix, shuffleInPlace } from '../stats/random.ts';

/** A 32-bit hash of a few integers (murmur3 finaliser over a running mix). */
export function hashInts(...xs: number[]): number {
  let h = 0x9e3779b9;
  for (const x of xs) h = murmurMix(h ^ (x >>> 0));
  return h >>> 0;
}

export function rngFor(...xs: number[]): () => number {
  return mulberry32(hashInts(...xs));
}

/** Fisher-Yates permutation of 0..n-1 for (seed, epoch). */
export function epochPermutation(n: number, seed: number, epoch: number): number[] {
  return shuffleInPlace(
    Array.from({ length: n }, (_, i) => i),
    rngFor(seed, epoch, 0x5eed),
  );
}
