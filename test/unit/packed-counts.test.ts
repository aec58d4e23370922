// The slider's packed kept counts (api/channels/curation.ts): what the server packs (with Node's Buffer) and what a
// page packs (btoa, no Buffer) read back to the same counts, little-endian whatever the machine, and the schema
// refuses what is not base64.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PackedCounts, packCounts, unpackCounts } from '../../native-workers/api/channels/curation.ts';

const counts = [0, 1, 255, 256, 65_535, 1_000_000, 2_147_483_647, -1, 7, 123_456];

function withoutBuffer<T>(f: () => T): T {
  const g = globalThis as { Buffer?: unknown };
  const saved = g.Buffer;
  g.Buffer = undefined;
  try {
    return f();
  } finally {
    g.Buffer = saved;
  }
}

test('packed counts read back the same, packed by Node or by a page', () => {
  const node = packCounts(counts);
  const page = withoutBuffer(() => packCounts(counts));
  assert.equal(node, page);
  assert.deepEqual(Array.from(unpackCounts(node)), counts);
  assert.deepEqual(Array.from(withoutBuffer(() => unpackCounts(node))), counts);
  // Little-endian: 256 is the bytes 00 01 00 00.
  assert.deepEqual([...Buffer.from(packCounts([256]), 'base64')], [0, 1, 0, 0]);
  assert.equal(packCounts([]), '');
  assert.deepEqual(Array.from(unpackCounts('')), []);
  const many = Array.from({ length: 40_000 }, (_, i) => (i * 7919) % 100_003);
  assert.deepEqual(Array.from(unpackCounts(packCounts(many))), many);
});

test('the schema refuses what is not packed counts; a length that is not whole int32s is an error', () => {
  assert.equal(PackedCounts.safeParse(packCounts(counts)).success, true);
  assert.equal(PackedCounts.safeParse('not base64!').success, false);
  assert.throws(() => unpackCounts(Buffer.from([1, 2, 3]).toString('base64')), /not whole int32s/);
});
