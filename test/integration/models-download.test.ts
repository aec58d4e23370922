// `imagenot models add --download`: against a local stand-in for the Hugging Face Hub (test/helpers/fake-hub.ts, on
// 127.0.0.1 only), a branch is pinned to its commit, files stream to disk and are checked against the Hub's sizes and
// hashes, a cut-off transfer continues with an HTTP Range request (in the same run, or in the next run of the
// command), a file whose bytes do not match its recorded hash is refused, and the folder then passes the model checks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { writeTinyClip, writeTinySentence } from '../helpers/tiny-onnx.ts';
import { startFakeHub, type FakeHubFaults, type FakeRepo } from '../helpers/fake-hub.ts';
import { runCli, spawnCli, tempDir, type CliResult } from '../helpers/workspace.ts';
import { downloadFromHub } from '../../native-workers/io/encoders/download.ts';
import { MODEL_FILES } from '../../native-workers/io/encoders/model-folder.ts';

const COMMIT = 'c0ffee'.padEnd(40, '0');
const OLD = 'beef'.padEnd(40, '1');
let tmp: ReturnType<typeof tempDir>;
let clip: FakeRepo;
let sentence: FakeRepo;

function readTree(dir: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p).split('\\').join('/')] = readFileSync(p);
    }
  };
  walk(dir);
  return out;
}

before(() => {
  tmp = tempDir();
  writeTinyClip(join(tmp.path, 'clip'));
  writeTinySentence(join(tmp.path, 'sentence'));
  clip = { id: 'acme/tiny-clip', refs: { main: COMMIT, v1: OLD }, files: readTree(join(tmp.path, 'clip')) };
  sentence = { id: 'acme/tiny-mpnet', refs: { main: COMMIT }, files: readTree(join(tmp.path, 'sentence')) };
  assert.ok(clip.files['onnx/text_model.onnx'].length > 9000, 'the text tower is big enough to cut three times');
});
after(() => tmp.cleanup());

/** Run `fn` with a fake Hub for `repo`; the CLI and the library are pointed at it (and nowhere else). */
async function withHub<T>(
  repo: FakeRepo,
  faults: FakeHubFaults,
  fn: (hub: Awaited<ReturnType<typeof startFakeHub>>) => Promise<T> | T,
): Promise<T> {
  const hub = await startFakeHub(repo, faults);
  try {
    return await fn(hub);
  } finally {
    await hub.close();
  }
}

