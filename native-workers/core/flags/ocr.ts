// LAIONet's extra measure: an image whose own pixels spell the class name (a sign, a logo, a product box, a caption
// burned into the picture) is probably matched because of that text, not because it shows the thing. Comparison is
// case-insensitive (OCR output case is unreliable) on text where every non-letter/digit is a space.

function normaliseForSearch(text: string): string {
  return (
    ' ' +
    text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim() +
    ' '
  );
}

/**
 * Names shorter than this (letters and digits) are not searched: OCR of ordinary photos yields many one- and
 * two-letter fragments, so a class like the letter 'A' (lemmas "A", "a") matched 15 of 38 COCO photos.
 */
export const MIN_OCR_NAME_LENGTH = 3;

/** The first of `names` (lemmas with '_' or ' ') found as whole words in `text`, or null. */
export function findClassNameInText(text: string, names: readonly string[]): string | null {
  const hay = normaliseForSearch(text);
  for (const name of names) {
    const needle = normaliseForSearch(name.replace(/_/g, ' '));
    if (needle.replace(/ /g, '').length < MIN_OCR_NAME_LENGTH) continue;
    if (hay.includes(needle)) return name.replace(/_/g, ' ');
  }
  return null;
}
