// Tabular row readers (io/tables.ts) on the real LAION sample parquet and on generated csv/tsv/jsonl/gz/parquet files,
// including bad files: truncated parquet, garbage, wrong field counts, invalid JSON, invalid UTF-8, missing columns,
// over-long fields and lines, gzip beyond its limit, truncated gzip; the csv parser at every chunk boundary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteFile } from 'hyparquet-writer';
import {
  captionText,
  openTable,
  requireColumn,
  requireTextColumn,
  TableError,
  type Table,
} from '../../native-workers/io/tables.ts';
import { DelimitedParser, type ParsedRecord } from '../../native-workers/io/tables/delimited-parser.ts';
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

const captions = [
  'a dog on a beach',
  'Quote "inside", comma',
  'tab\there? no',
  'multi\nline caption',
  'ünïcødé 猫 🐕',
  '',
];

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
    const jsonl =
      captions.map((c, i) => JSON.stringify({ URL: urls[i], TEXT: c, __index_level_0__: i })).join('\n\n') + '\n';
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
      assert.deepEqual(
        rows.map((r) => r!.TEXT),
        captions,
        name,
      );
      assert.deepEqual(
        rows.map((r) => r!.URL),
        urls,
        name,
      );
      const resumed = await readAll(t, { columns: ['TEXT'], startRow: 3, batchSize: 2 });
      assert.deepEqual(
        resumed.rows.map((r) => r!.TEXT),
        captions.slice(3),
        `${name} from row 3`,
      );
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
      await assert.rejects(
        openTable(f),
        (e: Error) => e instanceof TableError && e.message.includes(f) && /not a readable parquet/.test(e.message),
      );
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
    await assert.rejects(
      readAll(t),
      (e: Error) => e instanceof TableError && /bad\.csv: row 1 \(line 3\) has 3 fields, expected 2/.test(e.message),
    );
    const skipped = await readAll(t, { badRows: 'skip' });
    assert.deepEqual(skipped.rows, [{ URL: 'u0', TEXT: 'ok' }, null, { URL: 'u2', TEXT: 'fine' }]);
    assert.equal(skipped.errors.length, 1);

    const jsonl = join(dir.path, 'bad.jsonl');
    writeFileSync(jsonl, '{"TEXT":"a"}\n{"TEXT": broken\n[1,2]\n{"TEXT":"d"}\n');
    const j = await openTable(jsonl);
    await assert.rejects(readAll(j), /bad\.jsonl: row 1 \(line 2\): invalid JSON/);
    const js = await readAll(j, { badRows: 'skip' });
    assert.deepEqual(
      js.rows.map((r) => r?.TEXT ?? null),
      ['a', null, null, 'd'],
    );
    assert.match(js.errors[1], /row 2 \(line 3\): not a JSON object/);
  } finally {
    dir.cleanup();
  }
});

test('missing column: clear message listing the columns', async () => {
  const t = await openTable(laion);
  assert.throws(() => requireColumn(t, 'caption', 'caption'), {
    message: `file ${laion}: caption column 'caption' missing (columns: URL, TEXT)`,
  });
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
    assert.deepEqual(
      rows.map((r) => r!.TEXT),
      ['bad \ufffd\ufffd', 'real \ufffd replacement'],
    );
    assert.equal(t.stats.invalidUtf8, 2);

    const pq = join(dir.path, 'utf8.parquet');
    parquetWriteFile({
      filename: pq,
      columnData: [
        { name: 'TEXT', data: [new Uint8Array([0x61, 0xc3]), new Uint8Array([0x6f, 0x6b])], type: 'BYTE_ARRAY' },
      ],
    });
    const p = await openTable(pq);
    const pr = await readAll(p);
    assert.deepEqual(
      pr.rows.map((r) => r!.TEXT),
      ['a\ufffd', 'ok'],
    );
    assert.equal(p.stats.invalidUtf8, 1);
  } finally {
    dir.cleanup();
  }
});

// --- csv/tsv parsing: quoting, line breaks, chunk boundaries, limits ------------------------------------------------

/** Every record of `text` parsed in chunks of `size` characters (all fields kept). */
function parseInChunks(text: string, size: number, maxFieldChars = 1 << 20, delimiter = ','): ParsedRecord[] {
  const p = new DelimitedParser({ delimiter, slots: null, slotCount: 0, maxFieldChars });
  const out: ParsedRecord[] = [];
  const emit = (r: ParsedRecord) => void out.push(r);
  for (let i = 0; i < text.length; i += size) p.write(text.slice(i, i + size), emit);
  p.end(emit);
  return out;
}

