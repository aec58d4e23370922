// `imagenot fetch` as a real process against a local HTTP server (real COCO photos, error codes, slow responses,
// redirects, the noai opt-out, wrong types, oversized bodies, a PNG bomb), including SIGKILL and `jobs resume`, and
// the refusal of loopback, private, link-local and metadata addresses (SSRF). No test sends traffic beyond loopback.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { cliPath, repoRoot, tempDir, type CliResult } from '../helpers/workspace.ts';
import { startImageServer } from '../helpers/image-server.ts';
import { DEFAULT_FETCH_OPTIONS, fetchUrl, type ResolveAll } from '../../native-workers/io/http-fetch.ts';
import { nonPublicReason } from '../../native-workers/io/net-addresses.ts';

const dir = tempDir('imagenot-fetch-');
after(() => dir.cleanup());

/** Run the CLI without blocking this process (the HTTP server lives here). */
function cli(args: string[], opts: { detached?: boolean } = {}): { done: Promise<CliResult>; pid: number } {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: repoRoot,
    detached: opts.detached,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { done, pid: child.pid! };
}

async function workspaceWithUrls(name: string, urls: string[]): Promise<string> {
  const ws = join(dir.path, name);
  const csv = join(dir.path, `${name}.csv`);
  writeFileSync(csv, 'URL,TEXT\n' + urls.map((u, i) => `${u},caption ${i}`).join('\n') + '\n');
  const init = await cli(['init', ws]).done;
  assert.equal(init.code, 0, init.stderr);
  const r = await cli(['ingest', ws, csv]).done;
  assert.equal(r.code, 0, r.stderr);
  return ws;
}

function statuses(ws: string): Map<string, { status: string; error: string | null; sha: string | null }> {
  const d = new Database(join(ws, 'workspace.db'), { readonly: true });
  try {
    const rows = d
      .prepare(`SELECT url, fetch_status status, fetch_error error, image_sha256 sha FROM samples`)
      .all() as any[];
    return new Map(rows.map((r) => [r.url, { status: r.status, error: r.error, sha: r.sha }]));
  } finally {
    d.close();
  }
}

