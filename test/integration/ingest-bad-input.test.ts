// Bad input never costs good input, through `imagenot ingest` as a real process: an unreadable file (permission
// denied: run as `nobody` when the tests run as root, who reads everything), a JSON row nested 100,000 deep, a
// truncated .jsonl.gz, a caption or row over its limit, gzip data that unpacks beyond its limit, wrong-typed caption
// cells, links out of an image folder, control characters in names, duplicate tar entries, a 0-byte tar; the job's
// temporary folder after its worker is killed; and which jobs `jobs resume WS` runs.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { openWorkspace } from '../../native-workers/store/workspace.ts';
import { createJob, finishJob, getJob } from '../../native-workers/store/jobs.ts';
import { listRejections } from '../../native-workers/store/rejections.ts';
import { cliPath, repoRoot, runCli, spawnCli, tempDir } from '../helpers/workspace.ts';
import { cocoPhotos, metaRows, writeParquet, writeTar } from '../helpers/ingest-fixtures.ts';

const dir = tempDir('imagenot-ingest-bad-');
after(() => dir.cleanup());

function csv(prefix: string, n: number): string {
  return (
    'URL,TEXT\n' +
    Array.from(
      { length: n },
      (_, i) => `http://example.invalid/${prefix}/${i}.jpg,${prefix} caption ${i} with a dog`,
    ).join('\n') +
    '\n'
  );
}

/** A new workspace (what `imagenot init` does, without starting a process). */
function newWorkspace(name: string): string {
  const ws = join(dir.path, name);
  openWorkspace(ws, { create: true }).close();
  return ws;
}

interface SourceInfo {
  path: string;
  rows: number;
  state: string;
  rejected: number;
  over_limit: number;
  no_caption: number;
  unpacked_bytes: number | null;
  error: string | null;
  samples: number;
}

function sources(ws: string): SourceInfo[] {
  const d = new Database(join(ws, 'workspace.db'), { readonly: true });
  try {
    return d
      .prepare(
        `SELECT s.path, s.rows, s.state, s.rejected, s.over_limit, s.no_caption, s.unpacked_bytes, s.error,
           (SELECT COUNT(*) FROM samples x WHERE x.source_id = s.id) samples FROM sources s ORDER BY s.id`,
      )
      .all() as SourceInfo[];
  } finally {
    d.close();
  }
}

/** The recorded rejections, oldest first (what `status --json` lists). */
function rejections(ws: string): { source: string; item: string; reason: string }[] {
  const w = openWorkspace(ws);
  try {
    return listRejections(w.db);
  } finally {
    w.close();
  }
}

test('an unreadable file among good ones: rejected by name (permission denied), the others ingested, exit 1', () => {
  const root = join(dir.path, 'perm');
  mkdirSync(root, { recursive: true });
  const good1 = join(root, 'good-1.csv');
  const locked = join(root, 'locked.csv');
  const good2 = join(root, 'good-2.csv');
  writeFileSync(good1, csv('one', 100));
  writeFileSync(locked, csv('locked', 100));
  writeFileSync(good2, csv('two', 100));
  chmodSync(locked, 0o000);
  // Root reads a mode-000 file anyway: then the command runs as `nobody`, in a workspace it owns.
  const asRoot = process.getuid?.() === 0;
  const ws = join(root, 'ws');
  const user = asRoot ? { uid: 65534, gid: 65534 } : {};
  if (asRoot) {
    for (let d = root; d.startsWith(dir.path) && d.length >= dir.path.length; d = join(d, '..')) chmodSync(d, 0o755);
    mkdirSync(ws);
    chownSync(ws, 65534, 65534);
  }
  const run = (args: string[]) =>
    spawnSync(process.execPath, [cliPath, ...args], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, HOME: ws },
      ...user,
    });
  const init = run(['init', ws]);
  assert.equal(init.status, 0, init.stderr);
  const r = run(['ingest', ws, good1, locked, good2]);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, new RegExp(`${locked}: file: cannot read: permission denied \\(EACCES\\)`));
  assert.match(r.stdout, /ingested 3 input\(s\): 200 sample\(s\) added, 1 item\(s\) rejected/);
  const list = JSON.parse(run(['sources', ws, '--json']).stdout) as { path: string; samples: number }[];
  assert.deepEqual(
    list.map((s) => [s.path, s.samples]),
    [
      [good1, 100],
      [good2, 100],
    ],
  );
});

