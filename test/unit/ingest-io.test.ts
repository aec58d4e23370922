// The small decisions of ingest and fetch: which tar entries are unsafe, which X-Robots-Tag values opt out, how
// webdataset keys group, how invalid UTF-8 is counted, how bad image bytes are refused, what each input path is,
// duplicate tar entries, links out of folders, names printed without control characters, which jobs resume.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { groupWebdataset, readTarEntries, unsafeEntryReason, webdatasetKey } from '../../native-workers/io/tar.ts';
import { listFolder } from '../../native-workers/io/folders.ts';
import { jobsToResume } from '../../native-workers/cli/commands/jobs.ts';
import type { JobRow } from '../../native-workers/store/jobs.ts';
import { HostSlots, optsOutOfAi, retryAfterMs } from '../../native-workers/io/http-fetch.ts';
import { decodeCaption, printable, wellFormed } from '../../native-workers/io/text.ts';
import {
  DEFAULT_IMAGE_OPTIONS,
  ImageRejected,
  inspectImage,
  sniffImageFormat,
} from '../../native-workers/io/images.ts';
import { classifyInputs } from '../../native-workers/io/inputs.ts';
import { fetchStatusOfImg2datasetError } from '../../native-workers/workers/ingest/tables.ts';
import { cocoPhotos, pngBomb, writeTar } from '../helpers/ingest-fixtures.ts';
import { tempDir } from '../helpers/workspace.ts';

test('tar entries: absolute paths, .. components, links and devices are refused; directories skipped', () => {
  assert.equal(unsafeEntryReason('00000/000000001.jpg', 'file'), null);
  assert.equal(unsafeEntryReason('a..b/c.jpg', 'file'), null, 'dots inside a name are fine');
  assert.match(unsafeEntryReason('../../etc/x', 'file')!, /'\.\.' component/);
  assert.match(unsafeEntryReason('a/../../x.jpg', 'file')!, /'\.\.' component/);
  assert.match(unsafeEntryReason('a\\..\\x.jpg', 'file')!, /'\.\.' component/);
  assert.match(unsafeEntryReason('/etc/passwd', 'file')!, /absolute path/);
  assert.match(unsafeEntryReason('C:/x.jpg', 'file')!, /absolute path/);
  assert.match(unsafeEntryReason('x', 'symlink')!, /symbolic link/);
  assert.match(unsafeEntryReason('x', 'link')!, /hard link/);
  assert.match(unsafeEntryReason('x', 'character-device')!, /unsupported entry type/);
  assert.equal(unsafeEntryReason('dir/', 'directory'), 'skip');
});

test('webdataset keys split the basename at its first dot', () => {
  assert.deepEqual(webdatasetKey('00000/000000001.jpg'), { key: '00000/000000001', ext: 'jpg' });
  assert.deepEqual(webdatasetKey('a.b/000001.seg.PNG'), { key: 'a.b/000001', ext: 'seg.png' });
  assert.deepEqual(webdatasetKey('README'), { key: 'README', ext: '' });
});

test('X-Robots-Tag: noai / noimageai opt out unless scoped to another bot', () => {
  assert.equal(optsOutOfAi('noai'), true);
  assert.equal(optsOutOfAi('noindex, NoImageAI'), true);
  assert.equal(optsOutOfAi(['noindex', 'noai']), true);
  assert.equal(optsOutOfAi('imagenot: noai'), true);
  assert.equal(optsOutOfAi('googlebot: noai'), false);
  assert.equal(optsOutOfAi('noindex, nofollow'), false);
  assert.equal(optsOutOfAi('unavailable_after: 25 Jun 2010 15:00:00 PST, noai'), true);
  assert.equal(optsOutOfAi(undefined), false);
});

test('captions: invalid UTF-8 replaced and counted, genuine U+FFFD not counted, lone surrogates replaced', () => {
  assert.deepEqual(decodeCaption(Buffer.from('  a dog\n')), { text: 'a dog', replaced: 0 });
  assert.deepEqual(decodeCaption(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0xff])), {
    text: 'caf\ufffd \ufffd',
    replaced: 2,
  });
  assert.deepEqual(decodeCaption(Buffer.from('ok \ufffd', 'utf8')), { text: 'ok \ufffd', replaced: 0 });
  assert.deepEqual(wellFormed('a\ud800b'), { text: 'a\ufffdb', replaced: 1 });
  assert.deepEqual(wellFormed('\ud83d\udc36 dog'), { text: '\ud83d\udc36 dog', replaced: 0 });
});

