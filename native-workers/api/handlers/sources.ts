// Handlers for ingest and fetch: list sources, queue ingest/fetch jobs (run in worker processes), page rejections.
import { resolve } from 'node:path';
import type { ApiContext } from './index.ts';
import { startJob } from './start-job.ts';
import { listSources, sampleCountsBySource } from '../../store/sources.ts';
import { pageRejections } from '../../store/rejections.ts';
import { ApiError } from '../dispatch.ts';

export function sourceHandlers({ ws, runner }: ApiContext) {
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
    'sources.ingest': async (req: { paths: string[]; captionCol?: string; urlCol?: string; maxSide?: number; keepOriginal?: boolean }) =>
      start('ingest', { ...req, paths: req.paths.map((p) => resolve(p)) }),
    'sources.fetch': async (req: { concurrency?: number; timeoutS?: number; retries?: number; retryFailed?: boolean }) => start('fetch', req),
    'rejections.list': async ({ offset, limit }: { offset?: number; limit?: number }) => pageRejections(ws.db, offset ?? 0, limit ?? 100),
  };
}
