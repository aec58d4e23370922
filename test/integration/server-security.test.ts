// Security of the transports: browser mode's token on every /api route and the event socket, the media route's
// refusal of anything outside the workspace's media/ folder, zod rejection of bad payloads (HTTP and the Electron
// IPC adapter), the Host header and Origin checks against DNS rebinding, 413 for oversized bodies, and `serve`
// refusing addresses that are not loopback (after resolving names) without --allow-remote.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import WebSocket from 'ws';
import { openWorkspace, type Workspace } from '../../native-workers/store/workspace.ts';
import { JobRunner } from '../../native-workers/jobs/runner.ts';
import { loadWorker } from '../../native-workers/workers/registry.ts';
import { MAX_BODY, startServer, type RunningServer } from '../../native-workers/server/server.ts';
import { resolveBindAddress } from '../../native-workers/server/host-checks.ts';
import { createHandlers } from '../../native-workers/api/handlers/index.ts';
import { invokeChannel, registerApi, INVOKE, type DesktopHandlers } from '../../electron/ipc.ts';
import { StatusSchema } from '../../native-workers/api/channels/jobs.ts';
import { runCli, spawnCli, tempDir } from '../helpers/workspace.ts';
import { useSelftestWorker } from '../helpers/selftest-worker.ts';

useSelftestWorker();

let dir: ReturnType<typeof tempDir>;
let ws: Workspace;
let runner: JobRunner;
let server: RunningServer;
let thumbRel: string;

/** A GET/POST with the path sent byte for byte (fetch would normalise `..` away before it left). */
function raw(
  method: string,
  path: string,
  opts: { token?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body != null) headers['content-type'] = 'application/json';
    const req = request({ host: '127.0.0.1', port: server.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          type: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks),
        }),
      );
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}
const json = (r: { body: Buffer }) => JSON.parse(r.body.toString('utf8'));

before(async () => {
  dir = tempDir();
  ws = openWorkspace(join(dir.path, 'ws'), { create: true });
  runner = new JobRunner(ws, { workers: loadWorker }).start();
  mkdirSync(join(ws.paths.thumbs, 'ab'), { recursive: true });
  thumbRel = 'media/thumbs/ab/abcdef.jpg';
  await sharp({ create: { width: 32, height: 24, channels: 3, background: { r: 200, g: 40, b: 40 } } })
    .jpeg()
    .toFile(join(ws.paths.root, thumbRel));
  writeFileSync(join(dir.path, 'secret.txt'), 'outside the workspace');
  symlinkSync(join(dir.path, 'secret.txt'), join(ws.paths.media, 'escape.jpg'));
  symlinkSync(ws.paths.db, join(ws.paths.media, 'db-link.jpg'));
  server = await startServer({ ws, runner, rendererDir: null, port: 0, token: 'test-token-0123456789abcdef' });
});

after(async () => {
  await server.close();
  await runner.stop();
  ws.close();
  dir.cleanup();
});

test('every /api route needs the token: 401 without it or with a wrong one', async () => {
  for (const [method, path] of [
    ['GET', '/api/status'],
    ['POST', '/api/status.get'],
    ['POST', '/api/jobs.list'],
    ['POST', '/api/jobs.start'],
    ['POST', '/api/no.such.channel'],
  ] as const) {
    const body = method === 'POST' ? '{}' : undefined;
    assert.equal((await raw(method, path, { body })).status, 401, `${method} ${path} without token`);
    assert.equal(
      (await raw(method, path, { body, token: 'test-token-0123456789abcdeX' })).status,
      401,
      `${method} ${path} wrong token`,
    );
  }
  assert.equal((await raw('GET', '/api/status?token=nope')).status, 401);
  const ok = await raw('GET', `/api/status?token=${server.token}`);
  assert.equal(ok.status, 200);
  const status = StatusSchema.parse(json(ok));
  assert.equal(status.workspace, ws.paths.root);
  assert.equal((await raw('POST', '/api/status.get', { token: server.token, body: '{}' })).status, 200);
});