test('csv parser: quoting as pandas writes it, CRLF, quoted line breaks, BOM, blank lines; the same records in chunks of any size', () => {
  const text =
    '\ufeffa,b,c\r\n' +
    '1,"with, comma","with ""quotes"""\r\n' +
    '\r\n' +
    '2,"line\nbreak","crlf\r\ninside"\r\n' +
    '3,,""\r\n' +
    '4,a "quote" inside,"closed"then text\r\n' +
    '"5",\t spaces \t,last without line break';
  const expected = [
    ['a', 'b', 'c'],
    ['1', 'with, comma', 'with "quotes"'],
    ['2', 'line\nbreak', 'crlf\r\ninside'],
    ['3', '', ''],
    ['4', 'a "quote" inside', 'closedthen text'],
    ['5', '\t spaces \t', 'last without line break'],
  ];
  const lines = [
    [1, 1],
    [2, 2],
    [4, 6],
    [7, 7],
    [8, 8],
    [9, 9],
  ];
  for (const size of [1, 2, 3, 5, 7, 16, 1000]) {
    const got = parseInChunks(text, size);
    assert.deepEqual(
      got.map((r) => r.values),
      expected,
      `chunks of ${size}`,
    );
    assert.deepEqual(
      got.map((r) => [r.line, r.endLine]),
      lines,
      `line numbers, chunks of ${size}`,
    );
    assert.ok(got.every((r) => r.problem === null && r.fields === 3));
  }
});

test('csv parser: a field over the limit is not held, its record is marked, and the next records are intact', () => {
  const long = '"' + 'x, ""y""\n'.repeat(1000) + '"';
  const text = `a,b\n1,${long}\n2,ok\n3,${'z'.repeat(500)}\n4,"unclosed`;
  for (const size of [3, 64, 100000]) {
    const got = parseInChunks(text, size, 100);
    assert.deepEqual(
      got.map((r) => [r.values[0], r.problem]),
      [
        ['a', null],
        ['1', { kind: 'too-long', field: 1 }],
        ['2', null],
        ['3', { kind: 'too-long', field: 1 }],
        ['4', { kind: 'unclosed-quote' }],
      ],
      `chunks of ${size}`,
    );
    assert.equal(got[2].values[1], 'ok');
    assert.deepEqual([got[2].line, got[1].endLine], [1003, 1002]);
  }
});

