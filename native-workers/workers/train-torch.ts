// Job `train-torch` (lane 'train'): the same run as `train` (workers/train.ts) on the PyTorch engine. It starts the
// trainer that ships with the project (trainers/torch/train.py) with the user's Python, hands it the export folder
// and the run's hyperparameters as JSON (resolved from the same catalogue as the tfjs engine, core/training), and
// turns the trainer's validated events into the same run row, metrics, live `run.metric` events and progress.
//
// Run folder runs/<runId>/: recipe.json (the hyperparameters, written once: a resumed run keeps the ones it started
// with), checkpoint.pt, best.pt. The job cursor is {runId, epoch}, committed with each epoch's metrics after its
// checkpoint is on disk; on resume the trainer continues from checkpoint.pt and the metrics recorded after it are
// dropped and recomputed. Cancel kills the trainer's process group at once (checkpoints are written whole).
import { z } from 'zod';
import { existsSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineWorker, JobCancelled } from '../jobs/worker-context.ts';
import { torchHyperparams } from '../core/training/torch-engine.ts';
import { pythonCommand, startTrainer, TrainerError } from '../io/torch-engine/trainer-process.ts';
import type { TrainerEvent } from '../io/torch-engine/events.ts';
import { deleteMetricsAfter, insertMetrics, updateRun, type MetricPoint } from '../store/runs.ts';
import { logRecipe, openRun, resolveDataset, TrainParams, type TrainCursor } from './training-run.ts';

export const TorchTrainParams = TrainParams.extend({
  /** The Python interpreter with torch and torchvision (default: IMAGENOT_PYTHON, else python3 on PATH). */
  python: z.string().min(1).optional(),
  /** Ranks on this machine (DistributedDataParallel; one per GPU on CUDA). */
  nproc: z.number().int().min(1).max(256).default(1),
  device: z.enum(['auto', 'cpu', 'cuda']).default('auto'),
  /** Mixed precision on CUDA: where the recipe's reference command uses it, always, never. */
  amp: z.enum(['recipe', 'on', 'off']).default('recipe'),
  channelsLast: z.enum(['auto', 'off']).default('auto'),
  /** Diagnostic: after every step, how far any rank's weights are from rank 0's (metric replica_max_abs_diff). */
  checkReplicas: z.boolean().default(false),
});
export type TorchTrainParams = z.infer<typeof TorchTrainParams>;

function trainerArgs(p: TorchTrainParams, dataset: string, recipeFile: string, runDir: string): string[] {
  const args = ['train', '--export', dataset, '--recipe', recipeFile, '--out', runDir, '--parent-watch'];
  args.push('--nproc', String(p.nproc), '--device', p.device, '--amp', p.amp, '--channels-last', p.channelsLast);
  if (p.decodeWorkers) args.push('--workers', String(p.decodeWorkers));
  if (p.maxTrainImages) args.push('--max-train-images', String(p.maxTrainImages));
  if (p.checkReplicas) args.push('--check-replicas');
  return args;
}

