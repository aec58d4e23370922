// Browser mode straight after `npm install` (no dist/ yet): `imagenot serve` builds the renderer on first use and
// serves the app, as the README's quick start promises; a second start finds the build and does not rebuild.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath, repoRoot, tempDir } from '../helpers/workspace.ts';

const dir = tempDir('imagenot-serve-renderer-');
after(() => dir.cleanup());

/** Start `imagenot serve`, wait for its URL, return it with everything printed so far and a stop function. */
async function serveWith(
  env: NodeJS.ProcessEnv,
): Promise<{ url: URL; output: () => string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [cliPath, 'serve', join(dir.path, 'ws'), '--port', '0'], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const url = await new Promise<URL>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within 180 s:\n${out}`)), 180000);
    child.stdout.on('data', () => {
      const m = /http:\/\/\S+\?token=[\w-]+/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(new URL(m[0]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${out}`));
    });
  });
  return {
    url,
    output: () => out,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

test('serve with no built renderer builds it, then serves the app; the next start reuses the build', async () => {
  const rendererDir = join(dir.path, 'renderer');
  assert.equal(existsSync(rendererDir), false);
  const first = await serveWith({ IMAGENOT_RENDERER_DIR: rendererDir });
  try {
    assert.match(first.output(), /building the renderer into .*renderer \(first run of browser mode\)/);
    assert.match(first.output(), /renderer built in [\d.]+ s/);
    const page = await fetch(new URL('/', first.url));
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const html = await page.text();
    const script = /<script[^>]+src="\.?\/?([^"]+\.js)"/.exec(html);
    assert.ok(script, `the page loads a script: ${html.slice(0, 300)}`);
    const js = await fetch(new URL(`/${script[1]}`, first.url));
    assert.equal(js.status, 200, script[1]);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    assert.ok((await js.text()).length > 10000, 'the app bundle is served');
  } finally {
    await first.stop();
  }
  // Built into place (no staging folder left behind) and found on the next start.
  assert.ok(existsSync(join(rendererDir, 'index.html')));
  assert.deepEqual(
    readdirSync(dir.path).filter((n) => n.includes('.building-')),
    [],
  );
  const second = await serveWith({ IMAGENOT_RENDERER_DIR: rendererDir });
  try {
    assert.doesNotMatch(second.output(), /building the renderer/);
    assert.equal((await fetch(new URL('/', second.url))).status, 200);
  } finally {
    await second.stop();
  }
});
