// Manual decisions on top of the per-class threshold index: each decided candidate shifts its class's kept count by
// `constant + (similarity > T ? step : 0)` (core/selection/kept.ts decisionEffect). Per class, the constants are
// summed and the similarities with a +1 or -1 step kept sorted, so applying every decision at a new threshold is a
// few binary searches per decided class, however many decisions there are.
import { upperBound } from './threshold-index.ts';

export interface DecisionEffectRow {
  /** Class position in the index. */
  k: number;
  textSimilarity: number | null;
  constant: number;
  step: number;
}

interface ClassEffects {
  constant: number;
  up: Float64Array;
  down: Float64Array;
}

export class DecisionAdjustments {
  private readonly byClass = new Map<number, ClassEffects>();
  /** Decided candidates per class position. */
  readonly decided = new Map<number, number>();

  constructor(rows: readonly DecisionEffectRow[]) {
    const acc = new Map<number, { constant: number; up: number[]; down: number[] }>();
    for (const r of rows) {
      this.decided.set(r.k, (this.decided.get(r.k) ?? 0) + 1);
      let a = acc.get(r.k);
      if (!a) acc.set(r.k, (a = { constant: 0, up: [], down: [] }));
      a.constant += r.constant;
      if (r.step > 0 && r.textSimilarity != null) a.up.push(r.textSimilarity);
      else if (r.step < 0 && r.textSimilarity != null) a.down.push(r.textSimilarity);
    }
    for (const [k, a] of acc) {
      this.byClass.set(k, {
        constant: a.constant,
        up: Float64Array.from(a.up).sort(),
        down: Float64Array.from(a.down).sort(),
      });
    }
  }

  /** The change to class k's kept count at threshold T. */
  delta(k: number, threshold: number): number {
    const e = this.byClass.get(k);
    if (!e) return 0;
    return e.constant + (e.up.length - upperBound(e.up, threshold)) - (e.down.length - upperBound(e.down, threshold));
  }

  /** Add every class's change to counts taken without decisions (in place). */
  apply(kept: Int32Array, threshold: number): Int32Array {
    for (const k of this.byClass.keys()) kept[k] += this.delta(k, threshold);
    return kept;
  }
}