test('the event socket needs the token; with it, job events arrive', async () => {
  const refused = await new Promise<string>((resolve) => {
    const sock = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`);
    sock.on('open', () => resolve('opened'));
    sock.on('error', (err) => resolve(err.message));
  });
  assert.match(refused, /401/);
  const wrong = await new Promise<string>((resolve) => {
    const sock = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=wrong`);
    sock.on('open', () => resolve('opened'));
    sock.on('error', (err) => resolve(err.message));
  });
  assert.match(wrong, /401/);

  const sock = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=${server.token}`);
  await new Promise((resolve, reject) => {
    sock.once('open', resolve);
    sock.once('error', reject);
  });
  const seen: { event: string; payload: { id?: number; state?: string; jobId?: number } }[] = [];
  sock.on('message', (m) => seen.push(JSON.parse(String(m))));
  const res = await raw('POST', '/api/jobs.start', {
    token: server.token,
    body: JSON.stringify({ kind: 'selftest', params: { rows: 200, batch: 50 } }),
  });
  assert.equal(res.status, 200, res.body.toString());
  const id = json(res).id as number;
  await runner.waitFor(id);
  await new Promise((r) => setTimeout(r, 200));
  sock.close();
  assert.ok(
    seen.some((e) => e.event === 'job.updated' && e.payload.id === id && e.payload.state === 'succeeded'),
    'job.updated succeeded relayed',
  );
  assert.ok(
    seen.some((e) => e.event === 'job.progress' && e.payload.jobId === id),
    'job.progress relayed',
  );
});

test('media: serves a thumbnail inside media/ and refuses everything else', async () => {
  const t = `?token=${server.token}`;
  const ok = await raw('GET', `/media/${thumbRel}${t}`);
  assert.equal(ok.status, 200);
  assert.equal(ok.type, 'image/jpeg');
  assert.equal((await sharp(ok.body).metadata()).width, 32);

  assert.equal((await raw('GET', `/media/${thumbRel}`)).status, 401, 'media needs the token too');
  const refused = [
    '/media/../workspace.db',
    '/media/media/../workspace.db',
    '/media/media/thumbs/../../workspace.db',
    '/media/%2e%2e/workspace.db',
    '/media/media/%2e%2e%2fworkspace.db',
    '/media/media%2f..%2f..%2fsecret.txt',
    '/media/%2Fetc%2Fpasswd',
    '/media//etc/passwd',
    '/media/workspace.db',
    '/media/media/escape.jpg',
    '/media/media/db-link.jpg',
    '/media/media/thumbs',
    '/media/media/thumbs/ab/..%5C..%5C..%5Cworkspace.db',
  ];
  for (const path of refused) {
    const r = await raw('GET', `${path}${t}`);
    assert.ok(r.status === 403 || r.status === 400, `${path} -> ${r.status} ${r.body.toString().slice(0, 100)}`);
    assert.ok(
      !r.body.toString().includes('outside the workspace') && !r.body.includes(Buffer.from('SQLite format')),
      `${path} leaked content`,
    );
  }
  // Double encoding is not decoded twice: it names a file that does not exist.
  const twice = await raw('GET', `/media/media/%252e%252e/workspace.db${t}`);
  assert.equal(twice.status, 404);
  assert.equal((await raw('GET', `/media/media/thumbs/ab/missing.jpg${t}`)).status, 404);
});

test('payloads failing their zod schema are rejected with an error naming the field', async () => {
  const h = { token: server.token };
  const bad = await raw('POST', '/api/jobs.cancel', { ...h, body: JSON.stringify({ id: 'seven' }) });
  assert.equal(bad.status, 400);
  assert.match(json(bad).error, /invalid request for jobs\.cancel: id: .*number/);
  const neg = await raw('POST', '/api/jobs.list', { ...h, body: JSON.stringify({ limit: -3 }) });
  assert.equal(neg.status, 400);
  assert.match(json(neg).error, /jobs\.list: limit/);
  const notJson = await raw('POST', '/api/jobs.list', { ...h, body: '{limit: 3' });
  assert.equal(notJson.status, 400);
  assert.match(json(notJson).error, /not JSON/);
  const unknown = await raw('POST', '/api/fs.readFile', { ...h, body: '{}' });
  assert.equal(unknown.status, 404);
  assert.match(json(unknown).error, /unknown channel 'fs\.readFile'/);
  const badKind = await raw('POST', '/api/jobs.start', {
    ...h,
    body: JSON.stringify({ kind: 'selftest', params: { rows: 'many' } }),
  });
  assert.equal(badKind.status, 400);
  assert.match(json(badKind).error, /invalid parameters for selftest/);
});

test('Electron IPC adapter: same validation, desktop channels checked, untrusted senders refused', async () => {
  const handlers = () => createHandlers({ ws, runner });
  let picked = 0;
  const desktop: DesktopHandlers = {
    'app.pickPaths': async () => {
      picked++;
      return ['/tmp/x.parquet'];
    },
    'app.openWorkspace': async () => null,
  };
  const bad = await invokeChannel(handlers, desktop, 'jobs.cancel', { id: 'seven' });
  assert.equal(bad.ok, false);
  assert.match((bad as { error: string }).error, /invalid request for jobs\.cancel: id/);
  const badDesktop = await invokeChannel(handlers, desktop, 'app.pickPaths', { mode: 'everything' });
  assert.equal(badDesktop.ok, false);
  assert.match((badDesktop as { error: string }).error, /invalid request for app\.pickPaths: mode/);
  assert.equal(picked, 0);
  assert.deepEqual(await invokeChannel(handlers, desktop, 'app.pickPaths', { mode: 'files' }), {
    ok: true,
    value: ['/tmp/x.parquet'],
  });
  assert.equal((await invokeChannel(handlers, desktop, 42, {})).ok, false);
  const status = await invokeChannel(handlers, desktop, 'status.get', {});
  assert.equal(status.ok, true);

  // registerApi: the frame URL decides.
  const registered = new Map<
    string,
    (e: { senderFrame: { url: string } | null }, ...a: unknown[]) => Promise<unknown>
  >();
  const fakeIpc = {
    handle: (c: string, fn: never) => registered.set(c, fn),
    removeHandler: (c: string) => registered.delete(c),
  };
  const off = registerApi(fakeIpc, handlers, desktop, (url) => url.startsWith('imagenot-app://app/'));
  const invoke = registered.get(INVOKE)!;
  const fromEvil = (await invoke({ senderFrame: { url: 'https://evil.example/' } }, 'status.get', {})) as {
    ok: boolean;
    error: string;
  };
  assert.equal(fromEvil.ok, false);
  assert.match(fromEvil.error, /untrusted page/);
  const fromApp = (await invoke({ senderFrame: { url: 'imagenot-app://app/index.html' } }, 'status.get', {})) as {
    ok: boolean;
  };
  assert.equal(fromApp.ok, true);
  off();
  assert.equal(registered.size, 0);
});

test('serve refuses a non-loopback address without --allow-remote, and warns with it', async () => {
  const wsDir = join(dir.path, 'ws');
  const refused = runCli(['serve', wsDir, '--host', '0.0.0.0', '--port', '0'], { timeoutMs: 60000 });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /not a loopback address; add --allow-remote/);
  const child = spawnCli(['serve', wsDir, '--host', '0.0.0.0', '--port', '0', '--allow-remote']);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed:\n${out}`)), 60000);
    const check = () => {
      if (/token=/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
  });
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  assert.match(out, /warning: listening on 0\.0\.0\.0/);
  assert.match(out, /http:\/\/0\.0\.0\.0:\d+\/\?token=[\w-]{20,}/);
});

