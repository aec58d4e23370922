// Numeric arrays on the wire as one base64 string of little-endian values (int32 or float64).
// A response that carries thousands or millions of numbers is then checked as one string instead of element by element
// (cold, a 4100-number array took 7-10 ms to check, twice per slider move), and travels at 4 or 8 bytes a value
// instead of JSON's decimal text. Packed by the server (Node's Buffer) and read by a page (no Buffer: the browser's
// Uint8Array.fromBase64 where present, else atob).
import { z } from 'zod';

/** A packed array in a schema: base64 (the element type is the channel's to say). */
export const Packed = (what: string) => z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, `base64 of ${what}`);

type NodeBufferLike = {
  from(b: ArrayBuffer, offset: number, length: number): { toString(encoding: 'base64'): string };
};
type Base64Decoder = { fromBase64?: (s: string) => Uint8Array };

// Typed arrays are read and written as their own bytes: every platform Node and Electron ship for is little-endian.
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('packed arrays need a little-endian machine');

const bytesOf = (a: Int32Array | Float64Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function toBase64(bytes: Uint8Array): string {
  // Node's btoa takes 0.4 ms for 4100 counts, its Buffer 0.01 ms; the browser has only btoa.
  const NodeBuffer = (globalThis as { Buffer?: NodeBufferLike }).Buffer;
  if (NodeBuffer)
    return NodeBuffer.from(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

function fromBase64(packed: string): Uint8Array {
  const decode = (Uint8Array as unknown as Base64Decoder).fromBase64;
  if (decode) return decode(packed);
  const bin = atob(packed);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Int32 values to their packed form. */
export function packInt32(values: ArrayLike<number>): string {
  return toBase64(bytesOf(values instanceof Int32Array ? values : Int32Array.from(values)));
}

/** Float64 values to their packed form (exact: a similarity read back compares with a threshold as the server's). */
export function packFloat64(values: ArrayLike<number>): string {
  return toBase64(bytesOf(values instanceof Float64Array ? values : Float64Array.from(values)));
}

function unpack<T extends Int32Array | Float64Array>(
  packed: string,
  Type: { new (b: ArrayBuffer, offset: number, length: number): T; BYTES_PER_ELEMENT: number },
  what: string,
): T {
  const bytes = fromBase64(packed);
  const size = Type.BYTES_PER_ELEMENT;
  if (bytes.length % size) throw new Error(`packed ${what} of ${bytes.length} bytes: not whole ${what}`);
  // Both decoders return a fresh array at offset 0: its buffer is the values', with no copy.
  const own = bytes.byteOffset % size === 0 ? bytes : bytes.slice();
  return new Type(own.buffer as ArrayBuffer, own.byteOffset, own.length / size);
}

/** The packed form back to int32 values. */
export const unpackInt32 = (packed: string): Int32Array => unpack(packed, Int32Array, 'int32s');

/** The packed form back to float64 values. */
export const unpackFloat64 = (packed: string): Float64Array => unpack(packed, Float64Array, 'float64s');
