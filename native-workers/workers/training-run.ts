// What the training workers of both engines share (train.ts: TensorFlow.js; train-torch.ts: PyTorch): their common
// parameters (with the recipe fields a run may set), which export a run trains on, and the run row a job creates on
// its first start and continues on resume, and the recipe as both write it to the job log.
import { z } from 'zod';
import type { WorkerContext } from '../jobs/worker-context.ts';
import { latestExport } from '../io/train-data/export-dataset.ts';
import { ARCH_NAMES } from '../core/architectures/registry.ts';
import type { Hyperparams } from '../core/training/hyperparams.ts';
import { createRun, getRun, updateRun, type Engine } from '../store/runs.ts';

/** Recipe fields a run may set instead of its profile's (validated at the job boundary, for both engines). */
export const RecipeOverrides = z
  .object({
    optimizer: z.enum(['sgd', 'rmsprop', 'adamw']),
    lr: z.number().positive(),
    momentum: z.number().min(0).max(1),
    weightDecay: z.number().min(0),
    normWeightDecay: z.number().min(0).nullable(),
    rmspropEps: z.number().positive(),
    rmspropAlpha: z.number().min(0).max(1),
    batchSize: z.number().int().min(1),
    epochs: z.number().int().min(1),
    schedule: z.union([
      z.object({ kind: z.literal('step'), stepSize: z.number().int().min(1), gamma: z.number().positive() }),
      z.object({ kind: z.literal('cosine') }),
    ]),
    warmupEpochs: z.number().int().min(0),
    warmupMethod: z.enum(['linear', 'constant']),
    warmupDecay: z.number().positive().max(1),
    lrUpdate: z.enum(['epoch', 'step']),
    labelSmoothing: z.number().min(0).max(1),
    mixupAlpha: z.number().min(0),
    cutmixAlpha: z.number().min(0),
    autoAugment: z.enum(['imagenet', 'ta_wide', 'ra']).nullable(),
    raMagnitude: z.number().int().min(0).max(30),
    taTranslatePixels: z.number().min(0),
    randomErase: z.number().min(0).max(1),
    ema: z.object({ steps: z.number().int().min(1), decay: z.number().min(0).max(1) }).nullable(),
    raReps: z.number().int().min(0),
    clipGradNorm: z.number().positive().nullable(),
    cropScale: z.tuple([z.number().positive().max(1), z.number().positive().max(1)]),
    interpolation: z.literal('bilinear'),
    amp: z.boolean(),
    trainCropSize: z.number().int().min(8),
    valResizeSize: z.number().int().min(8),
    valCropSize: z.number().int().min(8),
  })
  .partial()
  .strict();

export const TrainParams = z.object({
  arch: z.enum(ARCH_NAMES),
  profile: z.enum(['local', 'paper']).default('local'),
  /** An export folder (absolute, or relative to the workspace); default: the workspace's latest export. */
  dataset: z.string().min(1).optional(),
  epochs: z.number().int().min(1).optional(),
  batch: z.number().int().min(1).optional(),
  lr: z.number().positive().optional(),
  patience: z.number().int().min(1).optional(),
  seed: z.number().int().min(0).default(0),
  inputSize: z.number().int().min(8).optional(),
  valFraction: z.number().min(0).max(0.5).optional(),
  /** Recipe fields instead of the profile's (each recorded as a difference from torchvision's recipe). */
  recipe: RecipeOverrides.optional(),
  /** Use at most this many training images (before the validation split); for quick runs and tests. */
  maxTrainImages: z.number().int().min(1).optional(),
  decodeWorkers: z.number().int().min(1).max(16).optional(),
});
export type TrainParams = z.infer<typeof TrainParams>;

/** The job cursor of a training job: its run, and the last epoch whose checkpoint is on disk. */
export interface TrainCursor {
  runId: number;
  epoch: number;
}

/** A subset of at most n images, evenly spread over the list (so every class keeps its share). */
export function spread<T>(list: readonly T[], n: number | undefined): T[] {
  if (!n || n >= list.length) return [...list];
  return Array.from({ length: n }, (_, i) => list[Math.floor((i * list.length) / n)]);
}

