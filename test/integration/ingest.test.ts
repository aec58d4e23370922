// `imagenot ingest` as a real process on real data (the LAION parquet sample, the COCO photos and captions) and on
// generated files of every format and every bad case.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { repoRoot, runCli, tempDir } from '../helpers/workspace.ts';
import {
  cocoDir,
  cocoPhotos,
  laionParquet,
  metaRows,
  writeBadInputs,
  writeCsv,
  writeFilesLayout,
  writeInvalidUtf8Csv,
  writeJsonl,
  writeParquet,
  writeTar,
  writeTsv,
  writeWebdatasetFolder,
} from '../helpers/ingest-fixtures.ts';

const dir = tempDir('imagenot-ingest-');
const inputs = join(dir.path, 'inputs');
let bad: Record<string, string>;
const utf8Csv = join(inputs, 'invalid-utf8.csv');

before(async () => {
  mkdirSync(inputs, { recursive: true });
  bad = await writeBadInputs(join(inputs, 'bad'), cocoPhotos(1)[0].data);
  writeInvalidUtf8Csv(utf8Csv);
});
after(() => dir.cleanup());

/** Every file below `root` with its size: what "nothing written outside the workspace" is checked against. */
function snapshot(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(`${relative(root, p)}:${statSync(p).size}`);
    }
  };
  walk(root);
  return out.sort();
}

