// Test helpers: temporary folders and workspaces, the path to ../shared, running the CLI as a real process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn, spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { openWorkspace, type Workspace } from '../../native-workers/store/workspace.ts';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** The shared reference data (never committed): ../shared from the project root. */
export const sharedDir = resolve(repoRoot, '..', 'shared');
export const cliPath = join(repoRoot, 'bin', 'imagenot.mjs');

export function tempDir(prefix = 'imagenot-test-'): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

export function tempWorkspace(): Workspace & { cleanup(): void } {
  const dir = tempDir('imagenot-ws-');
  const ws = openWorkspace(join(dir.path, 'ws'), { create: true });
  return Object.assign(ws, {
    cleanup() {
      ws.close();
      dir.cleanup();
    },
  });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `imagenot ...args` synchronously as a real process. */
export function runCli(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): CliResult {
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: opts.cwd ?? repoRoot,
    env: { ...process.env, ...opts.env },
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 600000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Start `imagenot ...args` in the background (for kill-and-resume tests). */
export function spawnCli(args: string[], opts: { env?: NodeJS.ProcessEnv } = {}) {
  return spawn(process.execPath, [cliPath, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Run `imagenot ...args` and return its stdout; fails the test (with stderr) unless it exits 0. */
export function cliOk(args: string[], timeoutMs = 300000): string {
  const r = runCli(args, { timeoutMs });
  assert.equal(r.code, 0, `imagenot ${args.join(' ')} failed (${r.code}):\n${r.stderr}`);
  return r.stdout;
}
