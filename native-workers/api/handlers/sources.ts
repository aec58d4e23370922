// Handlers for ingest and fetch: list sources, queue ingest/fetch jobs (run in worker processes), page rejections,
// and list server-side folders for the path picker (confined to a few roots).
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { realpathSync, statSync } from 'node:fs';
import type { ApiContext, Handlers } from './index.ts';
import type { sourceChannels } from '../channels/sources.ts';
import { startJob } from './start-job.ts';
import { listSources, sampleCountsBySource } from '../../store/sources.ts';
import { pageRejections } from '../../store/rejections.ts';
import { isInside } from '../../store/workspace.ts';
import { listDir } from '../../io/list-dir.ts';
import { ApiError } from '../dispatch.ts';

/**
 * Where the path picker may look: the user's home folder, the folder holding the workspace (data often sits next to
 * it) and the folder the server was started in; never the filesystem root itself.
 */
function browseRoots(workspaceRoot: string): string[] {
  const reals = new Set<string>();
  for (const p of [dirname(workspaceRoot), homedir(), process.cwd()]) {
    try {
      const real = realpathSync(p);
      if (real !== dirname(real)) reals.add(real);
    } catch {
      // A folder that does not exist is no root.
    }
  }
  return [...reals].filter((r) => ![...reals].some((o) => o !== r && isInside(o, r)));
}

export function sourceHandlers({ ws, runner }: ApiContext): Pick<Handlers, keyof typeof sourceChannels> {
  const start = (kind: string, params: Record<string, unknown>) => startJob(runner, kind, params);
  return {
    'sources.list': async () => {
      const counts = sampleCountsBySource(ws.db);
      return listSources(ws.db).map((s) => ({
        id: s.id,
        path: s.path,
        kind: s.kind,
        rows: s.rows,
        state: s.state,
        ingestedAt: s.ingestedAt,
        samples: counts.get(s.id) ?? 0,
        rejected: s.rejected,
        replacedUtf8: s.replacedUtf8,
        error: s.error,
      }));
    },
    'sources.ingest': async (req) => start('ingest', { ...req, paths: req.paths.map((p) => resolve(p)) }),
    'sources.fetch': async (req) => start('fetch', req),
    'files.list': async ({ path, hidden }) => {
      const roots = browseRoots(ws.paths.root);
      let real: string;
      try {
        real = realpathSync(resolve(path ?? dirname(ws.paths.root)));
      } catch {
        throw new ApiError(`${path} does not exist`, 404);
      }
      if (!roots.some((r) => isInside(r, real)))
        throw new ApiError(`${real} is outside the folders the app may list (${roots.join(', ')})`, 403);
      if (!statSync(real).isDirectory()) throw new ApiError(`${real} is not a folder`);
      const up = dirname(real);
      const parent = up !== real && roots.some((r) => isInside(r, up)) ? up : null;
      try {
        return { path: real, parent, roots, ...listDir(real, { hidden }) };
      } catch (err) {
        throw new ApiError(`cannot list ${real}: ${(err as Error).message}`, 403);
      }
    },
    'rejections.list': async ({ offset, limit }) => pageRejections(ws.db, offset, limit),
  };
}