test('image bytes: empty, non-image, corrupt header and bomb refused with their reason, before any decoding', async () => {
  const reject = async (buf: Buffer) => {
    try {
      await inspectImage(buf, DEFAULT_IMAGE_OPTIONS);
    } catch (err) {
      assert.ok(err instanceof ImageRejected);
      return `${err.problem}: ${err.message}`;
    }
    return 'accepted';
  };
  assert.equal(await reject(Buffer.alloc(0)), 'empty: empty file (0 bytes)');
  assert.match(await reject(Buffer.from('{"error": "not found"}')), /^not_image: not an image \(looks like JSON\)/);
  assert.match(await reject(Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8])), /^not_image: .*starts with bytes 0001020304/);
  assert.match(await reject(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10])), /^corrupt: corrupt jpeg image/);
  const t = performance.now();
  assert.match(
    await reject(pngBomb()),
    /^too_large: decompression bomb: 30000x30000 \(900\.0 Mpx\) exceeds the 89\.5 Mpx limit/,
  );
  assert.ok(performance.now() - t < 5000, 'the bomb is refused from its header (a decode would take far longer)');
  const photo = cocoPhotos(1)[0].data;
  assert.equal(sniffImageFormat(photo), 'jpeg');
  assert.deepEqual(await inspectImage(photo, DEFAULT_IMAGE_OPTIONS), { format: 'jpeg', width: 640, height: 426 });
});

test('img2dataset error messages map to fetch statuses', () => {
  assert.equal(fetchStatusOfImg2datasetError('The read operation timed out'), 'timeout');
  assert.equal(fetchStatusOfImg2datasetError('HTTP Error 404: Not Found'), 'http_error');
  assert.equal(fetchStatusOfImg2datasetError('image decoding error'), 'not_image');
  assert.equal(fetchStatusOfImg2datasetError(null), 'http_error');
});

test('Retry-After: seconds or an HTTP date, capped at 30 s', () => {
  assert.equal(retryAfterMs('2'), 2000);
  assert.equal(retryAfterMs('120'), 30000);
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(retryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now), 5000);
  assert.equal(retryAfterMs('Wed, 31 Dec 2025 00:00:05 GMT', now), undefined);
  assert.equal(retryAfterMs('soon'), undefined);
  assert.equal(retryAfterMs(undefined), undefined);
});

test('per-host slots', () => {
  const h = new HostSlots(2);
  const host = HostSlots.hostOf('http://Example.org:8080/a.jpg');
  assert.equal(host, 'example.org:8080');
  h.acquire(host);
  h.acquire(host);
  assert.equal(h.free(host), false);
  assert.equal(h.free('other'), true);
  h.release(host);
  assert.equal(h.free(host), true);
});

test('input paths: tables, shards with status files, files layout, image folders, single images, unusable', () => {
  const d = tempDir();
  try {
    const r = d.path;
    writeFileSync(join(r, 'meta.csv.gz'), '');
    writeFileSync(join(r, 'notes.md'), '');
    writeFileSync(join(r, 'urls.txt'), '');
    mkdirSync(join(r, 'shards'));
    writeFileSync(join(r, 'shards', '00000.tar'), '');
    writeFileSync(join(r, 'shards', '00000.parquet'), '');
    writeFileSync(join(r, 'shards', '00000_stats.json'), '');
    writeFileSync(join(r, 'shards', 'laion-part-1.parquet'), '');
    mkdirSync(join(r, 'files', '00000'), { recursive: true });
    writeFileSync(join(r, 'files', '00000', '000000000.jpg'), '');
    writeFileSync(join(r, 'files', '00000.parquet'), '');
    writeFileSync(join(r, 'one.png'), '');
    writeFileSync(join(r, 'one.txt'), 'caption');
    mkdirSync(join(r, 'empty'));
    const got = classifyInputs([
      join(r, 'meta.csv.gz'),
      join(r, 'shards'),
      join(r, 'files'),
      join(r, 'one.png'),
      join(r, 'one.txt'),
      join(r, 'urls.txt'),
      join(r, 'notes.md'),
      join(r, 'empty'),
      join(r, 'missing.csv'),
      join(r, 'meta.csv.gz'),
    ]);
    assert.deepEqual(
      got.map((g) => [g.kind, g.path.slice(r.length + 1)]),
      [
        ['table', 'meta.csv.gz'],
        ['tar', 'shards/00000.tar'],
        ['status', 'shards/00000.parquet'],
        ['table', 'shards/laion-part-1.parquet'],
        ['status', 'files/00000.parquet'],
        ['folder', 'files'],
        ['folder', 'one.png'],
        ['urls', 'urls.txt'],
        ['unusable', 'notes.md'],
        ['unusable', 'empty'],
        ['unusable', 'missing.csv'],
      ],
    );
    const single = got.find((g) => g.path.endsWith('one.png'))!;
    assert.ok(single.kind === 'folder' && single.samples[0].caption?.rel === 'one.txt');
  } finally {
    d.cleanup();
  }
});

