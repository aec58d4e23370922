// What a new match run would change in a workspace: classes (synsets with candidates) gained and lost, and the
// candidates of each class before and after. Shown before the run replaces the workspace's candidates.

export interface ClassChange {
  wnid: string;
  name: string;
  before: number;
  after: number;
}

export interface RematchDiff {
  before: { matched: number; ambiguous: number; classes: number };
  after: { matched: number; ambiguous: number; classes: number };
  /** Classes with candidates after but none before, and the other way round. */
  gained: number;
  lost: number;
  /** Classes whose candidate count changes (gained and lost included). */
  changed: number;
  /** The largest changes first (by |after - before|, then by wnid), at most `limit`. */
  classes: ClassChange[];
}

export function rematchDiff(
  before: { matched: number; ambiguous: number; perClass: ReadonlyMap<string, { name: string; candidates: number }> },
  after: { matched: number; ambiguous: number; perClass: ReadonlyMap<string, { name: string; candidates: number }> },
  limit: number,
): RematchDiff {
  const changes: ClassChange[] = [];
  let gained = 0;
  let lost = 0;
  for (const [wnid, a] of after.perClass) {
    const b = before.perClass.get(wnid)?.candidates ?? 0;
    if (b === 0 && a.candidates > 0) gained++;
    if (b !== a.candidates) changes.push({ wnid, name: a.name, before: b, after: a.candidates });
  }
  for (const [wnid, b] of before.perClass) {
    if (after.perClass.has(wnid) || b.candidates === 0) continue;
    lost++;
    changes.push({ wnid, name: b.name, before: b.candidates, after: 0 });
  }
  changes.sort((x, y) => Math.abs(y.after - y.before) - Math.abs(x.after - x.before) || (x.wnid < y.wnid ? -1 : 1));
  const classes = (m: ReadonlyMap<string, { candidates: number }>) =>
    [...m.values()].filter((c) => c.candidates > 0).length;
  return {
    before: { matched: before.matched, ambiguous: before.ambiguous, classes: classes(before.perClass) },
    after: { matched: after.matched, ambiguous: after.ambiguous, classes: classes(after.perClass) },
    gained,
    lost,
    changed: changes.length,
    classes: changes.slice(0, limit),
  };
}
