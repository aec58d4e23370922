// Tabular row readers (io/tables.ts) on the real LAION sample parquet and on generated csv/tsv/jsonl/gz/parquet files,
// including bad files: truncated parquet, garbage, wrong field counts, invalid JSON, invalid UTF-8, missing columns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteFile } from 'hyparquet-writer';
import { openTable, requireColumn, TableError, type Table } from '../../native-workers/io/tables.ts';
import { sharedDir, tempDir } from '../helpers/workspace.ts';

const laion = join(sharedDir, 'data', 'laion-sample', 'img2dataset-test_10000.parquet');

async function readAll(table: Table, opts: Parameters<Table['rows']>[0] = {}) {
  const rows: (Record<string, unknown> | null)[] = [];
  const starts: number[] = [];
  const errors: string[] = [];
  for await (const b of table.rows(opts)) {
    assert.equal(b.startRow, (opts.startRow ?? 0) + rows.length, 'batches are contiguous');
    starts.push(b.startRow);
    rows.push(...b.rows);
    errors.push(...b.errors.map((e) => e.message));
  }
  return { rows, starts, errors };
}

const captions = ['a dog on a beach', 'Quote "inside", comma', 'tab\there? no', 'multi\nline caption', 'ünïcødé 猫 🐕', ''];

function csvEscape(v: string): string {
  return /[",\n\t]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

test('real LAION parquet: columns without the pandas index, row count, all rows, resume from a row', async () => {
  const t = await openTable(laion);
  assert.deepEqual(t.columns, ['URL', 'TEXT']);
  assert.equal(t.rowCount, 10000);
  const all = await readAll(t, { columns: ['TEXT'], batchSize: 3000 });
  assert.equal(all.rows.length, 10000);
  assert.deepEqual(all.starts, [0, 3000, 6000, 9000]);
  assert.ok(all.rows.every((r) => r && Object.keys(r).length === 1 && (typeof r.TEXT === 'string' || r.TEXT === null)));
  const tail = await readAll(t, { columns: ['URL', 'TEXT'], startRow: 9997 });
  assert.equal(tail.rows.length, 3);
  assert.deepEqual(tail.rows[0]!.TEXT, all.rows[9997]!.TEXT);
  assert.match(String(tail.rows[0]!.URL), /^https?:\/\//);
  await t.close();
});

test('generated csv, tsv, jsonl (plain and gzipped) and parquet read back the same rows', async () => {
  const dir = tempDir();
  try {
    const urls = captions.map((_, i) => `http://example.com/${i}.jpg`);
    const csv = ['URL,TEXT', ...captions.map((c, i) => `${urls[i]},${csvEscape(c)}`)].join('\n') + '\n';
    const tsv = ['URL\tTEXT', ...captions.map((c, i) => `${urls[i]}\t${csvEscape(c)}`)].join('\r\n') + '\r\n';
    const jsonl = captions.map((c, i) => JSON.stringify({ URL: urls[i], TEXT: c, __index_level_0__: i })).join('\n\n') + '\n';
    const files: Record<string, Buffer> = {
      'a.csv': Buffer.from(csv),
      'a.csv.gz': gzipSync(csv),
      'a.tsv': Buffer.from(tsv),
      'a.tsv.gz': gzipSync(tsv),
      'a.jsonl': Buffer.from(jsonl),
      'a.jsonl.gz': gzipSync(jsonl),
    };
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir.path, name), bytes);
    parquetWriteFile({
      filename: join(dir.path, 'a.parquet'),
      columnData: [
        { name: 'URL', data: urls, type: 'STRING' },
        { name: 'TEXT', data: captions, type: 'STRING' },
      ],
      rowGroupSize: 4,
    });
    writeFileSync(join(dir.path, 'a.parquet.gz'), gzipSync(readFileSync(join(dir.path, 'a.parquet'))));
    for (const name of [...Object.keys(files), 'a.parquet', 'a.parquet.gz']) {
      const t = await openTable(join(dir.path, name));
      assert.deepEqual(t.columns, ['URL', 'TEXT'], name);
      assert.equal(t.gzip, name.endsWith('.gz'), name);
      const { rows } = await readAll(t, { batchSize: 4 });
      assert.deepEqual(rows.map((r) => r!.TEXT), captions, name);
      assert.deepEqual(rows.map((r) => r!.URL), urls, name);
      const resumed = await readAll(t, { columns: ['TEXT'], startRow: 3, batchSize: 2 });
      assert.deepEqual(resumed.rows.map((r) => r!.TEXT), captions.slice(3), `${name} from row 3`);
      if (name.startsWith('a.parquet')) {
        assert.equal(t.rowCount, captions.length);
        assert.deepEqual(resumed.starts, [3, 4], 'parquet batches stop at row-group boundaries (groups of 4)');
      }
      await t.close();
    }
  } finally {
    dir.cleanup();
  }
});

test('bad files: truncated and garbage parquet, corrupt gzip, unknown extension name the file', async () => {
  const dir = tempDir();
  try {
    const bytes = readFileSync(laion);
    const truncated = join(dir.path, 'truncated.parquet');
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const garbage = join(dir.path, 'garbage.parquet');
    writeFileSync(garbage, Buffer.from('this is not parquet at all, just text'.repeat(10)));
    const badGz = join(dir.path, 'bad.csv.gz');
    writeFileSync(badGz, Buffer.concat([gzipSync('URL,TEXT\n' + 'u,t\n'.repeat(1000)).subarray(0, 30)]));
    for (const f of [truncated, garbage]) {
      await assert.rejects(openTable(f), (e: Error) => e instanceof TableError && e.message.includes(f) && /not a readable parquet/.test(e.message));
    }
    await assert.rejects(
      (async () => {
        const t = await openTable(badGz);
        await readAll(t);
      })(),
      (e: Error) => e instanceof TableError && e.message.includes(badGz),
    );
    await assert.rejects(openTable(join(dir.path, 'x.xlsx')), /unknown table format/);
    await assert.rejects(openTable(join(dir.path, 'missing.csv')), /missing\.csv.*cannot open/);
  } finally {
    dir.cleanup();
  }
});

test('bad rows: wrong csv field count and invalid jsonl name the row; skip mode keeps indices', async () => {
  const dir = tempDir();
  try {
    const csv = join(dir.path, 'bad.csv');
    writeFileSync(csv, 'URL,TEXT\nu0,ok\nu1,too,many\nu2,fine\n');
    const t = await openTable(csv);
    await assert.rejects(readAll(t), (e: Error) => e instanceof TableError && /bad\.csv: row 1 \(line 3\) has 3 fields, expected 2/.test(e.message));
    const skipped = await readAll(t, { badRows: 'skip' });
    assert.deepEqual(skipped.rows, [{ URL: 'u0', TEXT: 'ok' }, null, { URL: 'u2', TEXT: 'fine' }]);
    assert.equal(skipped.errors.length, 1);

    const jsonl = join(dir.path, 'bad.jsonl');
    writeFileSync(jsonl, '{"TEXT":"a"}\n{"TEXT": broken\n[1,2]\n{"TEXT":"d"}\n');
    const j = await openTable(jsonl);
    await assert.rejects(readAll(j), /bad\.jsonl: row 1 \(line 2\): invalid JSON/);
    const js = await readAll(j, { badRows: 'skip' });
    assert.deepEqual(js.rows.map((r) => r?.TEXT ?? null), ['a', null, null, 'd']);
    assert.match(js.errors[1], /row 2 \(line 3\): not a JSON object/);
  } finally {
    dir.cleanup();
  }
});

test('missing column: clear message listing the columns', async () => {
  const t = await openTable(laion);
  assert.throws(() => requireColumn(t, 'caption', 'caption'), { message: `file ${laion}: caption column 'caption' missing (columns: URL, TEXT)` });
  assert.throws(() => t.rows({ columns: ['NOPE'] }), /column 'NOPE' missing/);
});

test('invalid UTF-8 is replaced and counted, a real U+FFFD is not counted', async () => {
  const dir = tempDir();
  try {
    const body = Buffer.concat([
      Buffer.from('TEXT\n'),
      Buffer.from([0x62, 0x61, 0x64, 0x20, 0xff, 0xfe, 0x0a]), // "bad " + two invalid bytes
      Buffer.from('real \ufffd replacement\n'),
    ]);
    const csv = join(dir.path, 'utf8.csv');
    writeFileSync(csv, body);
    const t = await openTable(csv);
    const { rows } = await readAll(t);
    assert.deepEqual(rows.map((r) => r!.TEXT), ['bad \ufffd\ufffd', 'real \ufffd replacement']);
    assert.equal(t.stats.invalidUtf8, 2);

    const pq = join(dir.path, 'utf8.parquet');
    parquetWriteFile({ filename: pq, columnData: [{ name: 'TEXT', data: [new Uint8Array([0x61, 0xc3]), new Uint8Array([0x6f, 0x6b])], type: 'BYTE_ARRAY' }] });
    const p = await openTable(pq);
    const pr = await readAll(p);
    assert.deepEqual(pr.rows.map((r) => r!.TEXT), ['a\ufffd', 'ok']);
    assert.equal(p.stats.invalidUtf8, 1);
  } finally {
    dir.cleanup();
  }
});
