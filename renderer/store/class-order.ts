// The class list's orders. Orders by counts use the counts at the moment they are taken, so the list stays put while
// the slider moves; the backend's order (most candidates, then wnid) breaks ties, so an order never depends on the
// one before it.
import type { ClassCount } from '../api/types.ts';

export type ClassOrder = 'candidates' | 'kept' | 'share' | 'name' | 'unreviewed';

/** Class wnids in an order. */
export function orderClasses(classes: readonly ClassCount[], order: ClassOrder): string[] {
  const list = [...classes];
  const share = (c: ClassCount) => (c.candidates ? c.kept / c.candidates : 0);
  const by: Record<ClassOrder, (a: ClassCount, b: ClassCount) => number> = {
    candidates: () => 0,
    kept: (a, b) => b.kept - a.kept,
    share: (a, b) => share(b) - share(a),
    name: (a, b) => a.name.localeCompare(b.name),
    unreviewed: (a, b) => b.candidates - b.decided - (a.candidates - a.decided),
  };
  const rank = new Map(classes.map((c, i) => [c.wnid, i]));
  return list.sort((a, b) => by[order](a, b) || rank.get(a.wnid)! - rank.get(b.wnid)!).map((c) => c.wnid);
}