test('tar entries: a name seen before (also as ./name) is reported, not overwritten; a sample key coming back and a second file of one extension too', async () => {
  const d = tempDir();
  try {
    const tar = join(d.path, 'dups.tar');
    await writeTar(tar, [
      { name: 'a/000.jpg', data: 'jpeg 0' },
      { name: 'a/000.txt', data: 'first' },
      { name: './a//000.txt', data: 'same file again' },
      { name: 'a/000.TXT', data: 'same extension' },
      { name: 'a/001.jpg', data: 'jpeg 1' },
      { name: 'a/000.json', data: '{}' },
    ]);
    const out: string[] = [];
    for await (const g of groupWebdataset(readTarEntries(tar, { maxEntryBytes: 1 << 20 }))) {
      out.push(
        g.type === 'group'
          ? `group ${g.group.key}: ${[...g.group.files.values()].map((f) => `${f.name}=${f.data}`).join(' ')}`
          : `rejected ${g.name}: ${g.reason}`,
      );
    }
    assert.deepEqual(out, [
      'rejected ./a//000.txt: duplicate entry: an earlier entry has this name (the first one is kept)',
      "rejected a/000.TXT: sample 'a/000' already has a .txt file (a/000.txt, which is kept)",
      'group a/000: a/000.jpg=jpeg 0 a/000.txt=first',
      'group a/001: a/001.jpg=jpeg 1',
      "rejected a/000.json: sample 'a/000' came earlier in the archive: its entries must be consecutive (this one is not used)",
    ]);
  } finally {
    d.cleanup();
  }
});

test('folders: file links inside the folder are used, links leaving it refused with their target; printed names lose their control characters', () => {
  const d = tempDir();
  try {
    const root = join(d.path, 'photos');
    mkdirSync(join(root, 'sub'), { recursive: true });
    writeFileSync(join(root, 'a.jpg'), 'a');
    writeFileSync(join(d.path, 'outside.txt'), 'secret');
    symlinkSync(join(d.path, 'outside.txt'), join(root, 'a.txt'));
    symlinkSync('../a.jpg', join(root, 'sub', 'b.jpg'));
    symlinkSync(d.path, join(root, 'dir-link')); // links to folders are not followed at all
    const { files, refused } = listFolder(root);
    assert.deepEqual(
      files.map((f) => f.rel),
      ['a.jpg', 'sub/b.jpg'],
    );
    assert.deepEqual(refused, [
      {
        rel: 'a.txt',
        abs: join(root, 'a.txt'),
        reason: `symbolic link to ${join(d.path, 'outside.txt')}, outside the folder (refused, never read)`,
      },
    ]);
    const inputs = classifyInputs([root]);
    assert.deepEqual(
      inputs.map((i) => [i.kind, i.path]),
      [
        ['unusable', join(root, 'a.txt')],
        ['folder', root],
      ],
    );
  } finally {
    d.cleanup();
  }
  assert.equal(
    printable('evil\x1b[2J\x1b[31mred\u202e\r\n\t\x7f\x9b.jpg'),
    'evil\\x1b[2J\\x1b[31mred\\u202e\\r\\n\\t\\x7f\\x9b.jpg',
  );
  assert.equal(printable('café 猫 🐕 ok'), 'café 猫 🐕 ok');
});

test('jobs resume without an id: interrupted and failed, oldest first; not cancelled; not one a later identical job completed', () => {
  const job = (id: number, state: JobRow['state'], params: unknown, kind = 'ingest') =>
    ({ id, kind, state, params }) as JobRow;
  const jobs = [
    job(6, 'succeeded', { paths: ['/b'] }),
    job(5, 'interrupted', { paths: ['/c'] }),
    job(4, 'failed', { paths: ['/b'] }),
    job(3, 'cancelled', { paths: ['/x'] }),
    job(2, 'failed', { paths: ['/a'] }),
    job(1, 'failed', { rows: 5 }, 'selftest'),
  ];
  const { resume, superseded } = jobsToResume(jobs);
  assert.deepEqual(
    resume.map((j) => j.id),
    [1, 2, 5],
  );
  assert.deepEqual(
    superseded.map((s) => [s.job.id, s.by.id]),
    [[4, 6]],
  );
});