/** The CLI as a separate process, without blocking this one (it serves the fake Hub). */
function cli(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const child = spawnCli(args, { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

const gets = (
  hub: { requests: { method: string; path: string; range: string | null; status: number }[] },
  file: string,
) =>
  hub.requests.filter(
    (r) => r.method === 'GET' && decodeURIComponent(r.path).endsWith(`/${file}`) && r.range !== 'bytes=0-0',
  );

test('a branch is pinned to its commit; files are read at that commit, verified and complete', async () => {
  await withHub(clip, {}, async (hub) => {
    const root = join(tmp.path, 'dl-pinned');
    const got = await downloadFromHub({ repo: clip.id, files: MODEL_FILES.clip, root, hub: hub.url });
    assert.equal(got.commit, COMMIT);
    assert.equal(got.revision, 'main');
    assert.equal(got.dir, join(root, `acme--tiny-clip@${COMMIT}`));
    for (const f of MODEL_FILES.clip) assert.ok(readFileSync(join(got.dir, f)).equals(clip.files[f]), f);
    assert.deepEqual(
      readdirSync(join(got.dir, 'onnx')).sort(),
      ['text_model.onnx', 'vision_model.onnx'],
      'no .part left',
    );
    const resolves = hub.requests.filter((r) => r.path.includes('/resolve/'));
    assert.ok(
      resolves.length >= MODEL_FILES.clip.length && resolves.every((r) => r.path.includes(`/resolve/${COMMIT}/`)),
      'every file read at the commit, never at "main"',
    );
    const vision = got.files.find((f) => f.path === 'onnx/vision_model.onnx')!;
    assert.match(vision.sha256!, /^[0-9a-f]{64}$/);
    assert.match(got.files.find((f) => f.path === 'config.json')!.gitOid!, /^[0-9a-f]{40}$/);

    // Another revision is another folder; the partial files of the first are not resumed at the second.
    const old = await downloadFromHub({ repo: clip.id, revision: 'v1', files: ['config.json'], root, hub: hub.url });
    assert.equal(old.commit, OLD);
    assert.deepEqual(readdirSync(root), [`acme--tiny-clip@${OLD}`]);
  });
});

test('a transfer cut off mid-file continues with a Range request from where it stopped', async () => {
  const file = 'onnx/text_model.onnx';
  await withHub(clip, { cut: { [file]: { afterBytes: 3000, times: 2 } } }, async (hub) => {
    const notes: string[] = [];
    const got = await downloadFromHub({
      repo: clip.id,
      files: MODEL_FILES.clip,
      root: join(tmp.path, 'dl-cut'),
      hub: hub.url,
      retries: 2,
      retryDelayMs: 10,
      log: (m) => notes.push(m),
    });
    assert.ok(readFileSync(join(got.dir, file)).equals(clip.files[file]));
    const transfers = gets(hub, file).filter((r) => r.path.startsWith('/cdn/'));
    assert.equal(transfers.length, 3, JSON.stringify(transfers));
    assert.equal(transfers[0].range, null, 'the first transfer asks for the whole file');
    assert.equal(
      transfers[1].range,
      `bytes=3000-${clip.files[file].length - 1}`,
      'the second continues after the 3000 bytes it has',
    );
    assert.equal(transfers[2].range, `bytes=6000-${clip.files[file].length - 1}`);
    assert.ok(
      notes.some((n) => /onnx\/text_model\.onnx: resuming at 0\.0 MB/.test(n)),
      notes.join('\n'),
    );
  });
});

test('a server that ignores Range: the file starts over instead of being appended to', async () => {
  const file = 'onnx/text_model.onnx';
  await withHub(clip, { cut: { [file]: { afterBytes: 2000, times: 1 } }, ignoreRange: true }, async (hub) => {
    const got = await downloadFromHub({
      repo: clip.id,
      files: MODEL_FILES.clip,
      root: join(tmp.path, 'dl-norange'),
      hub: hub.url,
      retries: 2,
      retryDelayMs: 10,
    });
    assert.ok(readFileSync(join(got.dir, file)).equals(clip.files[file]));
    const transfers = gets(hub, file).filter((r) => r.path.startsWith('/cdn/'));
    assert.deepEqual(
      transfers.map((r) => [r.range?.split('-')[0] ?? null, r.status]),
      [
        [null, 200],
        ['bytes=2000', 200],
        [null, 200],
      ],
    );
  });
});

test('bytes that do not match the hash the Hub records are refused and deleted (LFS sha256 and git blob id)', async () => {
  for (const file of ['onnx/text_model.onnx', 'tokenizer.json']) {
    const bad = Buffer.from(clip.files[file]);
    bad[bad.length >> 1] ^= 0xff;
    await withHub(clip, { tamper: { [file]: bad } }, async (hub) => {
      const root = join(tmp.path, `dl-tampered-${file.replace('/', '-')}`);
      await assert.rejects(
        downloadFromHub({ repo: clip.id, files: MODEL_FILES.clip, root, hub: hub.url }),
        new RegExp(
          `acme/tiny-clip@c0ffee000000: ${file.replace('.', '\\.')} does not match the Hub's record \\(${file.endsWith('.onnx') ? 'sha256' : 'git blob id'} [0-9a-f]+, the Hub reports [0-9a-f]+\\); the download was deleted`,
        ),
      );
      const dir = join(root, `acme--tiny-clip@${COMMIT}`);
      assert.ok(
        !existsSync(join(dir, file)) && !existsSync(join(dir, `${file}.part`)),
        'nothing of the bad file is kept',
      );
    });
  }
});

test('`models add --download`: an interrupted run is continued by the next; the model is imported with its commit', async () => {
  const ws = join(tmp.path, 'ws');
  assert.equal(runCli(['init', ws]).code, 0);
  const file = 'onnx/text_model.onnx';
  await withHub(clip, { cut: { [file]: { afterBytes: 2500, times: 1 } } }, async (hub) => {
    const env = { IMAGENOT_HF_HUB: hub.url, HF_ENDPOINT: hub.url };
    const first = await cli(['models', 'add', ws, '--download', clip.id, '--kind', 'clip', '--retries', '0'], env);
    assert.equal(first.code, 1, first.stderr);
    assert.match(
      first.stderr,
      /onnx\/text_model\.onnx: the transfer stopped after 0\.0 MB of 0\.0 MB.*; run the same command again to continue the download/,
    );
    const partial = join(ws, 'models', '.downloads', `acme--tiny-clip@${COMMIT}`, `${file}.part`);
    assert.equal(statSync(partial).size, 2500, 'the cut-off transfer is kept');
    const listedFirst = runCli(['models', 'list', ws]).stdout;
    assert.match(listedFirst, /^glove/m);
    assert.doesNotMatch(listedFirst, /tiny-clip/, 'nothing imported yet');

    const second = await cli(['models', 'add', ws, '--download', clip.id, '--kind', 'clip', '--json'], env);
    assert.equal(second.code, 0, second.stderr);
    const model = JSON.parse(second.stdout);
    assert.equal(model.name, 'tiny-clip');
    assert.equal(model.info.source, `hf:acme/tiny-clip@${COMMIT}`);
    assert.deepEqual([model.info.download.revision, model.info.download.commit], ['main', COMMIT]);
    assert.equal(model.info.dim, 8, 'the downloaded folder passed the model checks');
    assert.equal(gets(hub, 'config.json').length, 1, 'files completed by the first run are not fetched again');
    const transfers = gets(hub, file).filter((r) => r.path.startsWith('/cdn/'));
    assert.deepEqual(
      transfers.map((r) => r.range),
      [null, `bytes=2500-${clip.files[file].length - 1}`],
    );
    for (const f of MODEL_FILES.clip)
      assert.ok(readFileSync(join(ws, 'models', 'tiny-clip', f)).equals(clip.files[f]), f);
    assert.ok(!existsSync(join(ws, 'models', '.downloads')), 'the download folder is gone once imported');
    const listed = JSON.parse(runCli(['models', 'list', ws, '--json']).stdout).find(
      (m: { name: string }) => m.name === 'tiny-clip',
    );
    assert.equal(listed.source, `hf:acme/tiny-clip@${COMMIT}`);
  });
});

test('`models add --download`: a wrong revision, a repo without the files of the kind, a bad id are clear errors', async () => {
  const ws = join(tmp.path, 'ws-errors');
  assert.equal(runCli(['init', ws]).code, 0);
  await withHub(sentence, {}, async (hub) => {
    const env = { IMAGENOT_HF_HUB: hub.url, HF_ENDPOINT: hub.url };
    const rev = await cli(
      ['models', 'add', ws, '--download', sentence.id, '--kind', 'sentence', '--revision', 'v9'],
      env,
    );
    assert.equal(rev.code, 1);
    assert.match(rev.stderr, /acme\/tiny-mpnet at revision 'v9': not found on http:\/\/127\.0\.0\.1:\d+/);
    const kind = await cli(['models', 'add', ws, '--download', sentence.id, '--kind', 'clip'], env);
    assert.equal(kind.code, 1);
    assert.match(
      kind.stderr,
      /acme\/tiny-mpnet@c0ffee000000 has no preprocessor_config\.json, onnx\/text_model\.onnx, onnx\/vision_model\.onnx/,
    );
    const id = await cli(['models', 'add', ws, '--download', 'acme/tiny-mpnet/extra', '--kind', 'clip'], env);
    assert.equal(id.code, 1);
    assert.match(id.stderr, /'acme\/tiny-mpnet\/extra' is not a Hugging Face model id/);
    const ok = await cli(
      ['models', 'add', ws, '--download', sentence.id, '--kind', 'sentence', '--name', 'mpnet'],
      env,
    );
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /imported sentence model 'mpnet'/);
    assert.equal(
      hub.requests.filter(
        (r) => !r.path.startsWith('/api/') && !r.path.startsWith(`/${sentence.id}/`) && !r.path.startsWith('/cdn/'),
      ).length,
      0,
    );
  });
});