test('a JSON row nested 100,000 deep: that row rejected by name, the rest of its file and the next file kept', () => {
  const ws = newWorkspace('ws-deep');
  const deep = join(dir.path, 'deep.jsonl');
  const lines = Array.from({ length: 10 }, (_, i) =>
    JSON.stringify({ URL: `http://example.invalid/d/${i}.jpg`, TEXT: `deep ${i}`, meta: i }),
  );
  lines[4] = `{"URL":"http://example.invalid/d/4.jpg","TEXT":"the deep row","meta":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
  lines[7] = `{"URL":"http://example.invalid/d/7.jpg","TEXT":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`;
  writeFileSync(deep, lines.join('\n') + '\n');
  const after = join(dir.path, 'after-deep.csv');
  writeFileSync(after, csv('after', 20));
  const r = runCli(['ingest', ws, deep, after]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const rej = rejections(ws);
  assert.deepEqual(
    rej.map((x) => [x.source, x.item, x.reason]),
    [
      [deep, 'row 4', 'a value is nested too deeply to process'],
      [deep, 'row 7', "caption column 'TEXT' holds a JSON object, not text"],
    ],
  );
  assert.deepEqual(
    sources(ws).map((s) => [s.path, s.samples, s.state]),
    [
      [deep, 8, 'done'],
      [after, 20, 'done'],
    ],
  );
});

test('a truncated .jsonl.gz keeps every row read before the damage and names the damage', () => {
  const ws = newWorkspace('ws-truncated');
  const text =
    Array.from({ length: 5000 }, (_, i) =>
      JSON.stringify({ URL: `http://example.invalid/t/${i}.jpg`, TEXT: `truncated ${i} ${(i * 7919).toString(36)}` }),
    ).join('\n') + '\n';
  const gz = gzipSync(text);
  const file = join(dir.path, 'truncated.jsonl.gz');
  const cut = gz.subarray(0, Math.floor(gz.length * 0.45));
  writeFileSync(file, cut);
  // What a gunzip reads before the damage: every complete line is a row.
  const readable = spawnSync('sh', ['-c', `gzip -dc < '${file}' 2>/dev/null`], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  }).stdout;
  const complete = readable.split('\n').length - 1;
  assert.ok(complete > 1000 && complete < 5000, `${complete} complete lines before the damage`);
  const r = runCli(['ingest', ws, file]);
  assert.equal(r.code, 1);
  const [s] = sources(ws);
  assert.deepEqual([s.samples, s.rows, s.state], [complete, complete, 'done']);
  assert.match(s.error!, /gzip data ends early \(the file is truncated\)/);
  assert.deepEqual(
    rejections(ws).map((x) => x.item),
    [`after row ${complete}`],
  );
});