test('Host header: only names of this server (DNS rebinding protection), 403 otherwise, on every route', async () => {
  const port = server.port;
  const t = `?token=${server.token}`;
  for (const host of [
    `127.0.0.1:${port}`,
    `localhost:${port}`,
    'localhost:8000',
    `LOCALHOST:${port}`,
    `[::1]:${port}`,
    `127.0.0.2:${port}`,
    `app.localhost:${port}`,
  ]) {
    assert.equal((await raw('GET', `/api/status${t}`, { headers: { host } })).status, 200, host);
  }
  for (const host of [
    `evil.example:${port}`,
    'evil.example',
    `127.0.0.1.nip.io:${port}`,
    `10.0.0.1:${port}`,
    `[::ffff:a00:1]:${port}`,
    `0.0.0.0:${port}`,
  ]) {
    for (const path of ['/', `/api/status${t}`, `/media/${thumbRel}${t}`, '/api/jobs.list']) {
      const r = await raw(path === '/api/jobs.list' ? 'POST' : 'GET', path, {
        headers: { host },
        token: server.token,
        body: path === '/api/jobs.list' ? '{}' : undefined,
      });
      assert.equal(r.status, 403, `${host} ${path}`);
      assert.match(json(r).error, /is not this server \(DNS rebinding protection\)/);
    }
  }
  // HTTP/1.0 without a Host header.
  const noHost = await new Promise<string>((resolve, reject) => {
    const sock = connect(port, '127.0.0.1', () => sock.write(`GET /api/status${t} HTTP/1.0\r\n\r\n`));
    let text = '';
    sock.on('data', (d) => (text += d));
    sock.on('end', () => resolve(text));
    sock.on('error', reject);
  });
  assert.match(noHost, /^HTTP\/1\.1 403/);
});

