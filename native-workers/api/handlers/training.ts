// Handlers of the training room: architectures, runs, metrics, starting runs, rankings.
import type { ApiContext } from './index.ts';
import { ARCHITECTURES } from '../../core/architectures/recipes.ts';
import { computeRankings, type ModelAccuracy, type Rankings } from '../../core/stats/rankings.ts';
import { readReference } from '../../io/rankings/tables.ts';
import { finishedRunsByArch, listRuns, markRunsOfDeadJobs, runMetrics, getRun, type Engine } from '../../store/runs.ts';
import type { Db } from '../../store/workspace.ts';

/**
 * Rankings of the workspace's finished runs (the latest per architecture, of one engine if given), each model with
 * the run and engine it comes from (`imagenot rankings WS --json`, `rankings.get`).
 */
export function rankWorkspaceRuns(
  db: Db,
  reference: readonly ModelAccuracy[],
  opts: { engine?: Engine; resamples?: number; seed?: number } = {},
): Rankings & { models: (Rankings['models'][number] & { runId: number; engine: string })[] } {
  const runs = finishedRunsByArch(db, opts.engine);
  const out = computeRankings(runs.map((r) => ({ arch: r.arch, top1: r.top1! })), reference, opts);
  const byArch = new Map(runs.map((r) => [r.arch, r]));
  return { ...out, models: out.models.map((m) => ({ ...m, runId: byArch.get(m.arch)!.id, engine: byArch.get(m.arch)!.engine })) };
}
import { publicJob } from '../../store/jobs.ts';
import { ApiError } from '../dispatch.ts';

export function trainingHandlers({ ws, runner }: ApiContext) {
  return {
    'arch.list': async () => {
      let ref = new Map<string, number>();
      try {
        ref = new Map(readReference().map((r) => [r.arch, r.top1]));
      } catch {
        // The catalogue still answers without the reference table.
      }
      return ARCHITECTURES.map((a) => ({ arch: a.arch, params: a.torchvisionParams, imagenetTop1: ref.get(a.arch) ?? null }));
    },
    'runs.list': async () => {
      markRunsOfDeadJobs(ws.db);
      return listRuns(ws.db).map((r) => ({
        id: r.id,
        arch: r.arch,
        profile: r.profile,
        engine: r.engine,
        status: r.status,
        epoch: r.epoch,
        top1: r.top1,
        top5: r.top5,
        backend: r.backend,
        startedAt: r.startedAt,
        endedAt: r.endedAt,
        params: r.params,
      }));
    },
    'runs.start': async (req: {
      archs: string[];
      profile: 'local' | 'paper';
      epochs?: number;
      batch?: number;
      lr?: number;
      patience?: number;
      seed?: number;
      engine?: 'tfjs' | 'torch';
      python?: string;
      nproc?: number;
    }) => {
      const { archs, engine = 'tfjs', python, nproc, ...rest } = req;
      if (engine === 'tfjs' && (python !== undefined || nproc !== undefined)) throw new ApiError('python and nproc are options of the torch engine');
      const kind = engine === 'torch' ? 'train-torch' : 'train';
      const own = engine === 'torch' ? { python, nproc } : {};
      const jobs = [];
      for (const arch of archs) {
        try {
          jobs.push(publicJob(await runner.enqueue(kind, { arch, ...rest, ...own })));
        } catch (err) {
          throw new ApiError((err as Error).message);
        }
      }
      return jobs;
    },
    'runs.metrics': async ({ runId }: { runId: number }) => {
      if (!getRun(ws.db, runId)) throw new ApiError(`no run ${runId}`, 404);
      return runMetrics(ws.db, runId);
    },
    'rankings.get': async () => {
      try {
        return rankWorkspaceRuns(ws.db, readReference());
      } catch (err) {
        return { error: (err as Error).message };
      }
    },
  };
}