test('fetch: photos, errors, timeouts, redirects, opt-out, wrong types, size limits, bombs -> one status each', async () => {
  const server = await startImageServer({ photos: 12 });
  try {
    const p = server.photos;
    const cases: [string, string, RegExp | null][] = [
      [`/photo/${p[0]}`, 'ok', null],
      [`/photo/${p[1]}`, 'ok', null],
      [`/redirect/3/${p[2]}`, 'ok', null],
      [`/otherbot/${p[3]}`, 'ok', null],
      [`/flaky/${p[4]}`, 'ok', null],
      [`/photo/${p[0]}?copy`, 'ok', null],
      ['/status/404', 'http_error', /HTTP 404/],
      ['/status/500', 'http_error', /HTTP 500.*after 2 attempts/],
      ['/status/403', 'http_error', /HTTP 403/],
      ['/loop', 'http_error', /too many redirects/],
      [`/slow/4000/${p[5]}`, 'timeout', /timed out after 1s/],
      [`/noai/${p[6]}`, 'opted_out', /noai/],
      [`/noimageai/${p[7]}`, 'opted_out', /noimageai/],
      [`/redirect-noai/${p[8]}`, 'opted_out', /noai/],
      ['/html', 'not_image', /content-type text\/html/],
      ['/fake-jpeg', 'not_image', /not an image \(looks like HTML/],
      ['/huge', 'too_large', /exceeds the 20971520-byte limit/],
      ['/bomb', 'too_large', /decompression bomb: 30000x30000/],
      ['http://127.0.0.1:1/refused.jpg', 'http_error', /ECONNREFUSED/],
    ];
    const urls = cases.map(([u]) => (u.startsWith('http') ? u : server.base + u));
    const ws = await workspaceWithUrls('ws-cases', urls);
    // The server is on 127.0.0.1, which fetch refuses unless told otherwise (see the SSRF tests below).
    const r = await cli([
      'fetch',
      ws,
      '--timeout',
      '1',
      '--retries',
      '1',
      '--concurrency',
      '8',
      '--allow-private-addresses',
    ]).done;
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const got = statuses(ws);
    cases.forEach(([path, status, error], i) => {
      const s = got.get(urls[i])!;
      assert.equal(s.status, status, `${path}: ${JSON.stringify(s)}`);
      if (error) assert.match(s.error ?? '', error, path);
      assert.equal(s.sha != null, status === 'ok', `${path}: image stored only when ok`);
    });
    // Nothing was read or stored for the opted-out photos; the same photo twice is stored once.
    const d = new Database(join(ws, 'workspace.db'), { readonly: true });
    try {
      assert.equal((d.prepare(`SELECT COUNT(*) n FROM images`).get() as { n: number }).n, 5);
      const thumb = d.prepare(`SELECT thumb_path FROM images LIMIT 1`).get() as { thumb_path: string };
      assert.ok(existsSync(join(ws, thumb.thumb_path)));
    } finally {
      d.close();
    }
    assert.equal(server.requests.get(`/flaky/${p[4]}`), 2, 'retried once after a 503');
    assert.equal(server.requests.get('/status/404'), 1, 'a 404 is not retried');
    assert.equal(server.requests.get('/status/500'), 2, 'a 500 is retried (--retries 1)');
    // status --json counts come from the per-sample statuses.
    const st = JSON.parse((await cli(['status', ws, '--json']).done).stdout);
    assert.deepEqual(st.fetch, { ok: 6, http_error: 5, timeout: 1, opted_out: 3, not_image: 2, too_large: 2 });
    // A second fetch has nothing left to do; --retry-failed asks again only for http_error/timeout/interrupted.
    const again = await cli(['fetch', ws, '--json', '--allow-private-addresses']).done;
    assert.equal(JSON.parse(again.stdout).result.attempted, 0);
    assert.equal(server.requests.get(`/noai/${p[6]}`), 1);
    const retry = await cli([
      'fetch',
      ws,
      '--retry-failed',
      '--timeout',
      '1',
      '--retries',
      '0',
      '--json',
      '--allow-private-addresses',
    ]).done;
    assert.equal(JSON.parse(retry.stdout).result.attempted, 6);
    assert.equal(server.requests.get(`/noai/${p[6]}`), 1, 'opted-out URLs are never requested again');
  } finally {
    await server.close();
  }
});

test('fetch killed with SIGKILL mid-way, then `jobs resume`: no URL requested twice, every sample has a status', async () => {
  const N = 120;
  const server = await startImageServer({ photos: N, delayMs: 150 });
  try {
    const urls = server.photos.map((name) => `${server.base}/photo/${name}`);
    const ws = await workspaceWithUrls('ws-kill', urls);
    const run = cli(['fetch', ws, '--concurrency', '4', '--per-host', '4', '--allow-private-addresses'], {
      detached: true,
    });
    const deadline = Date.now() + 60000;
    for (;;) {
      const ok = [...statuses(ws).values()].filter((s) => s.status === 'ok').length;
      if (ok >= 20) break;
      if (Date.now() > deadline) throw new Error('fetch did not progress');
      await new Promise((r) => setTimeout(r, 50));
    }
    process.kill(-run.pid, 'SIGKILL');
    await run.done;
    const mid = [...statuses(ws).values()];
    assert.ok(mid.filter((s) => s.status == null).length > 0, 'killed before the end');

    const resumed = await cli(['jobs', 'resume', ws]).done;
    assert.equal(resumed.code, 0, resumed.stderr);
    const end = [...statuses(ws).values()];
    const count = (st: string) => end.filter((s) => s.status === st).length;
    assert.equal(
      end.filter((s) => s.status == null || s.status === 'fetching').length,
      0,
      'every sample has a final status',
    );
    assert.ok(
      count('interrupted') <= 4,
      `only downloads in flight at the kill are interrupted (${count('interrupted')})`,
    );
    assert.equal(count('ok') + count('interrupted'), N);
    for (const u of urls) {
      const path = u.slice(server.base.length);
      assert.ok((server.requests.get(path) ?? 0) <= 1, `${path} requested ${server.requests.get(path)} times`);
    }
    const requested = urls.filter((u) => server.requests.has(u.slice(server.base.length))).length;
    assert.ok(requested >= count('ok'));
  } finally {
    await server.close();
  }
});

test('fetch refuses loopback, private, link-local and metadata addresses: refused_address, named, never requested', async () => {
  const server = await startImageServer({ photos: 4 });
  try {
    const port = new URL(server.base).port;
    const p = server.photos;
    // Nothing here may be requested: the non-loopback ones are refused before any connection is attempted.
    const cases: [string, RegExp][] = [
      [`${server.base}/photo/${p[0]}`, /^127\.0\.0\.1: loopback address refused .*--allow-private-addresses/],
      [`http://localhost:${port}/photo/${p[1]}`, /^localhost resolves to (127\.0\.0\.1|::1): loopback address refused/],
      ['http://10.0.0.1/a.jpg', /^10\.0\.0\.1: private address refused/],
      ['http://192.168.1.20/a.jpg', /^192\.168\.1\.20: private address refused/],
      [
        'http://169.254.169.254/latest/meta-data/iam/',
        /^169\.254\.169\.254: link-local \(cloud metadata\) address refused/,
      ],
      [`http://[::1]:${port}/photo/${p[2]}`, /^::1: loopback address refused/],
      [`http://[::ffff:127.0.0.1]:${port}/photo/${p[3]}`, /^::ffff:7f00:1: IPv4-mapped loopback address refused/],
      ['http://[fd00:ec2::254]/latest/meta-data/', /^fd00:ec2::254: unique local \(private\) address refused/],
      [`http://0.0.0.0:${port}/photo/${p[0]}`, /^0\.0\.0\.0: "this network" address refused/],
      [`http://2130706433:${port}/photo/${p[1]}`, /^127\.0\.0\.1: loopback address refused/],
    ];
    const ws = await workspaceWithUrls(
      'ws-ssrf',
      cases.map(([u]) => u),
    );
    const r = await cli(['fetch', ws, '--timeout', '2', '--retries', '0']).done;
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const got = statuses(ws);
    for (const [url, reason] of cases) {
      const s = got.get(url)!;
      assert.equal(s.status, 'refused_address', `${url}: ${JSON.stringify(s)}`);
      assert.match(s.error ?? '', reason, url);
    }
    assert.equal(server.requests.size, 0, `requests reached the server: ${[...server.requests.keys()].join(', ')}`);
    const st = JSON.parse((await cli(['status', ws, '--json']).done).stdout);
    assert.deepEqual(st.fetch, { refused_address: cases.length });
  } finally {
    await server.close();
  }
});

test('fetch --retry-failed --allow-private-addresses requests refused loopback samples again and stores them', async () => {
  const server = await startImageServer({ photos: 2 });
  try {
    const port = new URL(server.base).port;
    const urls = [`${server.base}/photo/${server.photos[0]}`, `http://localhost:${port}/photo/${server.photos[1]}`];
    const ws = await workspaceWithUrls('ws-ssrf-allowed', urls);
    assert.equal((await cli(['fetch', ws, '--retries', '0']).done).code, 0);
    assert.deepEqual(
      [...statuses(ws).values()].map((s) => s.status),
      ['refused_address', 'refused_address'],
    );
    assert.equal(server.requests.size, 0);
    // Without the flag --retry-failed leaves refused samples alone; with it they are fetched.
    assert.equal(JSON.parse((await cli(['fetch', ws, '--retry-failed', '--json']).done).stdout).result.attempted, 0);
    const allowed = await cli(['fetch', ws, '--retry-failed', '--allow-private-addresses', '--retries', '0', '--json'])
      .done;
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.equal(JSON.parse(allowed.stdout).result.attempted, 2);
    const end = [...statuses(ws).values()];
    assert.ok(
      end.every((s) => s.status === 'ok' && s.sha),
      JSON.stringify(end),
    );
  } finally {
    await server.close();
  }
});

test('fetchUrl: a redirect to a refused address, a name resolving to loopback, one resolution per connection', async () => {
  const server = await startImageServer({ photos: 2 });
  try {
    const port = new URL(server.base).port;
    const photo = server.photos[0];
    const base = { ...DEFAULT_FETCH_OPTIONS, retries: 0, timeoutMs: 5000 };
    // The test server's own address is let through so that its redirects can be followed; everything else keeps
    // the default rule.
    const onlyTestServer = (address: string) => (address === '127.0.0.1' ? null : nonPublicReason(address));
    const resolved: string[] = [];
    const names: Record<string, string> = {
      'metadata.test': '169.254.169.254',
      'loopback.test': '127.0.0.1',
      'mapped.test': '::ffff:127.0.0.1',
    };
    const resolve: ResolveAll = async (hostname) => {
      resolved.push(hostname);
      const address = names[hostname];
      if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return [{ address, family: address.includes(':') ? 6 : 4 }];
    };
    const redirectTo = (target: string) => `${server.base}/redirect-to/${encodeURIComponent(target)}`;

    for (const [target, reason] of [
      [
        `http://127.0.0.2:${port}/photo/${photo}`,
        /^redirected to http:\/\/127\.0\.0\.2:\d+: 127\.0\.0\.2: loopback address refused/,
      ],
      [`http://[::1]:${port}/photo/${photo}`, /^redirected to http:\/\/\[::1\]:\d+: ::1: loopback address refused/],
      [
        'http://metadata.test/latest/meta-data/',
        /^redirected to http:\/\/metadata\.test: metadata\.test resolves to 169\.254\.169\.254: link-local \(cloud metadata\) address refused/,
      ],
      [
        `http://10.1.2.3:${port}/photo/${photo}`,
        /^redirected to http:\/\/10\.1\.2\.3:\d+: 10\.1\.2\.3: private address refused/,
      ],
    ] as const) {
      const out = await fetchUrl(redirectTo(target), { ...base, addressPolicy: onlyTestServer, resolve });
      assert.equal(out.status, 'refused_address', `${target}: ${JSON.stringify(out)}`);
      assert.match((out as { error: string }).error, reason);
    }
    assert.equal(
      [...server.requests.keys()].filter((k) => !k.startsWith('/redirect-to/')).length,
      0,
      'no redirect target was requested',
    );

    // Names are judged by what they resolve to (the default rule, no exception).
    for (const name of ['loopback.test', 'mapped.test']) {
      const out = await fetchUrl(`http://${name}:${port}/photo/${photo}`, { ...base, resolve });
      assert.equal(out.status, 'refused_address', name);
      assert.match(
        (out as { error: string }).error,
        new RegExp(`^${name.replace('.', '\\.')} resolves to \\S+: (IPv4-mapped )?loopback address refused`),
      );
    }
    // A mixed answer is refused as a whole, before any connection.
    const mixed = await fetchUrl(`http://mixed.test:${port}/photo/${photo}`, {
      ...base,
      resolve: async () => [
        { address: '203.0.113.9', family: 4 },
        { address: '127.0.0.1', family: 4 },
      ],
    });
    assert.equal(mixed.status, 'refused_address');

    // DNS rebinding: the first answer is checked and connected to; a later, different answer is never asked for.
    let answers = 0;
    const rebinding: ResolveAll = async () =>
      answers++ === 0 ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '127.0.0.2', family: 4 }];
    const before = server.hostHeaders.length;
    const ok = await fetchUrl(`http://rebind.test:${port}/photo/${photo}`, {
      ...base,
      addressPolicy: onlyTestServer,
      resolve: rebinding,
    });
    assert.equal(ok.status, 'ok', JSON.stringify(ok));
    assert.equal(answers, 1, 'resolved once for the connection');
    assert.deepEqual(
      server.hostHeaders.slice(before),
      [`rebind.test:${port}`],
      'the request went to the checked address',
    );
  } finally {
    await server.close();
  }
});
