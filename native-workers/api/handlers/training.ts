// Handlers of the training room: architectures, runs, metrics, starting runs, rankings.
import type { ApiContext, Handlers } from './index.ts';
import type { trainingChannels } from '../channels/training.ts';
import { ARCHITECTURES } from '../../core/architectures/recipes.ts';
import { computeRankings } from '../../core/stats/rankings.ts';
import { readReference } from '../../io/rankings/tables.ts';
import { finishedRunsByArch, listRuns, markRunsOfDeadJobs, runMetrics, getRun } from '../../store/runs.ts';
import { publicJob } from '../../store/jobs.ts';
import { ApiError } from '../dispatch.ts';

export function trainingHandlers({ ws, runner }: ApiContext): Pick<Handlers, keyof typeof trainingChannels> {
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
    'runs.start': async (req) => {
      const { archs, ...rest } = req;
      const jobs = [];
      for (const arch of archs) {
        try {
          jobs.push(publicJob(await runner.enqueue('train', { arch, ...rest })));
        } catch (err) {
          throw new ApiError((err as Error).message);
        }
      }
      return jobs;
    },
    'runs.metrics': async ({ runId }) => {
      if (!getRun(ws.db, runId)) throw new ApiError(`no run ${runId}`, 404);
      return runMetrics(ws.db, runId);
    },
    'rankings.get': async () => {
      try {
        const results = finishedRunsByArch(ws.db).map((r) => ({ arch: r.arch, top1: r.top1! }));
        return computeRankings(results, readReference());
      } catch (err) {
        return { error: (err as Error).message };
      }
    },
  };
}