test('tables: 20k-row csv/tsv/jsonl (the size that used to hang), header-less tsv, over-long rows skipped, gzip limit, truncated gzip keeps the rows before', async () => {
  const dir = tempDir();
  try {
    const n = 20_000;
    const rows = Array.from({ length: n }, (_, i) => ({
      url: `http://example.com/${i}.jpg`,
      text: i % 3 ? `caption ${i}, "quoted"` : `caption ${i}\r\nnext line`,
    }));
    const csv = 'URL,TEXT\r\n' + rows.map((r) => `${r.url},${csvEscape(r.text)}`).join('\r\n') + '\r\n';
    const cc3m = rows.map((r) => `${csvEscape(r.text)}\t${r.url}`).join('\n') + '\n';
    writeFileSync(join(dir.path, 'big.csv'), csv);
    writeFileSync(join(dir.path, 'big.csv.gz'), gzipSync(csv));
    writeFileSync(join(dir.path, 'cc3m.tsv'), cc3m);
    for (const name of ['big.csv', 'big.csv.gz']) {
      const t = await openTable(join(dir.path, name));
      const { rows: got } = await readAll(t, { batchSize: 5000 });
      assert.deepEqual(
        got.map((r) => r!.TEXT),
        rows.map((r) => r.text),
        name,
      );
      assert.equal(t.stats.unpackedBytes, Buffer.byteLength(csv), `${name}: bytes read, after gunzip`);
    }
    const h = await openTable(join(dir.path, 'cc3m.tsv'), { header: false });
    assert.deepEqual(h.columns, ['1', '2']);
    assert.deepEqual(h.columnKinds, { 1: 'text', 2: 'text' });
    const hr = await readAll(h, { columns: ['2', '1'] });
    assert.equal(hr.rows.length, n);
    assert.deepEqual(hr.rows[3], { 2: rows[3].url, 1: rows[3].text });

    // Over-long csv field and jsonl line: bad rows, the rest read.
    const longCsv = join(dir.path, 'long.csv');
    writeFileSync(longCsv, `URL,TEXT\nu0,ok\nu1,${'w'.repeat(5000)}\nu2,fine\n`);
    const lc = await readAll(await openTable(longCsv, { maxRecordChars: 1000 }), { badRows: 'skip' });
    assert.deepEqual(
      lc.rows.map((r) => r?.TEXT ?? null),
      ['ok', null, 'fine'],
    );
    assert.deepEqual(lc.errors, [
      `file ${longCsv}: row 1 (line 3) field 2 ('TEXT') is longer than 1000 characters (not read)`,
    ]);
    const longJsonl = join(dir.path, 'long.jsonl');
    writeFileSync(longJsonl, `{"TEXT":"ok"}\n{"TEXT":"${'w'.repeat(5000)}"}\n{"TEXT":"fine"}\n`);
    const lj = await readAll(await openTable(longJsonl, { maxRecordChars: 1000 }), { badRows: 'skip' });
    assert.deepEqual(
      lj.rows.map((r) => r?.TEXT ?? null),
      ['ok', null, 'fine'],
    );
    assert.match(lj.errors[0], /row 1 \(line 2\): line longer than 1000 characters \(not read\)/);

    // Gzip that unpacks beyond the limit: the rows within it, then an error naming the limit.
    const bomb = join(dir.path, 'bomb.jsonl.gz');
    writeFileSync(bomb, gzipSync(Buffer.concat([Buffer.from('{"TEXT":"before"}\n'), Buffer.alloc(4 << 20, 0x20)])));
    const bt = await openTable(bomb, { maxUnpackedBytes: 1 << 20 });
    const seen: unknown[] = [];
    await assert.rejects(
      (async () => {
        for await (const b of bt.columnBatches({ columns: ['TEXT'] })) seen.push(...b.columns.TEXT);
      })(),
      (e: Error) =>
        e instanceof TableError &&
        e.message === `file ${bomb}: gzip data unpacks to more than 1048576 bytes (limit: --max-unpacked-bytes)`,
    );
    assert.deepEqual(seen, ['before']);

    // Truncated gzip: every complete row before the damage comes out, then the error.
    const gz = gzipSync(csv);
    const cut = join(dir.path, 'cut.csv.gz');
    writeFileSync(cut, gz.subarray(0, Math.floor(gz.length / 2)));
    const ct = await openTable(cut);
    const texts: unknown[] = [];
    await assert.rejects(
      (async () => {
        for await (const b of ct.columnBatches({ columns: ['TEXT'], batchSize: 100_000 }))
          texts.push(...b.columns.TEXT);
      })(),
      /cut\.csv\.gz: gzip data ends early \(the file is truncated\)/,
    );
    assert.ok(texts.length > 1000 && texts.length < n, `${texts.length} rows before the damage`);
    assert.deepEqual(
      texts,
      rows.slice(0, texts.length).map((r) => r.text),
    );
  } finally {
    dir.cleanup();
  }
});

test('caption values: text, missing, or the wrong type; parquet column kinds', async () => {
  assert.deepEqual(captionText('a dog'), { text: 'a dog' });
  assert.deepEqual(captionText(null), { missing: true });
  assert.deepEqual(captionText(undefined), { missing: true });
  assert.deepEqual(captionText(1), { wrongType: 'a number (1)' });
  assert.deepEqual(captionText(NaN), { wrongType: 'a number (NaN)' });
  assert.deepEqual(captionText(10n), { wrongType: 'a number (10)' });
  assert.deepEqual(captionText(false), { wrongType: 'a boolean (false)' });
  assert.deepEqual(captionText({ a: 1 }), { wrongType: 'a JSON object' });
  assert.deepEqual(captionText([1]), { wrongType: 'a JSON array' });
  const dir = tempDir();
  try {
    const pq = join(dir.path, 'kinds.parquet');
    parquetWriteFile({
      filename: pq,
      columnData: [
        { name: 'TEXT', data: ['a', 'b'], type: 'STRING' },
        { name: 'N', data: [1, 2], type: 'INT32' },
        { name: 'F', data: [1.5, NaN], type: 'DOUBLE' },
        { name: 'B', data: [true, false], type: 'BOOLEAN' },
      ],
    });
    const t = await openTable(pq);
    assert.deepEqual(t.columnKinds, { TEXT: 'text', N: 'integer', F: 'float', B: 'boolean' });
    requireTextColumn(t, 'TEXT');
    assert.throws(() => requireTextColumn(t, 'F'), {
      message: `file ${pq}: caption column 'F' holds float values, not text`,
    });
  } finally {
    dir.cleanup();
  }
});
