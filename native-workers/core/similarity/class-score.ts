// A class's score for ranking: the mean image–caption similarity of its kept images (LAIONet/ImageNot ranking).

export interface ClassScore {
  score: number;
  images: number;
}

/** Mean similarity per class from (wnid, similarity) rows of kept, scored images. */
export function meanScoreByClass(rows: Iterable<{ wnid: string; similarity: number }>): Map<string, ClassScore> {
  const sums = new Map<string, { sum: number; n: number }>();
  for (const r of rows) {
    const s = sums.get(r.wnid) ?? { sum: 0, n: 0 };
    s.sum += r.similarity;
    s.n++;
    sums.set(r.wnid, s);
  }
  const out = new Map<string, ClassScore>();
  for (const [wnid, s] of sums) out.set(wnid, { score: s.sum / s.n, images: s.n });
  return out;
}
