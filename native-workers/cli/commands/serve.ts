// `imagenot serve WS [--port N] [--host H] [--allow-remote]`: browser mode. Serves the app and the typed API on
// this machine (or, with --allow-remote, to others: how a laptop browser drives a remote GPU box) and runs the
// workspace's job queue until stopped.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openWorkspace } from '../../store/workspace.ts';
import { JobRunner } from '../../jobs/runner.ts';
import { isLoopback, startServer } from '../../server/server.ts';
import { parseIntOption, UsageError } from '../context.ts';

/** The built renderer: next to the bundled CLI (dist/renderer) or, from source, the repo's dist/renderer. */
function rendererDir(): string | null {
  const candidates = [
    process.env.IMAGENOT_RENDERER_DIR,
    fileURLToPath(new URL('./renderer', import.meta.url)),
    fileURLToPath(new URL('../../../dist/renderer', import.meta.url)),
  ].filter((p): p is string => !!p);
  return candidates.find((dir) => existsSync(`${dir}/index.html`)) ?? null;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('browser mode: serve the app and its API over HTTP + WebSocket, with a session token, and run jobs')
    .argument('<ws>', 'workspace folder (created if missing)')
    .option('--port <n>', 'port (0 picks a free one)', parseIntOption('--port'), 7310)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--allow-remote', 'allow listening on a non-loopback address (anyone with the token can use the workspace)')
    .option('--token <token>', 'use this session token instead of a random one (at least 16 characters)')
    .action(async (dir: string, o: { port: number; host: string; allowRemote?: boolean; token?: string }) => {
      if (o.port < 0 || o.port > 65535) throw new UsageError(`--port must be 0..65535, got ${o.port}`);
      if (!isLoopback(o.host) && !o.allowRemote) {
        throw new UsageError(`--host ${o.host} is not a loopback address; add --allow-remote to accept connections from other machines`);
      }
      if (o.token != null && o.token.length < 16) throw new UsageError('--token must be at least 16 characters');
      const ws = openWorkspace(dir, { create: true });
      const runner = new JobRunner(ws).start();
      const renderer = rendererDir();
      const server = await startServer({ ws, runner, rendererDir: renderer, port: o.port, host: o.host, allowRemote: o.allowRemote, token: o.token });
      if (!isLoopback(o.host)) {
        process.stderr.write(
          `warning: listening on ${o.host}: anyone who can reach this port and has the token can read and change the workspace. ` +
            'Prefer an SSH tunnel (ssh -L) to a loopback server.\n',
        );
      }
      if (!renderer) process.stderr.write('warning: the renderer is not built; run `node scripts/build.mjs --renderer`\n');
      process.stdout.write(`ImageNot Studio serving ${ws.paths.root}\n${server.url}\n`);
      await new Promise<void>((done) => {
        const stop = () => done();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      process.stderr.write('stopping: running jobs are cancelled (resume them with `imagenot jobs resume`)\n');
      await server.close();
      await runner.stop();
      ws.close();
    });
}
