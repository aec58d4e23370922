// How clean the dataset the pipeline built is, measured against the demo's ground truth: of the candidates at each
// stage (matched, kept by the text filter, selected), how many show the class they were assigned to. Also split by
// caption kind, so the text filter's effect on other-sense captions is visible.

export interface CandidateAtStages {
  /** The class matching assigned. */
  wnid: string;
  /** The class the image really shows (from the ground truth). */
  trueWnid: string;
  captionKind: string;
  kept: boolean;
  selected: boolean;
}

export interface Tally {
  n: number;
  correct: number;
}

export interface LabelQuality {
  matched: Tally;
  kept: Tally;
  selected: Tally;
  /** Per caption kind: candidates and how many the text filter kept. */
  byKind: Record<string, { matched: number; kept: number }>;
}

export function labelQuality(items: Iterable<CandidateAtStages>): LabelQuality {
  const q: LabelQuality = {
    matched: { n: 0, correct: 0 },
    kept: { n: 0, correct: 0 },
    selected: { n: 0, correct: 0 },
    byKind: {},
  };
  for (const c of items) {
    const ok = c.wnid === c.trueWnid ? 1 : 0;
    q.matched.n++;
    q.matched.correct += ok;
    if (c.kept) {
      q.kept.n++;
      q.kept.correct += ok;
    }
    if (c.selected) {
      q.selected.n++;
      q.selected.correct += ok;
    }
    const k = (q.byKind[c.captionKind] ??= { matched: 0, kept: 0 });
    k.matched++;
    if (c.kept) k.kept++;
  }
  return q;
}
