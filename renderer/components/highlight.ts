// Where a caption's matched lemmas are, for highlighting: LAIONet matched `' ' + lemma + ' '` in the caption with ASCII
// punctuation turned into spaces and one space padded on each side, so the same search on the same normalised text
// finds them again (one character for one character, so positions carry over to the caption as shown). Lemmas
// matched with ignoreCase are stored lowercased: when the exact search finds nothing, it is repeated without case.

const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/g;

/** [start, end) ranges in `caption` covering each occurrence of a lemma, sorted and merged. */
export function lemmaRanges(caption: string, lemmas: readonly string[]): [number, number][] {
  const padded = ` ${caption.replace(ASCII_PUNCTUATION, ' ')} `;
  let found: [number, number][] = [];
  for (const caseless of [false, true]) {
    const hay = caseless ? padded.toLowerCase() : padded;
    if (hay.length !== padded.length) break;
    for (const lemma of lemmas) {
      if (!lemma) continue;
      const needle = ` ${caseless ? lemma.toLowerCase() : lemma} `;
      for (let at = hay.indexOf(needle); at >= 0; at = hay.indexOf(needle, at + 1)) found.push([at, at + lemma.length]);
    }
    if (found.length) break;
  }
  found = found.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const r of found) {
    const last = merged.at(-1);
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/** The caption cut into plain and highlighted parts. */
export function captionParts(caption: string, lemmas: readonly string[]): { text: string; match: boolean }[] {
  const parts: { text: string; match: boolean }[] = [];
  let at = 0;
  for (const [start, end] of lemmaRanges(caption, lemmas)) {
    if (start > at) parts.push({ text: caption.slice(at, start), match: false });
    parts.push({ text: caption.slice(start, end), match: true });
    at = end;
  }
  if (at < caption.length || !parts.length) parts.push({ text: caption.slice(at), match: false });
  return parts;
}
