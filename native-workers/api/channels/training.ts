// Channels of training and rankings (room D1): the architectures, runs and their metrics, starting runs, rankings.
// Live metrics arrive as `job.event` with name 'run.metric' and payload {runId, step, epoch, name, value}.
import { z } from 'zod';
import { channel } from '../channel.ts';
import { JobSchema } from './jobs.ts';
import { MetricPointSchema } from '../../io/torch-engine/events.ts';

/** A metric point: what both engines record (the PyTorch trainer's events are validated with this same schema). */
export const RunMetricSchema = MetricPointSchema;
/** The payload of `job.event` {name: 'run.metric'}. */
export const RunMetricEventSchema = RunMetricSchema.extend({ runId: z.number().int() });

export const RunSchema = z.object({
  id: z.number().int(),
  arch: z.string(),
  profile: z.string(),
  /** The training engine: 'tfjs' (TensorFlow.js) or 'torch' (PyTorch). */
  engine: z.string(),
  /** running | succeeded | failed | cancelled | interrupted (its job died; resume the job to continue). */
  status: z.string(),
  /** Epochs completed (checkpointed). */
  epoch: z.number().int(),
  /** Test accuracies in percent, set when the run finished. */
  top1: z.number().nullable(),
  top5: z.number().nullable(),
  backend: z.string().nullable(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  params: z.unknown(),
});

const Interval = z.object({ low: z.number().nullable(), high: z.number().nullable() });
export const RankingsSchema = z.object({
  n: z.number().int(),
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
      /** The run the model's top-1 comes from, and its engine (absent for a results table). */
      runId: z.number().int().optional(),
      engine: z.string().optional(),
    }),
  ),
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

export const trainingChannels = {
  'arch.list': channel(
    z.object({}),
    z.array(z.object({ arch: z.string(), params: z.number().int(), imagenetTop1: z.number().nullable() })),
    'The nine architectures: torchvision parameter count (full size, 1000 classes) and ImageNet-1k top-1 (percent).',
  ),
  'runs.list': channel(z.object({}), z.array(RunSchema), 'Training runs, newest first.'),
  'runs.start': channel(
    z.object({
      archs: z.array(z.string().min(1)).min(1),
      profile: z.enum(['local', 'paper']).default('local'),
      epochs: z.number().int().min(1).optional(),
      batch: z.number().int().min(1).optional(),
      lr: z.number().positive().optional(),
      patience: z.number().int().min(1).optional(),
      seed: z.number().int().min(0).optional(),
      /** tfjs: job `train`; torch: job `train-torch` (the PyTorch trainer with the user's Python). */
      engine: z.enum(['tfjs', 'torch']).default('tfjs'),
      /** torch only: the Python interpreter (default IMAGENOT_PYTHON, else python3 on PATH). */
      python: z.string().min(1).optional(),
      /** torch only: ranks on this machine (DistributedDataParallel). */
      nproc: z.number().int().min(1).optional(),
    }),
    z.array(JobSchema),
    "Queue one training job per architecture on the workspace's latest export (lane 'train': they run one after another): `train` (tfjs) or `train-torch` (torch).",
  ),
  'runs.metrics': channel(z.object({ runId: z.number().int().positive() }), z.array(RunMetricSchema), 'Every recorded metric point of a run.'),
  'rankings.get': channel(
    z.object({}),
    z.union([RankingsSchema, z.object({ error: z.string() })]),
    'Rank preservation of the finished runs against torchvision ImageNet-1k (`imagenot rankings WS --json`), or {error}.',
  ),
};
