// Packed numeric arrays (api/channels/packed.ts): what the server packs (with Node's Buffer) and what a page packs
// (btoa, no Buffer) read back to the same values, little-endian whatever the machine, float64s bit for bit; a page
// that has Uint8Array.fromBase64 reads them the same; the schema refuses what is not base64.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Packed,
  packFloat64,
  packInt32,
  unpackFloat64,
  unpackInt32,
} from '../../native-workers/api/channels/packed.ts';
import { PackedCounts } from '../../native-workers/api/channels/curation.ts';

const counts = [0, 1, 255, 256, 65_535, 1_000_000, 2_147_483_647, -1, 7, 123_456];
const similarities = [0.82, -0.1, 1e-300, 0.1 + 0.2, Number.NaN, 0.5000000000000001, -0, 1];

function withGlobal<T>(name: string, owner: object, value: unknown, f: () => T): T {
  const o = owner as Record<string, unknown>;
  const had = Object.hasOwn(o, name);
  const saved = o[name];
  o[name] = value;
  try {
    return f();
  } finally {
    if (had) o[name] = saved;
    else delete o[name];
  }
}
const withoutBuffer = <T>(f: () => T) => withGlobal('Buffer', globalThis, undefined, f);
/** A page with the newer base64 decoder (Chromium 140+, Electron 45). */
const withFromBase64 = <T>(f: () => T) =>
  withGlobal('fromBase64', Uint8Array, (s: string) => new Uint8Array(Buffer.from(s, 'base64')), f);

test('packed int32s read back the same, packed by Node or by a page, read with atob or fromBase64', () => {
  const node = packInt32(counts);
  assert.equal(
    withoutBuffer(() => packInt32(counts)),
    node,
  );
  assert.deepEqual(Array.from(unpackInt32(node)), counts);
  assert.deepEqual(Array.from(withoutBuffer(() => unpackInt32(node))), counts);
  assert.deepEqual(Array.from(withFromBase64(() => unpackInt32(node))), counts);
  // Little-endian: 256 is the bytes 00 01 00 00.
  assert.deepEqual([...Buffer.from(packInt32([256]), 'base64')], [0, 1, 0, 0]);
  assert.equal(packInt32([]), '');
  assert.deepEqual(Array.from(unpackInt32('')), []);
  const many = Array.from({ length: 40_000 }, (_, i) => (i * 7919) % 100_003);
  assert.deepEqual(Array.from(unpackInt32(packInt32(many))), many);
  // A subarray packs only its own elements.
  assert.deepEqual(Array.from(unpackInt32(packInt32(Int32Array.from(counts).subarray(2, 5)))), counts.slice(2, 5));
});

test('packed float64s read back bit for bit, NaN and -0 included', () => {
  const node = packFloat64(similarities);
  assert.equal(
    withoutBuffer(() => packFloat64(similarities)),
    node,
  );
  for (const back of [
    unpackFloat64(node),
    withoutBuffer(() => unpackFloat64(node)),
    withFromBase64(() => unpackFloat64(node)),
  ])
    assert.deepEqual([...new Uint8Array(back.buffer)], [...new Uint8Array(Float64Array.from(similarities).buffer)]);
  // Little-endian: 1.0 is 00 00 00 00 00 00 f0 3f.
  assert.deepEqual([...Buffer.from(packFloat64([1]), 'base64')], [0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
});

test('the schema refuses what is not packed; a length that is not whole elements is an error', () => {
  assert.equal(PackedCounts.safeParse(packInt32(counts)).success, true);
  assert.equal(PackedCounts.safeParse('not base64!').success, false);
  assert.equal(Packed('float64s').safeParse(packFloat64(similarities)).success, true);
  assert.throws(() => unpackInt32(Buffer.from([1, 2, 3]).toString('base64')), /not whole int32s/);
  assert.throws(() => unpackFloat64(packInt32([1])), /not whole float64s/);
});