export default defineWorker({
  kind: 'train-torch',
  lane: 'train',
  params: TorchTrainParams,
  async run(ctx, p) {
    const datasetDir = resolve(resolveDataset(ctx, p.dataset));
    const hp = torchHyperparams(p.arch, p.profile, p);
    const python = pythonCommand(p.python);
    const recordParams = { ...hp, job: p, engine: { name: 'torch', python } };
    const { runId } = openRun(ctx, {
      arch: hp.arch,
      profile: hp.profile,
      datasetRoot: datasetDir,
      params: recordParams,
      engine: 'torch',
      backend: 'torch',
    });
    const runDir = join(ctx.ws.paths.runs, String(runId));
    mkdirSync(runDir, { recursive: true });
    // A resumed run trains on with the hyperparameters it started with (the trainer refuses a checkpoint otherwise).
    const recipeFile = join(runDir, 'recipe.json');
    if (!existsSync(recipeFile)) writeFileSync(recipeFile, JSON.stringify(hp, null, 1));
    const recorded = JSON.parse(readFileSync(recipeFile, 'utf8')) as typeof hp;
    ctx.log(
      `run ${runId}: ${hp.arch} (${hp.profile}, ${recorded.inputSize} px) on the PyTorch engine (${python}, ${p.nproc} rank(s)) from ${datasetDir}`,
    );
    // (A recipe file written before runs recorded their differences has no resolved recipe to describe.)
    if (recorded.differences) logRecipe(ctx, runId, recorded);

    let epoch = (ctx.cursor as TrainCursor | null)?.epoch ?? 0;
    let trainerError: string | undefined;
    let test: Extract<TrainerEvent, { event: 'test' }> | undefined;
    const record = (points: MetricPoint[], extra?: () => void) => {
      ctx.commit({ runId, epoch } satisfies TrainCursor, () => {
        insertMetrics(ctx.ws.db, runId, points);
        extra?.();
      });
      for (const m of points) ctx.emit('run.metric', { runId, ...m });
    };
    const onEvent = (e: TrainerEvent) => {
      switch (e.event) {
        case 'start':
          deleteMetricsAfter(ctx.ws.db, runId, e.step);
          if (e.lastEpoch) record(e.lastEpoch);
          epoch = e.epoch;
          updateRun(ctx.ws.db, runId, {
            backend: e.environment.device,
            params: {
              ...recordParams,
              ...recorded,
              dataset: e.dataset,
              engine: {
                ...recordParams.engine,
                ...e.environment,
                backend: e.environment.device,
                worldSize: e.worldSize,
              },
            },
          });
          if (e.resumed) ctx.log(`run ${runId}: resuming after epoch ${e.epoch} (step ${e.step}) from ${runDir}`);
          ctx.log(
            `run ${runId}: ${e.dataset.train} train / ${e.dataset.val} val / ${e.dataset.test} test images, ${e.dataset.classes} classes; ` +
              `torch ${e.environment.torch} on ${e.environment.deviceName}, ${e.worldSize} rank(s), mixed precision ${e.environment.amp ? 'on' : 'off'}, channels-last ${e.environment.channelsLast ? 'on' : 'off'}`,
          );
          break;
        case 'metrics':
          record(e.metrics);
          ctx.progress(e.progress.done, e.progress.total, e.progress.message);
          break;
        case 'epoch':
          epoch = e.epoch;
          record(e.metrics, () =>
            updateRun(ctx.ws.db, runId, {
              epoch: e.epoch,
              bestVal: e.best,
              checkpoint: ctx.ws.relativePath(e.checkpoint),
            }),
          );
          break;
        case 'test':
          test = e;
          record(e.metrics);
          break;
        case 'reject':
          ctx.reject(datasetDir, e.item, e.reason);
          break;
        case 'error':
          trainerError ??= e.message;
          break;
        default:
          throw new TrainerError(`unexpected trainer event '${e.event}' during training`);
      }
    };

    const trainer = startTrainer(python, trainerArgs(p, datasetDir, recipeFile, runDir), {
      onEvent,
      onLog: (line, level) => ctx.log(`run ${runId}: ${line}`, level),
    });
    const cancel = () => trainer.kill();
    ctx.signal.addEventListener('abort', cancel);
    try {
      const exit = await trainer.done;
      const failure = trainer.failure();
      if (failure instanceof JobCancelled || ctx.signal.aborted) throw new JobCancelled();
      if (failure) throw failure;
      if (exit.code !== 0 || !test) {
        const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
        throw new TrainerError(
          trainerError ?? `the PyTorch trainer ${how} before finishing: ${exit.stderrTail.slice(-5).join(' | ')}`,
        );
      }
      updateRun(ctx.ws.db, runId, { status: 'succeeded', top1: test.top1, top5: test.top5, ended: true });
      return { runId, arch: hp.arch, engine: 'torch', top1: test.top1, top5: test.top5, epochs: test.epochs };
    } catch (err) {
      trainer.kill();
      const cancelled = err instanceof JobCancelled || ctx.signal.aborted;
      updateRun(ctx.ws.db, runId, {
        status: cancelled ? 'cancelled' : 'failed',
        error: cancelled ? null : (err as Error).message,
        ended: true,
      });
      throw err;
    } finally {
      ctx.signal.removeEventListener('abort', cancel);
    }
  },
});
