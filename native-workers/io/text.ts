// Captions as UTF-8: invalid byte sequences are replaced with U+FFFD and counted (never a reason to reject a sample).
import { decodeUtf8Counting } from './tables/utf8.ts';

const lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

/** Decode caption bytes (a `.txt` sidecar); `replaced` = invalid sequences replaced by U+FFFD. */
export function decodeCaption(bytes: Uint8Array): { text: string; replaced: number } {
  const counter = { replaced: 0 };
  const text = decodeUtf8Counting(bytes, lenient, counter);
  return { text: text.trim(), replaced: counter.replaced };
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATE_ALL = new RegExp(LONE_SURROGATE.source, 'g');

/** A string made storable as UTF-8: lone surrogates (from JSON `\ud800` escapes) become U+FFFD and are counted. */
export function wellFormed(s: string): { text: string; replaced: number } {
  if (!LONE_SURROGATE.test(s)) return { text: s, replaced: 0 };
  let replaced = 0;
  const text = s.replace(LONE_SURROGATE_ALL, () => (replaced++, '\ufffd'));
  return { text, replaced };
}

/** Terminal control characters (C0, DEL, C1) and bidirectional overrides: a name holding them could rewrite the screen. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this pattern's purpose
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Text safe to print on a terminal: control characters shown as escapes (`\n`, `\x1b`, `\u202e`), nothing else changed. */
export function printable(s: string): string {
  return s.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
