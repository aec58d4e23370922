// End-to-end helpers: `imagenot serve` as a real process (URL and token read from its output) and Debian's
// Chromium driven by playwright-core (never a downloaded browser).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { chromium, type Browser, type Page } from 'playwright-core';
import { cliPath, repoRoot } from './workspace.ts';
import { config } from '../../native-workers/config/settings.ts';

export const CHROMIUM = config.chromium;
export const artifactsDir = join(repoRoot, 'test', 'artifacts');

export interface Served {
  url: string;
  origin: string;
  token: string;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Start `imagenot serve WS --port 0` and wait for the URL it prints. */
export async function serve(workspace: string, extra: string[] = []): Promise<Served> {
  const child = spawn(process.execPath, [cliPath, 'serve', workspace, '--port', '0', ...extra], {
    cwd: repoRoot,
    env: { ...process.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no URL within 60 s:\n${out}`)), 60000);
    const check = () => {
      const m = /http:\/\/[^\s]+\?token=[\w-]+/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${out}`));
    });
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token')!,
    process: child,
    output: () => out,
    async stop() {
      if (child.exitCode != null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export async function launchChromium(): Promise<{ browser: Browser; cleanup(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  // playwright-core gives every launch a fresh temporary profile (it refuses an explicit --user-data-dir).
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    async cleanup() {
      await browser.close();
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const file = join(artifactsDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** Put the curation grid's cursor on a cell: a click opens the candidate, Escape returns to the grid with the cursor on it. */
export async function cursorOnCell(page: Page, index: number): Promise<void> {
  await page.click(`.cell[data-index="${index}"]`);
  await page.waitForSelector('[data-testid="expanded"]');
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid="expanded"]', { state: 'detached' });
}

/** One API call over HTTP with the session token; fails the test unless it answers 200. */
export async function callApi<T>(served: Served, channel: string, payload: unknown = {}): Promise<T> {
  const res = await fetch(`${served.origin}/api/${channel}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${served.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  const body = await res.json();
  assert.equal(res.status, 200, `${channel}: ${JSON.stringify(body)}`);
  return body as T;
}
