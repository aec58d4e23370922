// Handlers for ingest and fetch: list sources, queue ingest/fetch jobs (run in worker processes), page rejections.
import { resolve } from 'node:path';
import type { ApiContext, Handlers } from './index.ts';
import type { sourceChannels } from '../channels/sources.ts';
import { startJob } from './start-job.ts';
import { listSources, sampleCountsBySource } from '../../store/sources.ts';
import { pageRejections } from '../../store/rejections.ts';
import { ApiError } from '../dispatch.ts';

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
    'sources.ingest': async (req) =>
      start('ingest', { ...req, paths: req.paths.map((p) => resolve(p)) }),
    'sources.fetch': async (req) => start('fetch', req),
    'rejections.list': async ({ offset, limit }) => pageRejections(ws.db, offset, limit),
  };
}
