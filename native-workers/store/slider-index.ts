// The per-class threshold index (threshold-index.ts) as a screen takes it to count on its own: every class's
// ascending similarities one after another in the class list's stable order, and each manual decision's effect with
// its class's position in that list. With it the curation slider recounts in the page, with no request per move;
// the counts are the server's by construction (the same core code runs on the same numbers). A screen that already
// holds the similarities of the current version asks again with `have` and receives only the decisions.
import type { DecisionEffectRow } from '../core/similarity/decision-adjustments.ts';
import { classIndex, decisionRows } from './threshold-index.ts';
import type { Db } from './workspace.ts';

export interface OrderedIndex {
  /** The index's inputs version (that of `curation.classes`, whose order this follows). */
  version: string;
  /** False while a running job keeps changing the inputs (the screen should ask the server instead). */
  current: boolean;
  /** Eligible candidates per class, in the class list's order; null when the caller has this version already, or
   * when the index is not current. */
  sizes: Int32Array | null;
  /** Every class's ascending similarities, classes in the same order; null with `sizes`. */
  similarities: Float64Array | null;
  /** Decision effects, `k` being the class's position in the class list. */
  decisions: DecisionEffectRow[];
}

export function orderedIndex(db: Db, encoder: string, have?: string): OrderedIndex {
  const e = classIndex(db, encoder);
  const position = new Int32Array(e.order.length);
  e.order.forEach((k, i) => (position[k] = i));
  const decisions = decisionRows(db, encoder, e).map((r) => ({ ...r, k: position[r.k] }));
  const base = { version: e.version, current: e.current, decisions };
  // A screen counts only from a current index: while a job changes the inputs it asks the server, so the similarities
  // of a stale one would be sent for nothing.
  if (have === e.version || !e.current) return { ...base, sizes: null, similarities: null };
  const sizes = new Int32Array(e.order.length);
  const similarities = new Float64Array(e.index.size);
  let at = 0;
  e.order.forEach((k, i) => {
    const a = e.index.similarities(e.index.wnids[k]);
    sizes[i] = a.length;
    similarities.set(a, at);
    at += a.length;
  });
  return { ...base, sizes, similarities };
}
