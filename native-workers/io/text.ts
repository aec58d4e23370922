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
