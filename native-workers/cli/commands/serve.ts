// `imagenot serve WS [--port N] [--host H] [--allow-remote] [--allowed-host NAME]`: browser mode. Serves the app and
// the typed API on this machine (or, with --allow-remote, to others: how a laptop browser drives a remote GPU box)
// and runs the workspace's job queue until stopped. From a source checkout the renderer is built on first use.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openWorkspace } from '../../store/workspace.ts';
import { JobRunner } from '../../jobs/runner.ts';
import { loadWorker } from '../../workers/registry.ts';
import { startServer } from '../../server/server.ts';
import { BindRefused, resolveBindAddress } from '../../server/host-checks.ts';
import { ensureRenderer, type RendererPlaces } from '../../server/renderer-build.ts';
import { parseIntOption, UsageError } from '../context.ts';
import { note, recordSignal } from '../output.ts';
import { config } from '../../config/settings.ts';

/**
 * Where the built renderer is: IMAGENOT_RENDERER_DIR when set (only there), else next to the bundled CLI
 * (dist/renderer) or, from source, the repo's dist/renderer. A missing one is built there from a source checkout.
 */
function rendererPlaces(): RendererPlaces {
  const fromEnv = config.rendererDir;
  const repoDist = fileURLToPath(new URL('../../../dist/renderer', import.meta.url));
  const buildScript = fileURLToPath(new URL('../../../scripts/build.mjs', import.meta.url));
  const candidates = fromEnv ? [fromEnv] : [fileURLToPath(new URL('./renderer', import.meta.url)), repoDist];
  const fromSource = import.meta.url.endsWith('.ts') && existsSync(buildScript);
  return {
    candidates,
    buildInto: fromSource ? (fromEnv ?? repoDist) : null,
    buildScript: fromSource ? buildScript : null,
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('browser mode: serve the app and its API over HTTP + WebSocket, with a session token, and run jobs')
    .argument('<ws>', 'workspace folder (created if missing)')
    .option('--port <n>', 'port (0 picks a free one)', parseIntOption('--port'), 7310)
    .option(
      '--host <address>',
      'address or name to listen on (a name is resolved; every address must be loopback unless --allow-remote)',
      '127.0.0.1',
    )
    .option('--allow-remote', 'allow listening on a non-loopback address (anyone with the token can use the workspace)')
    .option(
      '--allowed-host <name>',
      "with --allow-remote: a DNS name browsers use to reach this server (repeatable; IP addresses and this machine's name are always accepted)",
      collect,
      [],
    )
    .option('--token <token>', 'use this session token instead of a random one (at least 16 characters)')
    .option('--json', 'once listening, print one JSON line: {"url", "token", "workspace"}')
    .action(
      async (
        dir: string,
        o: { port: number; host: string; allowRemote?: boolean; allowedHost: string[]; token?: string; json?: boolean },
      ) => {
        if (o.port < 0 || o.port > 65535) throw new UsageError(`--port must be 0..65535, got ${o.port}`);
        if (o.token != null && o.token.length < 16) throw new UsageError('--token must be at least 16 characters');
        // The name is resolved once, here: the server binds the address that was checked.
        let bind;
        try {
          bind = await resolveBindAddress(o.host, !!o.allowRemote);
        } catch (err) {
          if (err instanceof BindRefused) throw new UsageError(err.message);
          throw err;
        }
        const renderer = await ensureRenderer(rendererPlaces(), note);
        const ws = openWorkspace(dir, { create: true });
        const runner = new JobRunner(ws, { workers: loadWorker }).start();
        const server = await startServer({
          ws,
          runner,
          rendererDir: renderer,
          port: o.port,
          host: bind.address,
          allowRemote: o.allowRemote,
          allowedHosts: [o.host, ...o.allowedHost],
          token: o.token,
        });
        if (!bind.loopback) {
          process.stderr.write(
            `warning: listening on ${o.host}: anyone who can reach this port and has the token can read and change the workspace. ` +
              'Prefer an SSH tunnel (ssh -L) to a loopback server.\n',
          );
        }
        if (!renderer) process.stderr.write('warning: the renderer is not built; the page says how to build it\n');
        if (o.json)
          process.stdout.write(
            JSON.stringify({ url: server.url, token: server.token, workspace: ws.paths.root }) + '\n',
          );
        else process.stdout.write(`ImageNot Studio serving ${ws.paths.root}\n${server.url}\n`);
        const signal = await new Promise<NodeJS.Signals>((done) => {
          process.once('SIGINT', done);
          process.once('SIGTERM', done);
        });
        // Ctrl-C exits 130; SIGTERM is the normal way to stop a service and exits 0.
        if (signal === 'SIGINT') recordSignal(signal);
        note('stopping: running jobs are cancelled (resume them with `imagenot jobs resume`)');
        await server.close();
        await runner.stop();
        ws.close();
      },
    );
}