export function resolveDataset(ctx: WorkerContext, dataset: string | undefined): string {
  if (dataset) return dataset.startsWith('/') ? dataset : ctx.ws.resolveInside(dataset);
  const latest = latestExport(ctx.ws.paths.exports);
  if (!latest)
    throw new Error(
      `no dataset export in ${ctx.ws.paths.exports} (run \`imagenot export\` first, or pass a dataset folder)`,
    );
  return latest;
}

/**
 * The job's run: the one its cursor names (a resumed job: marked running again), or a new row whose id is committed
 * as the cursor at once, so a kill before the first checkpoint still resumes this run.
 */
export function openRun(
  ctx: WorkerContext,
  run: { arch: string; profile: string; datasetRoot: string; params: unknown; engine: Engine; backend: string },
): { runId: number; resumed: boolean } {
  const cursor = ctx.cursor as TrainCursor | null;
  if (cursor?.runId && getRun(ctx.ws.db, cursor.runId)) {
    updateRun(ctx.ws.db, cursor.runId, { status: 'running', backend: run.backend, error: null });
    return { runId: cursor.runId, resumed: true };
  }
  const dataset = run.datasetRoot.startsWith(ctx.ws.paths.root)
    ? ctx.ws.relativePath(run.datasetRoot)
    : run.datasetRoot;
  const runId = createRun(ctx.ws.db, {
    jobId: ctx.jobId,
    arch: run.arch,
    profile: run.profile,
    dataset,
    params: run.params,
    engine: run.engine,
  });
  updateRun(ctx.ws.db, runId, { backend: run.backend });
  ctx.commit({ runId, epoch: 0 } satisfies TrainCursor);
  return { runId, resumed: false };
}

/** The recipe in one line, for the job log. */
export function describeRecipe(hp: Hyperparams): string {
  const r = hp.recipe;
  const parts = [
    `${r.optimizer} lr ${r.lr} wd ${r.weightDecay}${r.normWeightDecay != null ? ` (norm ${r.normWeightDecay})` : ''}`,
    `batch ${r.batchSize}, ${r.epochs} epochs, ${r.schedule.kind === 'step' ? `StepLR(${r.schedule.stepSize}, ${r.schedule.gamma})` : 'cosine'}` +
      `${r.warmupEpochs ? ` after ${r.warmupEpochs} ${r.warmupMethod} warm-up epochs` : ''}, lr per ${r.lrUpdate}`,
    `crop ${r.trainCropSize} (scale ${r.cropScale[0]}-${r.cropScale[1]}), eval ${r.valResizeSize}/${r.valCropSize}`,
  ];
  if (r.labelSmoothing) parts.push(`label smoothing ${r.labelSmoothing}`);
  if (r.autoAugment) parts.push(`auto-augment ${r.autoAugment}`);
  if (r.randomErase) parts.push(`random erasing ${r.randomErase}`);
  if (r.mixupAlpha || r.cutmixAlpha) parts.push(`mixup ${r.mixupAlpha} / cutmix ${r.cutmixAlpha}`);
  if (r.raReps) parts.push(`RA sampler x${r.raReps}`);
  if (hp.ema) parts.push(`EMA every ${hp.ema.steps} steps, decay ${hp.ema.decayPerUpdate.toPrecision(6)}`);
  if (r.clipGradNorm) parts.push(`clip grad norm ${r.clipGradNorm}`);
  return parts.join('; ');
}

/** The run's recipe, and each way it differs from torchvision's with the reason, in the job log. */
export function logRecipe(ctx: WorkerContext, runId: number, hp: Hyperparams): void {
  ctx.log(`run ${runId}: recipe ${describeRecipe(hp)}`);
  for (const d of hp.differences)
    ctx.log(`run ${runId}: ${d.field} ${JSON.stringify(d.run)} (torchvision: ${JSON.stringify(d.paper)}): ${d.why}`);
}
