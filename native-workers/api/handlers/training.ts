// Handlers of the training channels: architectures, the launch form's options, runs (list, start, exclude, delete),
// metrics, and the rankings with their stored run choice.
import type { ApiContext, Handlers } from './index.ts';
import type { trainingChannels } from '../channels/training.ts';
import { ARCHITECTURES } from '../../core/architectures/registry.ts';
import { resolveHyperparams } from '../../core/training/hyperparams.ts';
import { torchHyperparams } from '../../core/training/torch-engine.ts';
import { workspaceRankings } from '../../core/stats/workspace-rankings.ts';
import { readReference } from '../../io/rankings/tables.ts';
import { listExports } from '../../io/train-data/export-list.ts';
import {
  deleteRun,
  getRankingChoice,
  getRun,
  latestMetric,
  listRuns,
  markRunsOfDeadJobs,
  rankingCandidates,
  runConfig,
  runMetricSeries,
  setRankingChoice,
  setRunExcluded,
  type RunRow,
} from '../../store/runs.ts';
import { getJob, publicJob } from '../../store/jobs.ts';
import type { Workspace } from '../../store/workspace.ts';
import { ApiError } from '../dispatch.ts';

function runView(r: RunRow, latestVal: Map<number, number>) {
  const c = runConfig(r.params);
  return {
    id: r.id,
    jobId: r.jobId,
    arch: r.arch,
    profile: r.profile,
    engine: r.engine,
    status: r.status,
    epoch: r.epoch,
    dataset: r.dataset,
    config: { epochs: c.epochs, batch: c.batch, lr: c.lr, seed: c.seed, patience: c.patience, inputSize: c.inputSize },
    images: { classes: c.classes, train: c.trainImages, val: c.valImages, test: c.testImages },
    bestVal: r.bestVal,
    latestVal: latestVal.get(r.id) ?? null,
    top1: r.top1,
    top5: r.top5,
    backend: r.backend,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    excluded: r.excluded,
    error: r.error,
    params: r.params,
  };
}

/** The rankings of the workspace under its stored run choice (the same object `imagenot rankings WS --json` prints). */
export function rankingsOf(ws: Workspace) {
  markRunsOfDeadJobs(ws.db);
  return workspaceRankings(rankingCandidates(ws.db), readReference(), getRankingChoice(ws.db));
}

export function trainingHandlers({ ws, runner }: ApiContext): Pick<Handlers, keyof typeof trainingChannels> {
  const existingRun = (runId: number) => {
    const run = getRun(ws.db, runId);
    if (!run) throw new ApiError(`no run ${runId}`, 404);
    return run;
  };
  const exports = () => listExports(ws.paths.exports).map((e) => ({ ...e, path: ws.relativePath(e.dir) }));
  return {
    'arch.list': async () => {
      let ref = new Map<string, number>();
      try {
        ref = new Map(readReference().map((r) => [r.arch, r.top1]));
      } catch {
        // The catalogue still answers without the reference table.
      }
      return ARCHITECTURES.map((a) => ({
        arch: a.arch,
        params: a.torchvisionParams,
        imagenetTop1: ref.get(a.arch) ?? null,
      }));
    },
    'runs.options': async ({ profile, engine }) => {
      const resolve = engine === 'torch' ? torchHyperparams : resolveHyperparams;
      const list = exports();
      return {
        exports: list.map(({ path, format, classes, train, test, createdAt, threshold, seed }) => ({
          path,
          format,
          classes,
          train,
          test,
          createdAt,
          threshold,
          seed,
        })),
        latest: list[0]?.path ?? null,
        defaults: ARCHITECTURES.map((a) => {
          const hp = resolve(a.arch, profile, {});
          return {
            arch: a.arch,
            epochs: hp.epochs,
            batch: hp.batch,
            lr: hp.lr,
            patience: hp.patience,
            seed: hp.seed,
            inputSize: hp.inputSize,
          };
        }),
      };
    },
    'runs.list': async () => {
      markRunsOfDeadJobs(ws.db);
      const latestVal = latestMetric(ws.db, 'val_accuracy');
      return listRuns(ws.db).map((r) => runView(r, latestVal));
    },
    'runs.start': async (req) => {
      const { archs, engine, python, nproc, ...rest } = req;
      if (engine === 'tfjs' && (python !== undefined || nproc !== undefined))
        throw new ApiError('python and nproc are options of the torch engine');
      if (!rest.dataset && !exports().length) {
        throw new ApiError(
          'no dataset export in this workspace yet: select classes and export them on the Dataset screen, then train',
          409,
        );
      }
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
    'runs.metrics': async ({ runId, names }) => {
      existingRun(runId);
      return runMetricSeries(ws.db, runId, names);
    },
    'runs.setExcluded': async ({ runId, excluded }) => {
      existingRun(runId);
      setRunExcluded(ws.db, runId, excluded);
      return runView(getRun(ws.db, runId)!, latestMetric(ws.db, 'val_accuracy'));
    },
    'runs.delete': async ({ runId }) => {
      markRunsOfDeadJobs(ws.db);
      const run = existingRun(runId);
      const job = run.jobId == null ? undefined : getJob(ws.db, run.jobId);
      if (run.status === 'running' || job?.state === 'running' || job?.state === 'queued') {
        throw new ApiError(`run ${runId} is still training (job #${run.jobId}): cancel it first`, 409);
      }
      deleteRun(ws, runId);
      const choice = getRankingChoice(ws.db);
      const picks = Object.fromEntries(Object.entries(choice.picks).filter(([, id]) => id !== runId));
      if (Object.keys(picks).length !== Object.keys(choice.picks).length) setRankingChoice(ws.db, { ...choice, picks });
      return { deleted: runId };
    },
    'rankings.get': async () => rankingsOf(ws),
    'rankings.choose': async ({ arch, runId, dataset, provisional }) => {
      const choice = getRankingChoice(ws.db);
      const newExport = dataset !== undefined && dataset !== choice.dataset;
      // Picks belong to the export they were made on.
      const picks = newExport ? {} : { ...choice.picks };
      if (runId !== undefined) {
        if (runId === null) {
          if (!arch) throw new ApiError('rankings.choose: give the architecture whose pick to clear', 400);
          delete picks[arch];
        } else {
          const run = existingRun(runId);
          if (arch && arch !== run.arch) throw new ApiError(`run ${runId} trains ${run.arch}, not ${arch}`, 400);
          picks[run.arch] = runId;
        }
      }
      setRankingChoice(ws.db, {
        dataset: dataset === undefined ? choice.dataset : dataset,
        picks,
        provisional: provisional ?? choice.provisional,
      });
      return rankingsOf(ws);
    },
  };
}