function status(ws: string) {
  const r = runCli(['status', ws, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as {
    samples: number;
    images: number;
    rejected: { source: string; item: string; reason: string }[];
    fetch: Record<string, number>;
  };
}

function db(ws: string) {
  return new Database(join(ws, 'workspace.db'), { readonly: true });
}

test('one ingest call: real parquet + COCO folder + every bad file -> good samples kept, bad ones named, exit 1; again adds nothing', () => {
  const ws = join(dir.path, 'ws-main');
  assert.equal(runCli(['init', ws]).code, 0);
  const watchTmp = join(dir.path, 'tmp-watch');
  mkdirSync(watchTmp);
  const before = snapshot(inputs);
  const badPaths = Object.values(bad);
  const r = runCli(['ingest', ws, laionParquet, cocoDir, ...badPaths, utf8Csv], { env: { TMPDIR: watchTmp } });
  assert.equal(r.code, 1, `exit 1 because inputs were rejected\n${r.stdout}\n${r.stderr}`);

  const st = status(ws);
  // 10,000 parquet rows + 239 COCO photos + 3 rows with invalid UTF-8 (kept) + the safe entry of the escaping tar +
  // the 2 samples of the truncated tar before its damage.
  assert.equal(st.samples, 10000 + 239 + 3 + 1 + 2);
  assert.equal(st.images, 239 + 0, 'the tars hold a COCO photo already stored: content-addressed, stored once');

  const reasonFor = (path: string) => st.rejected.filter((x) => x.source === path);
  const one = (path: string, re: RegExp, item?: string) => {
    const found = reasonFor(path);
    assert.ok(
      found.some((x) => re.test(x.reason) && (item == null || x.item === item)),
      `${path}: expected ${re} in ${JSON.stringify(found)}`,
    );
    assert.ok(r.stderr.includes(path), `stderr names ${path}`);
  };
  one(bad.truncatedParquet, /parquet/i, 'file');
  one(bad.garbageParquet, /parquet/i, 'file');
  one(bad.csvNoCaption, /no caption column 'TEXT'.*URL, title/);
  one(bad.nonImage, /not an image \(looks like HTML/);
  one(bad.zeroByte, /empty file \(0 bytes\)/);
  one(bad.truncatedJpeg, /truncated jpeg image/);
  one(bad.bomb, /decompression bomb: 30000x30000 \(900\.0 Mpx\)/);
  one(bad.escapingTar, /'\.\.' component/, '../../escaped-by-tar.txt');
  one(bad.escapingTar, /absolute path/, '/tmp/absolute-by-tar.txt');
  one(bad.escapingTar, /symbolic link/, 'link-out');
  one(bad.escapingTar, /invalid JSON metadata .*the image is kept without it/, '000000000.json');
  one(bad.truncatedTar, /damaged tar: Unexpected end of data/, 'after entry 1.txt');
  assert.equal(reasonFor(utf8Csv).length, 0, 'invalid UTF-8 is replaced, not rejected');
  assert.equal(st.rejected.length, 12);

  // Nothing written outside the workspace: inputs unchanged, nothing escaped from the tar, temp folder untouched.
  assert.deepEqual(snapshot(inputs), before);
  for (const p of [
    join(inputs, 'bad', '..', '..', 'escaped-by-tar.txt'),
    join(inputs, '..', 'escaped-by-tar.txt'),
    join(repoRoot, '..', 'escaped-by-tar.txt'),
    '/tmp/absolute-by-tar.txt',
  ]) {
    assert.ok(!existsSync(p), `${p} must not exist`);
  }
  // (tsx, which runs the CLI from source, keeps its compile cache there: that is the dev runner, not ingest.)
  assert.deepEqual(
    readdirSync(watchTmp).filter((n) => !n.startsWith('tsx-')),
    [],
  );

  const d = db(ws);
  try {
    const parquet = d.prepare(`SELECT id, rows, state FROM sources WHERE path = ?`).get(laionParquet) as {
      id: number;
      rows: number;
      state: string;
    };
    assert.deepEqual({ rows: parquet.rows, state: parquet.state }, { rows: 10000, state: 'done' });
    const first = d
      .prepare(`SELECT row, url, caption, extra FROM samples WHERE source_id = ? ORDER BY row LIMIT 1`)
      .get(parquet.id) as any;
    assert.equal(first.row, 0);
    assert.match(first.url, /^http:\/\/direct\.rhapsody\.com\//);
    assert.equal(first.caption, 'Classical Masterpieces: Xerses & More, Vol. 8 by Various Artists');
    assert.equal(first.extra, null, 'the pandas index column is ignored');
    // COCO: captions from the COCO JSON (159 images have them), image sizes recorded, files on disk.
    const coco = d.prepare(`SELECT id FROM sources WHERE path = ?`).get(cocoDir) as { id: number };
    const withCaption = (
      d.prepare(`SELECT COUNT(*) n FROM samples WHERE source_id = ? AND caption != ''`).get(coco.id) as { n: number }
    ).n;
    assert.ok(withCaption >= 159, `COCO captions attached (${withCaption})`);
    const s139 = d
      .prepare(
        `SELECT s.caption, s.width, s.height, i.stored_path, i.thumb_path FROM samples s JOIN images i ON i.sha256 = s.image_sha256 WHERE s.extra LIKE '%val2017/000000000139.jpg%'`,
      )
      .get() as any;
    assert.deepEqual([s139.width, s139.height], [640, 426]);
    assert.ok(s139.caption.length > 10);
    assert.ok(existsSync(join(ws, s139.stored_path)) && existsSync(join(ws, s139.thumb_path)));
    // Invalid UTF-8: kept, replaced by U+FFFD, counted on the source (3 invalid bytes; the genuine U+FFFD not counted).
    const u = d.prepare(`SELECT id, replaced_utf8 FROM sources WHERE path = ?`).get(utf8Csv) as {
      id: number;
      replaced_utf8: number;
    };
    assert.equal(u.replaced_utf8, 3);
    const caps = (
      d.prepare(`SELECT caption FROM samples WHERE source_id = ? ORDER BY row`).all(u.id) as { caption: string }[]
    ).map((x) => x.caption);
    assert.equal(caps[0], 'caf\ufffd au lait');
    assert.equal(caps[2], 'caf\u00e9 ok \ufffd real');
  } finally {
    d.close();
  }

  const again = runCli(['ingest', ws, laionParquet]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /already ingested, nothing added/);
  assert.equal(status(ws).samples, 10000 + 239 + 3 + 1 + 2);
  // The same bad file again is reported again (and the command fails again).
  const badAgain = runCli(['ingest', ws, bad.zeroByte]);
  assert.equal(badAgain.code, 1);
  assert.match(badAgain.stderr, /zero-byte\.jpg.*empty file/);
});

test('every format: parquet(.gz), csv, tsv, jsonl(.gz), webdataset shards with status, files layout, image folder, tar, URL list', async () => {
  const ws = join(dir.path, 'ws-formats');
  const f = join(dir.path, 'formats');
  mkdirSync(f, { recursive: true });
  writeParquet(join(f, 'meta.parquet'), metaRows(25, 'pq'), { rowGroupSize: 10, indexColumn: true });
  writeCsv(join(f, 'meta.csv'), metaRows(7, 'csv'));
  writeTsv(join(f, 'meta.tsv'), metaRows(6, 'tsv'));
  writeJsonl(join(f, 'meta.jsonl'), metaRows(5, 'jsonl'));
  writeJsonl(join(f, 'meta.jsonl.gz'), metaRows(4, 'jsonlgz'), true);
  writeFileSync(
    join(f, 'urls.txt'),
    'http://example.invalid/u/0.jpg\n\nhttps://example.invalid/u/1.png\r\nhttp://example.invalid/u/2.jpg\n',
  );
  writeParquet(join(f, 'meta.parquet.gz'), metaRows(5, 'pqgz'));
  writeFileSync(join(f, 'meta.parquet.gz'), gzipSync(readFileSync(join(f, 'meta.parquet.gz'))));
  const photos = cocoPhotos(12, 'train2017');
  await writeWebdatasetFolder(join(f, 'wds'), photos.slice(0, 4), 3);
  writeFilesLayout(join(f, 'files'), photos.slice(4, 7));
  mkdirSync(join(f, 'plain', 'sub'), { recursive: true });
  writeFileSync(join(f, 'plain', 'a.jpg'), photos[7].data);
  writeFileSync(join(f, 'plain', 'a.txt'), 'a plain folder caption\n');
  writeFileSync(join(f, 'plain', 'sub', 'b.jpg'), photos[8].data);
  writeFileSync(join(f, 'plain', 'notes.md'), 'not an input');
  await writeTar(join(f, 'plain.tar'), [
    { name: 'imgs/x.jpg', data: photos[9].data },
    { name: 'imgs/x.txt', data: 'tar caption x' },
    { name: 'imgs/y.jpg', data: photos[10].data },
  ]);
  assert.equal(runCli(['init', ws]).code, 0);
  const r = runCli([
    'ingest',
    ws,
    ...[
      'meta.parquet',
      'meta.parquet.gz',
      'meta.csv',
      'meta.tsv',
      'meta.jsonl',
      'meta.jsonl.gz',
      'wds',
      'files',
      'plain',
      'plain.tar',
      'urls.txt',
    ].map((x) => join(f, x)),
  ]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.ok(!existsSync(join(ws, '.tmp')), 'the gunzipped parquet was unpacked inside the workspace and removed');
  const listed = JSON.parse(runCli(['sources', ws, '--json']).stdout) as {
    path: string;
    samples: number;
    state: string;
  }[];
  assert.equal(listed.length, 13);
  assert.ok(listed.every((s) => s.state === 'done'));
  assert.equal(listed.find((s) => s.path === join(f, 'meta.csv'))?.samples, 7);

  const d = db(ws);
  try {
    const bySource = new Map(
      (
        d
          .prepare(
            `SELECT s.path, s.kind, COUNT(x.id) n FROM sources s LEFT JOIN samples x ON x.source_id = s.id GROUP BY s.id`,
          )
          .all() as { path: string; kind: string; n: number }[]
      ).map((x) => [relative(f, x.path), x]),
    );
    assert.equal(bySource.get('meta.parquet')?.n, 25);
    assert.equal(bySource.get('meta.parquet.gz')?.n, 5);
    assert.equal(bySource.get('meta.csv')?.n, 7);
    assert.equal(bySource.get('meta.tsv')?.n, 6);
    assert.equal(bySource.get('meta.jsonl')?.n, 5);
    assert.equal(bySource.get('meta.jsonl.gz')?.n, 4);
    assert.deepEqual([bySource.get('wds/00000.tar')?.kind, bySource.get('wds/00000.tar')?.n], ['webdataset', 4]);
    assert.deepEqual(
      [bySource.get('wds/00000.parquet')?.kind, bySource.get('wds/00000.parquet')?.n],
      ['img2dataset-status', 3],
      'failed downloads of the shard',
    );
    assert.equal(
      bySource.get('files/00000.parquet')?.n,
      0,
      'files layout status: all successes, already in the images',
    );
    assert.equal(bySource.get('files')?.n, 3);
    assert.equal(bySource.get('plain')?.n, 2);
    assert.equal(bySource.get('plain.tar')?.n, 2);
    assert.deepEqual([bySource.get('urls.txt')?.kind, bySource.get('urls.txt')?.n], ['url-list', 3]);
    const urls = d
      .prepare(
        `SELECT x.row, x.url, x.caption FROM samples x JOIN sources s ON s.id = x.source_id WHERE s.kind = 'url-list' ORDER BY x.row`,
      )
      .all();
    assert.deepEqual(
      urls,
      [0, 1, 2].map((i) => ({
        row: i,
        url: `http${i === 1 ? 's' : ''}://example.invalid/u/${i}.${i === 1 ? 'png' : 'jpg'}`,
        caption: '',
      })),
    );

    // Metadata columns: WIDTH, HEIGHT, NSFW, similarity, punsafe kept; other columns in extra; pandas index ignored.
    for (const [name, prefix] of [
      ['meta.parquet', 'pq'],
      ['meta.parquet.gz', 'pqgz'],
      ['meta.csv', 'csv'],
      ['meta.tsv', 'tsv'],
      ['meta.jsonl', 'jsonl'],
      ['meta.jsonl.gz', 'jsonlgz'],
    ]) {
      const row = d
        .prepare(`SELECT x.* FROM samples x JOIN sources s ON s.id = x.source_id WHERE s.path = ? AND x.row = 3`)
        .get(join(f, name)) as any;
      assert.equal(row.url, `http://example.invalid/${prefix}/3.jpg`, name);
      assert.equal(row.caption, `${prefix} caption 3 with a dog`, name);
      assert.deepEqual([row.width, row.height, row.nsfw_meta], [103, 203, 'UNLIKELY'], name);
      assert.ok(Math.abs(row.laion_similarity - 0.303) < 1e-9, name);
      assert.ok(Math.abs(row.punsafe - 0.0003) < 1e-6, name);
      assert.deepEqual(JSON.parse(row.extra), { LICENSE: '?' }, name);
    }
    const wds = d
      .prepare(
        `SELECT x.* FROM samples x JOIN sources s ON s.id = x.source_id WHERE s.kind = 'webdataset' ORDER BY x.row`,
      )
      .all() as any[];
    assert.equal(wds[0].caption, `webdataset photo ${photos[0].name}`);
    assert.equal(wds[0].url, `http://example.invalid/wds/${photos[0].name}`);
    assert.equal(wds[0].nsfw_meta, 'UNLIKELY');
    assert.equal(wds[0].laion_similarity, 0.31);
    assert.equal(JSON.parse(wds[0].extra).key, '000000000');
    const failed = d
      .prepare(
        `SELECT x.fetch_status, x.fetch_error, x.url FROM samples x JOIN sources s ON s.id = x.source_id WHERE s.kind = 'img2dataset-status' ORDER BY x.row`,
      )
      .all() as any[];
    assert.deepEqual(
      failed.map((x) => x.fetch_status),
      ['timeout', 'http_error', 'timeout'],
    );
    assert.match(failed[1].fetch_error, /404/);
    const files = d
      .prepare(
        `SELECT x.caption, x.url, x.punsafe FROM samples x JOIN sources s ON s.id = x.source_id WHERE s.path = ? ORDER BY x.row`,
      )
      .all(join(f, 'files')) as any[];
    assert.equal(files[0].caption, `files layout ${photos[4].name}`);
    assert.equal(files[0].url, `http://example.invalid/files/${photos[4].name}`);
    assert.equal(files[0].punsafe, 0.01);
    const plain = d
      .prepare(
        `SELECT x.caption, x.extra FROM samples x JOIN sources s ON s.id = x.source_id WHERE s.path = ? ORDER BY x.row`,
      )
      .all(join(f, 'plain')) as any[];
    assert.deepEqual(
      plain.map((x) => [x.caption, JSON.parse(x.extra).file]),
      [
        ['a plain folder caption', 'a.jpg'],
        ['', 'sub/b.jpg'],
      ],
    );
    const tar = d
      .prepare(`SELECT x.caption FROM samples x JOIN sources s ON s.id = x.source_id WHERE s.path = ? ORDER BY x.row`)
      .all(join(f, 'plain.tar')) as any[];
    assert.deepEqual(
      tar.map((x) => x.caption),
      ['tar caption x', ''],
    );
    // Images: one per distinct photo, stored resized (<= 512) with a thumbnail (<= 256).
    const images = d.prepare(`SELECT stored_path, thumb_path FROM images`).all() as {
      stored_path: string;
      thumb_path: string;
    }[];
    assert.equal(images.length, 11);
    const sharp = (await import('sharp')).default;
    const m = await sharp(join(ws, images[0].stored_path)).metadata();
    const t = await sharp(join(ws, images[0].thumb_path)).metadata();
    assert.ok(Math.max(m.width!, m.height!) <= 512 && Math.max(t.width!, t.height!) <= 256);
  } finally {
    d.close();
  }
});
