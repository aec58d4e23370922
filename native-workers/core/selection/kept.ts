// Whether one candidate (a sample matched to exactly one class) is kept. Manual decisions win: 'accept' keeps a
// candidate even below the threshold or flagged (a person looked at it); 'reject' drops it. Without a decision it is
// kept when its text similarity is strictly above the threshold, no excluding flag is set and it has an image.

export type Decision = 'accept' | 'reject';

export interface CandidateFacts {
  textSimilarity: number | null;
  /** An excluding flag is set (nsfw_meta, nsfw_classifier, ocr — whichever the selection excludes). */
  flagged: boolean;
  hasImage: boolean;
  decision: Decision | null;
}

export type KeptReason =
  | 'accepted'
  | 'rejected'
  | 'no-image'
  | 'flagged'
  | 'below-threshold'
  | 'no-similarity'
  | 'kept';

export function keptReason(c: CandidateFacts, threshold: number): KeptReason {
  if (!c.hasImage) return 'no-image';
  if (c.decision === 'reject') return 'rejected';
  if (c.decision === 'accept') return 'accepted';
  if (c.flagged) return 'flagged';
  if (c.textSimilarity == null) return 'no-similarity';
  if (!(c.textSimilarity > threshold)) return 'below-threshold';
  return 'kept';
}

export function isKept(c: CandidateFacts, threshold: number): boolean {
  const r = keptReason(c, threshold);
  return r === 'kept' || r === 'accepted';
}

/**
 * How a manual decision changes "kept" against the same candidate undecided, as a function of the threshold T, read
 * off the rule itself (which depends on T only through `textSimilarity > T`): `constant + (similarity > T ? step : 0)`.
 */
export function decisionEffect(c: CandidateFacts): { constant: number; step: number } {
  const diff = (t: number) => Number(isKept(c, t)) - Number(isKept({ ...c, decision: null }, t));
  if (c.textSimilarity == null) return { constant: diff(0), step: 0 };
  const constant = diff(c.textSimilarity);
  return { constant, step: diff(-Infinity) - constant };
}
