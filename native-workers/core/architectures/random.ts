// The seeds of a model's weight initializers: one build seed expands into a deterministic sequence, one seed per
// initializer, so a seeded build gives the same weights every time.

/** A deterministic sequence of 32-bit seeds (a splitmix-style step: add the golden-ratio constant, then mix). */
export class SeedSequence {
  private state: number;
  /** Unseeded: starts from Math.random(). */
  constructor(seed: number | undefined) {
    this.state = (seed ?? Math.floor(Math.random() * 2 ** 31)) >>> 0;
  }
  next(): number {
    let z = (this.state + 0x9e3779b9) >>> 0;
    this.state = z;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }
}
