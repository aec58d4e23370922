// Channels of training and rankings: the architectures, the launch form's options, runs (list, start, exclude from
// the rankings, delete) and their metrics, and the rankings with their run choice.
// Live metrics arrive as `job.event` with name 'run.metric' and payload {runId, step, epoch, name, value}.
import { z } from 'zod';
import { channel } from '../channel.ts';
import { JobSchema } from './jobs.ts';
import { MetricPointSchema } from '../../io/torch-engine/events.ts';

/** A metric point: what both engines record (the PyTorch trainer's events are validated with this same schema). */
export const RunMetricSchema = MetricPointSchema;
/** The payload of `job.event` {name: 'run.metric'}. */
export const RunMetricEventSchema = RunMetricSchema.extend({ runId: z.number().int() });
/** A stored point, with the time it was recorded (seconds since 1970; null for points recorded by older versions). */
export const StoredMetricSchema = RunMetricSchema.extend({ time: z.number().nullable() });

const count = z.number().int().nullable();

export const RunSchema = z.object({
  id: z.number().int(),
  jobId: z.number().int().nullable(),
  arch: z.string(),
  profile: z.string(),
  /** The training engine: 'tfjs' (TensorFlow.js, job `train`) or 'torch' (PyTorch, job `train-torch`). */
  engine: z.string(),
  /** running | succeeded | failed | cancelled | interrupted (its job died; resume the job to continue). */
  status: z.string(),
  /** Epochs completed (checkpointed). */
  epoch: z.number().int(),
  /** The export it trains on (relative to the workspace when inside it). */
  dataset: z.string(),
  /** The hyperparameters it resolved to (profile recipe with the user's overrides). */
  config: z.object({
    epochs: z.number().nullable(),
    batch: z.number().nullable(),
    lr: z.number().nullable(),
    seed: z.number().nullable(),
    patience: z.number().nullable(),
    inputSize: z.number().nullable(),
  }),
  images: z.object({ classes: count, train: count, val: count, test: count }),
  /** Best and latest validation accuracy (percent). */
  bestVal: z.number().nullable(),
  latestVal: z.number().nullable(),
  /** Test accuracies in percent, set when the run finished. */
  top1: z.number().nullable(),
  top5: z.number().nullable(),
  backend: z.string().nullable(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** Left out of the rankings by hand. */
  excluded: z.boolean(),
  error: z.string().nullable(),
  params: z.unknown(),
});

export const ExportSchema = z.object({
  /** Relative to the workspace (what `runs.start` takes as `dataset`). */
  path: z.string(),
  format: z.string().nullable(),
  classes: count,
  train: count,
  test: count,
  /** When its dataset.json was written. */
  createdAt: z.string(),
  threshold: z.number().nullable(),
  seed: z.number().nullable(),
});

export const ResolvedHyperparamsSchema = z.object({
  arch: z.string(),
  epochs: z.number().int(),
  batch: z.number().int(),
  lr: z.number(),
  patience: z.number().int(),
  seed: z.number().int(),
  inputSize: z.number().int(),
});

const Interval = z.object({ low: z.number().nullable(), high: z.number().nullable() });
export const RankingsSchema = z.object({
  n: z.number().int(),
  n_relative: z.number().int(),
  n_provisional: z.number().int(),
  pearson_r: z.number().nullable(),
  slope: z.number().nullable(),
  intercept: z.number().nullable(),
  r2: z.number().nullable(),
  spearman_rho: z.number().nullable(),
  kendall_tau: z.number().nullable(),
  same_ranking: z.boolean(),
  models: z.array(
    z.object({
      arch: z.string(),
      top1: z.number(),
      reference_top1: z.number(),
      relative_improvement: z.number(),
      reference_relative_improvement: z.number(),
      n: z.number().int().nullable(),
      top1_ci: Interval,
      relative_improvement_ci: Interval,
      provisional: z.boolean(),
      run_id: z.number().int().nullable(),
    }),
  ),
  accuracy_fit: z.object({
    slope: z.number().nullable(),
    intercept: z.number().nullable(),
    pearson_r: z.number().nullable(),
    n: z.number().int(),
  }),
  ci: z.object({
    level: z.number(),
    resamples: z.number().int(),
    seed: z.number().int(),
    pearson_r: Interval,
    slope: Interval,
    spearman_rho: Interval,
    kendall_tau: Interval,
  }),
});

export const RunChoiceSchema = z.object({
  dataset: z.string().nullable(),
  picks: z.record(z.string(), z.number().int()),
  provisional: z.boolean(),
});

/** The same object as `imagenot rankings WS --json`. */
export const WorkspaceRankingsSchema = z.object({
  rankings: RankingsSchema.nullable(),
  /** Why there are no statistics yet (no AlexNet run, no runs). */
  unavailable: z.string().nullable(),
  choice: RunChoiceSchema,
  /** The export compared, and every export that has runs. */
  dataset: z.string().nullable(),
  exports: z.array(z.object({ dataset: z.string(), archs: z.number().int(), runs: z.number().int() })),
  archs: z.array(
    z.object({
      arch: z.string(),
      run_id: z.number().int().nullable(),
      provisional: z.boolean(),
      picked_by_hand: z.boolean(),
      runs: z.array(
        z.object({
          id: z.number().int(),
          status: z.string(),
          dataset: z.string(),
          profile: z.string(),
          engine: z.string(),
          epoch: z.number().int(),
          epochs: z.number().nullable(),
          top1: z.number().nullable(),
          test_images: z.number().nullable(),
          latest_val: z.number().nullable(),
          val_images: z.number().nullable(),
          excluded: z.boolean(),
          comparable: z.boolean(),
        }),
      ),
    }),
  ),
  notes: z.array(z.string()),
});

const RunId = z.object({ runId: z.number().int().positive() });

export const trainingChannels = {
  'arch.list': channel(
    z.object({}),
    z.array(z.object({ arch: z.string(), params: z.number().int(), imagenetTop1: z.number().nullable() })),
    'The nine architectures: torchvision parameter count (full size, 1000 classes) and ImageNet-1k top-1 (percent).',
  ),
  'runs.options': channel(
    z.object({
      profile: z.enum(['local', 'paper']).default('local'),
      engine: z.enum(['tfjs', 'torch']).default('tfjs'),
    }),
    z.object({
      exports: z.array(ExportSchema),
      latest: z.string().nullable(),
      defaults: z.array(ResolvedHyperparamsSchema),
    }),
    "What the launch form offers: the workspace's exports (newest first; `latest` is the default) and each architecture's resolved hyperparameters for a profile and engine (torch's local inputs are torchvision's smallest).",
  ),
  'runs.list': channel(z.object({}), z.array(RunSchema), 'Training runs, newest first.'),
  'runs.start': channel(
    z.object({
      archs: z.array(z.string().min(1)).min(1),
      profile: z.enum(['local', 'paper']).default('local'),
      /** tfjs: job `train`; torch: job `train-torch` (the PyTorch trainer with the user's Python). */
      engine: z.enum(['tfjs', 'torch']).default('tfjs'),
      /** An export folder (relative to the workspace, or absolute); default: the newest export. */
      dataset: z.string().min(1).optional(),
      epochs: z.number().int().min(1).optional(),
      batch: z.number().int().min(1).optional(),
      lr: z.number().positive().optional(),
      patience: z.number().int().min(1).optional(),
      seed: z.number().int().min(0).optional(),
      /** torch only: the Python interpreter (default IMAGENOT_PYTHON, else python3 on PATH). */
      python: z.string().min(1).optional(),
      /** torch only: ranks on this machine (DistributedDataParallel). */
      nproc: z.number().int().min(1).optional(),
    }),
    z.array(JobSchema),
    "Queue one training job per architecture on an export (default the workspace's newest; refused when there is none): `train` (tfjs) or `train-torch` (torch). Lane 'train': they run one after another.",
  ),
  'runs.metrics': channel(
    z.object({ runId: z.number().int().positive(), names: z.array(z.string()).optional() }),
    z.array(StoredMetricSchema),
    'The recorded points of a run (of the named metrics, or all), in step order.',
  ),
  'runs.setExcluded': channel(
    RunId.extend({ excluded: z.boolean() }),
    RunSchema,
    'Leave a run out of the rankings (or take it back in); it stays listed.',
  ),
  'runs.delete': channel(
    RunId,
    z.object({ deleted: z.number().int() }),
    'Delete a run that is not training: its metrics and its checkpoints under runs/<id>/.',
  ),
  'rankings.get': channel(
    z.object({}),
    WorkspaceRankingsSchema,
    'Rank preservation against torchvision ImageNet-1k for the chosen runs (`imagenot rankings WS --json`), with every run per architecture for the picker.',
  ),
  'rankings.choose': channel(
    z.object({
      /** Pick a run for its architecture (null: back to the default rule). */
      arch: z.string().optional(),
      runId: z.number().int().positive().nullable().optional(),
      /** The export to compare (null: the default rule). */
      dataset: z.string().nullable().optional(),
      provisional: z.boolean().optional(),
    }),
    WorkspaceRankingsSchema,
    'Change the run choice of the rankings (stored in the workspace, so `imagenot rankings WS` uses it too); returns the new rankings.',
  ),
};