test('limits: caption length, row length and gzip size refuse only what is over them, counted per source', () => {
  const ws = newWorkspace('ws-limits');
  // A 5,000-character caption (over --max-caption-chars 1000) and a 300 KB field (over --max-row-chars 100000) in a
  // .csv.gz, each between good rows.
  const lines = [
    'URL,TEXT',
    'http://example.invalid/l/0.jpg,first',
    `http://example.invalid/l/1.jpg,"${'x'.repeat(5000)}"`,
    'http://example.invalid/l/2.jpg,between',
  ];
  lines.push(`http://example.invalid/l/3.jpg,"${'x, ""y""\n'.repeat(40_000)}"`, 'http://example.invalid/l/4.jpg,last');
  const limited = join(dir.path, 'limited.csv.gz');
  writeFileSync(limited, gzipSync(lines.join('\r\n') + '\r\n'));
  // 70 MiB of zeros: a 70 KB .csv.gz over the default limit (100x its size, at least 64 MiB).
  const zeros = join(dir.path, 'zeros.csv.gz');
  writeFileSync(
    zeros,
    gzipSync(
      Buffer.concat([
        Buffer.from('URL,TEXT\nhttp://example.invalid/z.jpg,before the zeros\n'),
        Buffer.alloc(70 * 1024 * 1024),
      ]),
      { level: 9 },
    ),
  );
  // A .parquet.gz whose unpacked bytes are no parquet: refused before anything is written to disk.
  const fake = join(dir.path, 'fake.parquet.gz');
  writeFileSync(fake, gzipSync(Buffer.alloc(8 * 1024 * 1024)));
  // A real parquet, gzipped, over an explicit --max-unpacked-bytes.
  const real = join(dir.path, 'real.parquet');
  writeParquet(real, metaRows(20_000, 'pq'));
  const realGz = join(dir.path, 'real.parquet.gz');
  writeFileSync(realGz, gzipSync(readFileSync(real)));
  const r = runCli([
    'ingest',
    ws,
    limited,
    zeros,
    fake,
    realGz,
    '--max-caption-chars',
    '1000',
    '--max-row-chars',
    '100000',
    '--max-unpacked-bytes',
    '500K',
  ]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const byPath = new Map(sources(ws).map((s) => [s.path, s]));
  const l = byPath.get(limited)!;
  assert.deepEqual([l.samples, l.rows, l.rejected, l.over_limit], [3, 5, 2, 2]);
  assert.ok(l.unpacked_bytes! > 300_000);
  const rej = rejections(ws);
  const reasonOf = (source: string, item: string) => rej.find((x) => x.source === source && x.item === item)?.reason;
  assert.equal(
    reasonOf(limited, 'row 1'),
    'caption of 5000 characters exceeds the limit of 1000 (--max-caption-chars)',
  );
  assert.equal(
    reasonOf(limited, 'row 3'),
    "lines 5-40005: field 2 ('TEXT') is longer than 100000 characters (not read)",
  );
  // The explicit limit (500 KiB) applies to every .gz input of the call.
  assert.match(
    reasonOf(zeros, 'after row 1') ?? '',
    /^gzip data unpacks to more than 512000 bytes \(limit: --max-unpacked-bytes\)$/,
  );
  assert.equal(byPath.get(zeros)!.samples, 1, 'the row before the limit is kept');
  assert.equal(reasonOf(fake, 'file'), 'not a readable parquet file (the unpacked data does not start with PAR1)');
  assert.match(reasonOf(realGz, 'file') ?? '', /gzip data unpacks to more than 512000 bytes/);
  assert.ok(!existsSync(join(ws, '.tmp')), 'the temporary folder is removed');

  // Without an explicit limit: 100x the file's size, at least 64 MiB.
  const ws2 = newWorkspace('ws-limits-default');
  const r2 = runCli(['ingest', ws2, zeros, realGz]);
  assert.equal(r2.code, 1, r2.stdout + r2.stderr);
  const rej2 = rejections(ws2);
  assert.deepEqual(
    rej2.map((x) => [x.source, x.item]),
    [[zeros, 'after row 1']],
  );
  assert.match(
    rej2[0].reason,
    /gzip data unpacks to more than 67108864 bytes \(limit: the default, 100x the file's size and at least 67108864 bytes; raise it with --max-unpacked-bytes\)/,
  );
  assert.equal(sources(ws2).find((s) => s.path === realGz)!.samples, 20_000);
});

test('wrong-typed captions: numbers, booleans, JSON rejected by row; null counted as without a caption; a float parquet column rejected', () => {
  const ws = newWorkspace('ws-types');
  const jsonl = join(dir.path, 'types.jsonl');
  const values: unknown[] = ['a real caption', 1, 1.5, { a: 1 }, null, true, [1, 2], undefined, ''];
  writeFileSync(
    jsonl,
    values
      .map((v, i) =>
        JSON.stringify({ URL: `http://example.invalid/ty/${i}.jpg`, ...(v === undefined ? {} : { TEXT: v }) }),
      )
      .join('\n') + '\n',
  );
  const pq = join(dir.path, 'float-caption.parquet');
  writeFileSync(
    pq,
    Buffer.from(
      parquetWriteBuffer({
        columnData: [
          { name: 'URL', data: ['http://example.invalid/p/0.jpg', 'http://example.invalid/p/1.jpg'], type: 'STRING' },
          { name: 'TEXT', data: [1.5, NaN], type: 'DOUBLE' },
        ],
      }),
    ),
  );
  const r = runCli(['ingest', ws, jsonl, pq]);
  assert.equal(r.code, 1);
  assert.deepEqual(
    rejections(ws).map((x) => `${x.item}: ${x.reason}`),
    [
      "row 1: caption column 'TEXT' holds a number (1), not text",
      "row 2: caption column 'TEXT' holds a number (1.5), not text",
      "row 3: caption column 'TEXT' holds a JSON object, not text",
      "row 5: caption column 'TEXT' holds a boolean (true), not text",
      "row 6: caption column 'TEXT' holds a JSON array, not text",
      "file: caption column 'TEXT' holds float values, not text; name the caption column with --caption-col",
    ],
  );
  const [s] = sources(ws);
  assert.deepEqual([s.samples, s.no_caption, s.rejected], [4, 3, 5]);
  const d = new Database(join(ws, 'workspace.db'), { readonly: true });
  try {
    assert.deepEqual(
      d.prepare(`SELECT row, caption FROM samples ORDER BY row`).all(),
      [0, 4, 7, 8].map((row) => ({ row, caption: row === 0 ? 'a real caption' : '' })),
    );
  } finally {
    d.close();
  }
  // The per-file matcher reports the same rows.
  const m = runCli([
    'match',
    '--captions',
    jsonl,
    '--synsets',
    join(repoRoot, 'assets', 'imagenet-1k-wnids.txt'),
    '--out',
    join(dir.path, 'types-out.csv'),
    '--json',
  ]);
  assert.equal(m.code, 1);
  assert.deepEqual((JSON.parse(m.stdout) as { badRows: number; withoutCaption: number }).badRows, 5);
  assert.match(m.stderr, /types\.jsonl: row 3: caption column 'TEXT' holds a JSON object, not text/);
  const mp = runCli([
    'match',
    '--captions',
    pq,
    '--synsets',
    join(repoRoot, 'assets', 'imagenet-1k-wnids.txt'),
    '--out',
    join(dir.path, 'pq-out.csv'),
  ]);
  assert.equal(mp.code, 1);
  assert.match(mp.stderr, /caption column 'TEXT' holds float values, not text/);
});

test('image folder: links out of the folder refused by name and never read; control characters in names escaped when printed', () => {
  const ws = newWorkspace('ws-folder');
  const folder = join(dir.path, 'photos');
  mkdirSync(folder);
  const [a, b] = cocoPhotos(2);
  writeFileSync(join(folder, 'a.jpg'), a.data);
  writeFileSync(join(folder, 'a.txt'), 'a caption of a');
  writeFileSync(join(folder, 'b.jpg'), b.data);
  const outside = join(dir.path, 'outside-secret.txt');
  writeFileSync(outside, 'a secret outside the folder');
  symlinkSync(outside, join(folder, 'b.txt')); // would become b.jpg's caption
  symlinkSync(join(dir.path, 'photos-elsewhere.jpg'), join(folder, 'elsewhere.jpg'));
  writeFileSync(join(dir.path, 'photos-elsewhere.jpg'), a.data);
  symlinkSync(join(folder, 'a.jpg'), join(folder, 'inside-link.jpg')); // stays inside: used
  const evil = 'evil\x1b[2J\x1b[31m\u202ename.jpg';
  writeFileSync(join(folder, evil), 'not an image');
  const r = runCli(['ingest', ws, folder]);
  assert.equal(r.code, 1);
  assert.ok(
    !r.stderr.includes('\x1b') && !r.stdout.includes('\x1b') && !r.stderr.includes('\u202e'),
    'no control characters printed',
  );
  assert.ok(r.stderr.includes('evil\\x1b[2J\\x1b[31m\\u202ename.jpg: not an image'), r.stderr);
  const rej = rejections(ws);
  const link = (name: string, target: string) => ({
    source: folder,
    item: name,
    reason: `symbolic link to ${target}, outside the folder (refused, never read)`,
  });
  assert.deepEqual(
    rej.filter((x) => x.reason.startsWith('symbolic link')),
    [link('b.txt', outside), link('elsewhere.jpg', join(dir.path, 'photos-elsewhere.jpg'))],
  );
  assert.equal(
    rej.find((x) => x.item === evil)?.reason.startsWith('not an image'),
    true,
    'the exact name is kept in the record',
  );
  const d = new Database(join(ws, 'workspace.db'), { readonly: true });
  try {
    const samples = d.prepare(`SELECT caption, extra FROM samples ORDER BY row`).all() as {
      caption: string;
      extra: string;
    }[];
    assert.deepEqual(
      samples.map((x) => [JSON.parse(x.extra).file, x.caption]),
      [
        ['a.jpg', 'a caption of a'],
        ['b.jpg', ''],
        ['inside-link.jpg', ''],
      ],
    );
  } finally {
    d.close();
  }
});

test('tars: duplicate entries and a sample key coming back are reported (the first kept); a 0-byte tar is rejected, exit 1', async () => {
  const ws = newWorkspace('ws-tars');
  const [a, b] = cocoPhotos(2);
  const dups = join(dir.path, 'dups.tar');
  await writeTar(dups, [
    { name: '000.jpg', data: a.data },
    { name: '000.txt', data: 'first caption' },
    { name: './000.txt', data: 'the same name again' },
    { name: '000.TXT', data: 'the same sample and extension' },
    { name: '001.jpg', data: b.data },
    { name: '001.txt', data: 'second' },
    { name: '000.json', data: '{}' },
  ]);
  const empty = join(dir.path, 'empty.tar');
  writeFileSync(empty, Buffer.alloc(0));
  const r = runCli(['ingest', ws, dups, empty]);
  assert.equal(r.code, 1);
  assert.deepEqual(
    rejections(ws).map((x) => [x.source, x.item, x.reason]),
    [
      [dups, './000.txt', 'duplicate entry: an earlier entry has this name (the first one is kept)'],
      [dups, '000.TXT', "sample '000' already has a .txt file (000.txt, which is kept)"],
      [
        dups,
        '000.json',
        "sample '000' came earlier in the archive: its entries must be consecutive (this one is not used)",
      ],
      [empty, 'file', 'empty file (0 bytes), not a tar archive'],
    ],
  );
  const d = new Database(join(ws, 'workspace.db'), { readonly: true });
  try {
    assert.deepEqual(d.prepare(`SELECT row, caption FROM samples ORDER BY row`).all(), [
      { row: 0, caption: 'first caption' },
      { row: 1, caption: 'second' },
    ]);
  } finally {
    d.close();
  }
});

test('the temporary folder of a job whose worker is killed mid-way is removed, and stale ones when a command starts', async () => {
  const ws = newWorkspace('ws-tmp');
  const big = join(dir.path, 'big.parquet');
  writeParquet(big, metaRows(300_000, 'big'), { rowGroupSize: 50_000 });
  const bigGz = join(dir.path, 'big.parquet.gz');
  writeFileSync(bigGz, gzipSync(readFileSync(big), { level: 1 }));
  const child = spawnCli(['ingest', ws, bigGz]);
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const exited = new Promise<number | null>((r) => child.on('close', r));
  // The worker unpacks the parquet into `.tmp/job-1/`; kill the worker (not the command) while it is there.
  const jobTmp = join(ws, '.tmp', 'job-1');
  const deadline = Date.now() + 120_000;
  let pid: number | null = null;
  while (Date.now() < deadline) {
    const unpacked =
      existsSync(jobTmp) && readdirSync(jobTmp).some((d) => existsSync(join(jobTmp, d, 'table.parquet')));
    if (unpacked) {
      const w = openWorkspace(ws);
      try {
        pid = getJob(w.db, 1)?.pid ?? null;
      } finally {
        w.close();
      }
      if (pid) break;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(pid, 'the worker unpacked the parquet into the job folder');
  process.kill(pid!, 'SIGKILL');
  assert.equal(await exited, 1, stderr);
  assert.match(stderr, /killed by SIGKILL/);
  assert.ok(!existsSync(join(ws, '.tmp')), 'nothing left in .tmp after the failed job');

  // A folder left by a job whose command itself died is removed when the next command starts a runner.
  mkdirSync(join(ws, '.tmp', 'job-77'), { recursive: true });
  writeFileSync(join(ws, '.tmp', 'job-77', 'left-over'), 'x');
  const small = join(dir.path, 'small.csv');
  writeFileSync(small, csv('small', 5));
  const again = runCli(['ingest', ws, small]);
  assert.equal(again.code, 0, again.stderr);
  assert.ok(!existsSync(join(ws, '.tmp')));
});

test('`jobs resume WS` without an id: interrupted and failed jobs, not cancelled ones, not one a later run of the same command completed', () => {
  const ws = newWorkspace('ws-resume');
  const files = ['r1.csv', 'r2.csv', 'r3.csv', 'r4.csv'].map((n, i) => {
    const p = join(dir.path, n);
    writeFileSync(p, csv(`resume${i}`, 10));
    return p;
  });
  const w = openWorkspace(ws);
  const params = (p: string) => ({ paths: [p] });
  let failed: number, interrupted: number, cancelled: number, superseded: number, redone: number;
  try {
    failed = createJob(w.db, 'ingest', params(files[0]), 'data');
    interrupted = createJob(w.db, 'ingest', params(files[1]), 'data');
    cancelled = createJob(w.db, 'ingest', params(files[2]), 'data');
    superseded = createJob(w.db, 'ingest', params(files[3]), 'data');
    redone = createJob(w.db, 'ingest', params(files[3]), 'data');
    finishJob(w.db, failed, 'failed', { error: 'worker process was killed by SIGKILL before finishing' });
    w.db.prepare(`UPDATE jobs SET state = 'interrupted' WHERE id = ?`).run(interrupted);
    finishJob(w.db, cancelled, 'cancelled', { message: 'cancelled' });
    finishJob(w.db, superseded, 'failed', { error: 'killed' });
    finishJob(w.db, redone, 'succeeded', { result: {} });
  } finally {
    w.close();
  }
  const help = runCli(['jobs', 'resume', '--help']);
  assert.match(
    help.stdout.replace(/\s+/g, ' '),
    /without one, every interrupted or failed job, oldest first \(not cancelled ones/,
  );
  const r = runCli(['jobs', 'resume', ws]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(
    r.stdout,
    [
      `job ${superseded} (ingest): failed, since done by job ${redone}; not resumed`,
      `job ${failed} (ingest): succeeded`,
      `job ${interrupted} (ingest): succeeded`,
      '',
    ].join('\n'),
  );
  const w2 = openWorkspace(ws);
  try {
    assert.equal(getJob(w2.db, cancelled)!.state, 'cancelled');
  } finally {
    w2.close();
  }
  assert.deepEqual(
    sources(ws).map((s) => s.path),
    [files[0], files[1]],
  );
  // A cancelled job runs again when named.
  const named = runCli(['jobs', 'resume', ws, String(cancelled)]);
  assert.equal(named.code, 0, named.stderr);
  assert.match(named.stdout, new RegExp(`job ${cancelled} \\(ingest\\): succeeded`));
});
