// Seed sequences: one seed expands into a deterministic sequence of seeds. A model build takes one per weight
// initializer (a seeded build gives the same weights every time); a training step takes one per random draw of its
// forward pass (layers/random-drop.ts: dropout masks, stochastic depth).
import { fmix32 } from '../stats/random.ts';

/** A deterministic sequence of 32-bit seeds (a splitmix-style step: add the golden-ratio constant, then murmur3's finaliser). */
export class SeedSequence {
  private state: number;
  /** Unseeded: starts from Math.random(). */
  constructor(seed: number | undefined) {
    this.state = (seed ?? Math.floor(Math.random() * 2 ** 31)) >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    return fmix32(this.state);
  }
}
