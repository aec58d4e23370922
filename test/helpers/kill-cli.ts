// Kill-and-resume tests: start an `imagenot` command in its own process group, watch the workspace from a read-only
// connection until the job has progressed far enough, then SIGKILL the whole group (the CLI and its worker process
// at once) — the hardest interruption a job must survive. The test then resumes and checks nothing was lost or doubled.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DB_FILE, type Db } from '../../native-workers/store/workspace.ts';
import { cliPath, repoRoot } from './workspace.ts';

/**
 * Run `imagenot ...args` and SIGKILL it once `progressed(db)` returns something other than undefined/null/false
 * (polled every `pollMs` on a read-only connection to `wsDir`'s database, which must exist already). Returns that
 * value, read at the moment of the kill. Throws `<what> did not progress` after `timeoutMs`.
 */
export async function runCliUntil<T>(
  wsDir: string,
  args: string[],
  progressed: (db: Db) => T | undefined | null | false,
  opts: { what?: string; timeoutMs?: number; pollMs?: number } = {},
): Promise<T> {
  const child = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot, detached: true, stdio: 'ignore' });
  const exited = new Promise((r) => child.once('exit', r));
  const probe = new Database(join(wsDir, DB_FILE), { readonly: true, fileMustExist: true });
  try {
    const deadline = Date.now() + (opts.timeoutMs ?? 60000);
    for (;;) {
      const seen = progressed(probe);
      if (seen !== undefined && seen !== null && seen !== false) {
        process.kill(-child.pid!, 'SIGKILL');
        await exited;
        return seen;
      }
      if (Date.now() > deadline) throw new Error(`${opts.what ?? args[0]} did not progress`);
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 50));
    }
  } finally {
    probe.close();
    if (child.exitCode == null && child.signalCode == null) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
}
