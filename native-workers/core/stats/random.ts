// Seeded randomness shared by class selection, training and weight initialisation: one Fisher–Yates shuffle and one
// murmur3 mixing step, so every seeded order and hash in the app is computed the same way.

/** Shuffles `items` in place in Fisher–Yates order driven by `rand` (floats in [0, 1)); returns `items`. */
export function shuffleInPlace<T>(items: T[], rand: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}

/** The multiply-xorshift rounds of murmur3's 32-bit finaliser (fmix32 without its first xorshift), as uint32. */
export function murmurMix(h: number): number {
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** murmur3's 32-bit finaliser. */
export function fmix32(h: number): number {
  return murmurMix(h ^ (h >>> 16));
}
