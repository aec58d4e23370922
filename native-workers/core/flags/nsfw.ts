// NSFW rules. The metadata rule follows LAION-5B's `NSFW` column (values UNLIKELY, UNSURE, NSFW): a sample is flagged
// when the column holds a value that is not allowed (default: only UNLIKELY). A sample without the column (null or
// empty) is not flagged — the rule cannot say anything about it. The classifier rule turns nsfwjs's five-class
// output into one score.

export const DEFAULT_NSFW_META_ALLOWED = ['UNLIKELY'] as const;

/** Normalised form used for comparing metadata values (LAION writes upper case; other dumps vary). */
export function normaliseNsfwValue(value: string): string {
  return value.trim().toUpperCase();
}

/** null when the sample has no NSFW metadata; otherwise whether the value is outside the allowed set. */
export function nsfwMetaFlag(value: string | null | undefined, allowed: readonly string[]): boolean | null {
  if (value == null || value.trim() === '') return null;
  const ok = new Set(allowed.map(normaliseNsfwValue));
  return !ok.has(normaliseNsfwValue(value));
}

/**
 * nsfwjs classes counted as unsafe. 'Sexy' is left out by default: on real COCO photos it fires on ordinary sports
 * pictures (a women's soccer match scored P(Sexy) = 0.69), while Porn + Hentai stayed below 0.07 on the same photos.
 * `withSexy` counts it too, for a stricter rule.
 */
export const NSFW_UNSAFE_CLASSES = ['Porn', 'Hentai'] as const;
export const NSFW_UNSAFE_CLASSES_STRICT = ['Porn', 'Hentai', 'Sexy'] as const;
export const DEFAULT_NSFW_CLASSIFIER_THRESHOLD = 0.5;

export interface ClassProbability {
  className: string;
  probability: number;
}

/** Probability mass on the unsafe classes, clamped to [0, 1]. */
export function nsfwScore(
  predictions: readonly ClassProbability[],
  unsafe: readonly string[] = NSFW_UNSAFE_CLASSES,
): number {
  let s = 0;
  for (const p of predictions) if (unsafe.includes(p.className)) s += p.probability;
  return Math.min(1, Math.max(0, s));
}
