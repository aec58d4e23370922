// Default keep-thresholds per encoder kind (keep strictly above). CLIP ViT-B/32 text and MPNet are LAIONet's values;
// GloVe's was measured on hand-labelled LAION captions (docs/glove-threshold.md).

export type EncoderKind = 'glove' | 'clip' | 'sentence';

export const GLOVE_ENCODER = 'glove';

export const DEFAULT_THRESHOLDS: Record<EncoderKind, number> = {
  clip: 0.82,
  sentence: 0.58,
  glove: 0.74,
};

export function defaultThreshold(kind: EncoderKind): number {
  return DEFAULT_THRESHOLDS[kind];
}
