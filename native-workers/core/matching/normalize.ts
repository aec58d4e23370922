// LAIONet caption normalisation, the definition every matcher must agree with: each ASCII punctuation character
// (Python's string.punctuation) becomes a space and the caption is padded with one space on each side.

export const ASCII_PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/** SEPARATOR[c] = 1 when ASCII code c is a space or ASCII punctuation (both act as a space after normalisation). */
export const SEPARATOR = (() => {
  const t = new Uint8Array(128);
  t[32] = 1;
  for (const ch of ASCII_PUNCTUATION) t[ch.charCodeAt(0)] = 1;
  return t;
})();

const PUNCTUATION_RE = /[!-/:-@[-`{-~]/g;

/** ' ' + caption with ASCII punctuation replaced by spaces + ' '. */
export function normalizeCaption(caption: string): string {
  return ' ' + caption.replace(PUNCTUATION_RE, ' ') + ' ';
}

/** A lemma as matched: WordNet word with '_' -> ' ', case kept. */
export function lemmaOf(word: string): string {
  return word.replace(/_/g, ' ');
}

/** True when the lemma contains ASCII punctuation: it can never occur in a normalised caption. */
export function isUnmatchableLemma(lemma: string): boolean {
  PUNCTUATION_RE.lastIndex = 0;
  const r = PUNCTUATION_RE.test(lemma);
  PUNCTUATION_RE.lastIndex = 0;
  return r;
}

/** Per-UTF-16-unit lowercase mapping used by ignore-case matching (units whose lowercase is not one unit stay). */
export function lowerCaseUnit(c: number): number {
  const l = String.fromCharCode(c).toLowerCase();
  return l.length === 1 ? l.charCodeAt(0) : c;
}

/** The text ignore-case matching compares: every UTF-16 unit mapped by lowerCaseUnit. */
export function lowerCaseUnits(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += String.fromCharCode(lowerCaseUnit(s.charCodeAt(i)));
  return out;
}
