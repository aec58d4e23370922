// UTF-8 decoding that replaces invalid sequences with U+FFFD (never rejects) and counts how many it replaced, so a
// reader can report "N invalid UTF-8 sequences replaced" instead of silently changing text.

const REPLACEMENT = 0xfffd;

/** Counts U+FFFD in `text` (as UTF-16 code units). */
function countReplacementChars(text: string): number {
  let n = 0;
  let i = text.indexOf('\ufffd');
  while (i !== -1) {
    n++;
    i = text.indexOf('\ufffd', i + 1);
  }
  return n;
}

/** Counts the bytes EF BF BD (a legitimately encoded U+FFFD) in `bytes`. */
function countEncodedReplacementChars(bytes: Uint8Array): number {
  let n = 0;
  for (let i = bytes.indexOf(0xef); i !== -1 && i + 2 < bytes.length; i = bytes.indexOf(0xef, i + 1)) {
    if (bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd) n++;
  }
  return n;
}

/** Decodes one complete UTF-8 value; `counter.replaced` grows by the number of invalid sequences replaced. */
export function decodeUtf8Counting(
  bytes: Uint8Array,
  decoder: { decode(bytes: Uint8Array): string },
  counter: { replaced: number },
): string {
  const text = decoder.decode(bytes);
  if (text.indexOf('\ufffd') !== -1) {
    counter.replaced += Math.max(0, countReplacementChars(text) - countEncodedReplacementChars(bytes));
  }
  return text;
}

/**
 * A streaming decoder for chunks of one long UTF-8 text (a CSV/JSONL file). Sequences split across chunks are kept
 * whole (TextDecoder stream mode). A legitimately encoded U+FFFD split across two chunks could be miscounted as one
 * replacement; that is the only approximation.
 */
export class CountingUtf8StreamDecoder {
  private readonly decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });
  replaced = 0;

  write(chunk: Uint8Array): string {
    const text = this.decoder.decode(chunk, { stream: true });
    if (text.indexOf('\ufffd') !== -1) {
      this.replaced += Math.max(0, countReplacementChars(text) - countEncodedReplacementChars(chunk));
    }
    return text;
  }

  end(): string {
    const text = this.decoder.decode();
    if (text.length && text.charCodeAt(text.length - 1) === REPLACEMENT) this.replaced += countReplacementChars(text);
    return text;
  }
}