test('Origin: a page of another site can neither call the API nor open the event socket, even with the token', async () => {
  const own = `http://127.0.0.1:${server.port}`;
  const post = (origin: string) =>
    raw('POST', '/api/jobs.list', { token: server.token, body: '{}', headers: { origin } });
  assert.equal((await post(own)).status, 200);
  for (const origin of [
    'http://evil.example',
    `http://evil.example:${server.port}`,
    'null',
    `http://localhost:${server.port}`,
    'file://',
  ]) {
    assert.equal((await post(origin)).status, 403, origin);
  }
  const open = (origin?: string, host?: string) =>
    new Promise<string>((resolve) => {
      const sock = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=${server.token}`, {
        origin,
        headers: host ? { host } : {},
      });
      sock.on('open', () => {
        sock.close();
        resolve('opened');
      });
      sock.on('error', (err) => resolve(err.message));
    });
  assert.equal(await open(own), 'opened');
  assert.equal(await open(undefined), 'opened', 'a non-browser client sends no Origin: the token protects it');
  assert.match(await open('http://evil.example'), /403/);
  assert.match(await open('null'), /403/);
  assert.match(await open(`http://evil.example:${server.port}`, `evil.example:${server.port}`), /403/);
});

/** POST a body of `size` bytes to /api/jobs.list (with content-length, chunked, or announced with Expect: 100-continue). */
function bigPost(
  size: number,
  mode: 'length' | 'chunked' | 'expect',
): Promise<{ status: number; body: string; continued: boolean }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {
      authorization: `Bearer ${server.token}`,
      'content-type': 'application/json',
    };
    if (mode !== 'chunked') headers['content-length'] = size;
    if (mode === 'expect') headers.expect = '100-continue';
    let continued = false;
    const req = request(
      { host: '127.0.0.1', port: server.port, method: 'POST', path: '/api/jobs.list', headers },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, body, continued }));
      },
    );
    req.on('error', reject);
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    const write = () => {
      for (let sent = 0; sent < size; sent += chunk.length)
        req.write(chunk.subarray(0, Math.min(chunk.length, size - sent)));
      req.end();
    };
    if (mode === 'expect') {
      req.on('continue', () => {
        continued = true;
        write();
      });
      req.flushHeaders();
    } else write();
  });
}

test('an oversized body gets 413 with a JSON error, not a reset connection; the server goes on', async () => {
  for (const mode of ['length', 'chunked', 'expect'] as const) {
    const r = await bigPost(MAX_BODY + 1024 * 1024, mode);
    assert.equal(r.status, 413, `${mode}: ${r.body.slice(0, 200)}`);
    assert.match(JSON.parse(r.body).error, /larger than the 4194304-byte limit/, mode);
    if (mode === 'expect') assert.equal(r.continued, false, 'refused before the body was sent');
  }
  // A body just under the limit is read (and then judged as JSON).
  const fits = await bigPost(MAX_BODY - 16, 'length');
  assert.equal(fits.status, 200, fits.body.slice(0, 200));
  assert.equal((await raw('GET', `/api/status?token=${server.token}`)).status, 200);
});

test('the bind address is resolved and checked, never matched by prefix', async () => {
  const fake = (answers: Record<string, string[]>) => async (host: string) => {
    if (!answers[host]) throw new Error(`getaddrinfo ENOTFOUND ${host}`);
    return answers[host];
  };
  const names = fake({
    '127.attacker.example': ['203.0.113.5'],
    'mixed.example': ['127.0.0.1', '10.0.0.5'],
    'lo.example': ['127.0.0.1', '::1'],
  });
  await assert.rejects(
    resolveBindAddress('127.attacker.example', false, names),
    /refusing to listen on 127\.attacker\.example \(203\.0\.113\.5\): not a loopback address/,
  );
  await assert.rejects(
    resolveBindAddress('mixed.example', false, names),
    /\(127\.0\.0\.1, 10\.0\.0\.5\): not a loopback address/,
  );
  await assert.rejects(
    resolveBindAddress('nowhere.invalid', false, names),
    /cannot listen on nowhere\.invalid: it does not resolve/,
  );
  for (const literal of ['0.0.0.0', '::', '10.0.0.1', '::ffff:10.0.0.1']) {
    await assert.rejects(resolveBindAddress(literal, false), /not a loopback address/, literal);
  }
  assert.deepEqual(await resolveBindAddress('lo.example', false, names), { address: '127.0.0.1', loopback: true });
  assert.deepEqual(await resolveBindAddress('127.0.0.2', false), { address: '127.0.0.2', loopback: true });
  assert.deepEqual(await resolveBindAddress('[::1]', false), { address: '::1', loopback: true });
  assert.deepEqual(await resolveBindAddress('127.attacker.example', true, names), {
    address: '203.0.113.5',
    loopback: false,
  });
  const local = await resolveBindAddress('localhost', false); // the system resolver (/etc/hosts)
  assert.equal(local.loopback, true);
  // startServer refuses the same way, before listening.
  await assert.rejects(
    startServer({ ws, runner, rendererDir: null, port: 0, host: '127.attacker.example', resolveHost: names }),
    /refusing to listen on 127\.attacker\.example/,
  );
  // The CLI: a usage error (exit 2) naming the problem, where a string-prefix check used to let it through.
  const cli = runCli(['serve', join(dir.path, 'ws-bind'), '--host', '127.attacker.invalid', '--port', '0'], {
    timeoutMs: 60000,
  });
  assert.equal(cli.code, 2, cli.stderr);
  assert.match(cli.stderr, /cannot listen on 127\.attacker\.invalid: it does not resolve/);
});
