// The curation slider's index on the wire (`curation.sliderIndex`) and the counting a screen does with it: every
// class's ascending similarities in the class list's order plus the manual decisions' effects, so a slider move is
// counted in the page, with no request per move. The counting is core's own (ClassSimilarityIndex, DecisionAdjustments),
// the code `curation.counts` runs on the server, on the same float64 numbers: the page's counts are the server's.
import { z } from 'zod';
import { ClassSimilarityIndex } from '../../core/similarity/threshold-index.ts';
import { DecisionAdjustments, type DecisionEffectRow } from '../../core/similarity/decision-adjustments.ts';
import { Packed, packFloat64, packInt32, unpackFloat64, unpackInt32 } from './packed.ts';

export const SliderIndexSchema = z.object({
  /** The `curation.classes` version whose class order this follows. */
  version: z.string(),
  /** False while a running job keeps changing the inputs: count on the server then. */
  current: z.boolean(),
  /** Eligible candidates per class, in the class list's order; null when the request's `have` is this version or
   * the index is not current. */
  sizes: Packed('int32 class sizes').nullable(),
  /** Every class's ascending similarities, one class after another; null with `sizes`. */
  similarities: Packed('float64 similarities').nullable(),
  /** One entry per manual decision: its class's position, its similarity (NaN: none), its effect (constant, step). */
  decisions: z.object({
    positions: Packed('int32 class positions'),
    similarities: Packed('float64 similarities'),
    effects: Packed('int32 pairs'),
  }),
});
export type SliderIndexWire = z.output<typeof SliderIndexSchema>;

/** The server's ordered index (store/slider-index.ts) in its wire form. */
export function packSliderIndex(o: {
  version: string;
  current: boolean;
  sizes: Int32Array | null;
  similarities: Float64Array | null;
  decisions: readonly DecisionEffectRow[];
}): SliderIndexWire {
  const d = o.decisions;
  const effects = new Int32Array(d.length * 2);
  d.forEach((r, i) => {
    effects[2 * i] = r.constant;
    effects[2 * i + 1] = r.step;
  });
  return {
    version: o.version,
    current: o.current,
    sizes: o.sizes && packInt32(o.sizes),
    similarities: o.similarities && packFloat64(o.similarities),
    decisions: {
      positions: packInt32(d.map((r) => r.k)),
      similarities: packFloat64(d.map((r) => r.textSimilarity ?? Number.NaN)),
      effects: packInt32(effects),
    },
  };
}

function decisionAdjustments(wire: SliderIndexWire['decisions'], classes: number): DecisionAdjustments {
  const positions = unpackInt32(wire.positions);
  const similarities = unpackFloat64(wire.similarities);
  const effects = unpackInt32(wire.effects);
  if (similarities.length !== positions.length || effects.length !== 2 * positions.length)
    throw new Error('slider index: decision arrays of different lengths');
  const rows: DecisionEffectRow[] = Array.from(positions, (k, i) => {
    if (k < 0 || k >= classes) throw new Error(`slider index: decision for class position ${k} of ${classes}`);
    const s = similarities[i];
    return { k, textSimilarity: Number.isNaN(s) ? null : s, constant: effects[2 * i], step: effects[2 * i + 1] };
  });
  return new DecisionAdjustments(rows);
}

/** Kept counts of every class at any threshold, in the class list's order, from the wire form. */
export class SliderCounter {
  private readonly index: ClassSimilarityIndex;
  private adjustments: DecisionAdjustments;

  /** wnids: the class list of the same version, in its order (the wire's sizes follow it). */
  constructor(wnids: readonly string[], wire: SliderIndexWire) {
    if (wire.sizes == null || wire.similarities == null) throw new Error('slider index: no similarities in this reply');
    const sizes = unpackInt32(wire.sizes);
    const similarities = unpackFloat64(wire.similarities);
    if (sizes.length !== wnids.length)
      throw new Error(`slider index: ${sizes.length} class sizes for a list of ${wnids.length} classes`);
    if (sizes.reduce((a, b) => a + b, 0) !== similarities.length)
      throw new Error('slider index: class sizes do not add up to the similarities');
    this.index = new ClassSimilarityIndex({ wnids, sizes, similarities });
    this.adjustments = decisionAdjustments(wire.decisions, wnids.length);
  }

  /** Take newer decisions (a reply to a request with `have`). */
  setDecisions(wire: SliderIndexWire['decisions']): void {
    this.adjustments = decisionAdjustments(wire, this.index.wnids.length);
  }

  get classes(): number {
    return this.index.wnids.length;
  }

  count(threshold: number): Int32Array {
    return this.adjustments.apply(this.index.keptCounts(threshold), threshold);
  }
}
