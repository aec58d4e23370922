// What the PyTorch trainer prints on stdout, one JSON object per line (trainers/torch/imagenot_torch/protocol.py).
// Every line is parsed with these schemas before anything reaches the job, SQLite or the UI; metric points have the
// shape of the `metrics` table and of the `run.metric` event (api/channels/training.ts uses MetricPointSchema).
import { z } from 'zod';

export const MetricPointSchema = z.object({
  step: z.number().int().min(0),
  epoch: z.number().min(0),
  name: z.string().min(1),
  value: z.number(),
});

const Metrics = z.array(MetricPointSchema);

export const TrainerEnvironmentSchema = z.object({
  device: z.string(),
  deviceName: z.string(),
  amp: z.boolean(),
  channelsLast: z.boolean(),
  threads: z.number().int(),
  ompWaitPolicy: z.string().optional(),
  workers: z.number().int(),
  torch: z.string(),
  cuda: z.string().nullable(),
  cudnn: z.number().nullable(),
});

export const TrainerEventSchema = z.discriminatedUnion('event', [
  z.object({
    event: z.literal('start'),
    resumed: z.boolean(),
    epoch: z.number().int().min(0),
    step: z.number().int().min(0),
    /** The metrics of the epoch the checkpoint ends with (re-recorded on resume), null on a fresh run. */
    lastEpoch: Metrics.nullable(),
    stepsPerEpoch: z.number().int().min(1),
    totalSteps: z.number().int().min(1),
    worldSize: z.number().int().min(1),
    dataset: z.object({
      root: z.string(),
      format: z.enum(['imagefolder', 'webdataset']),
      classes: z.number().int().min(1),
      train: z.number().int().min(0),
      val: z.number().int().min(0),
      test: z.number().int().min(0),
    }),
    environment: TrainerEnvironmentSchema,
  }),
  z.object({
    event: z.literal('metrics'),
    metrics: Metrics,
    progress: z.object({ done: z.number().int().min(0), total: z.number().int().min(1), message: z.string() }),
  }),
  z.object({
    event: z.literal('epoch'),
    epoch: z.number().int().min(1),
    step: z.number().int().min(0),
    metrics: Metrics,
    improved: z.boolean(),
    best: z.number().nullable(),
    bestEpoch: z.number().int().nullable(),
    stop: z.boolean(),
    checkpoint: z.string(),
  }),
  z.object({
    event: z.literal('test'),
    top1: z.number(),
    top5: z.number(),
    bestEpoch: z.number().int().nullable(),
    epochs: z.number().int().min(0),
    metrics: Metrics,
  }),
  z.object({ event: z.literal('reject'), item: z.string(), reason: z.string() }),
  z.object({
    event: z.literal('error'),
    message: z.string(),
    install: z.boolean().optional(),
    rank: z.number().int().optional(),
  }),
  z.object({
    event: z.literal('bench'),
    arch: z.string(),
    input: z.number().int(),
    batch: z.number().int(),
    steps: z.number().int(),
    seconds: z.number(),
    images_per_s: z.number(),
    environment: TrainerEnvironmentSchema,
  }),
  z.object({ event: z.literal('params'), counts: z.record(z.string(), z.number().int()), torchvision: z.string() }),
  z.object({
    event: z.literal('input'),
    results: z.array(
      z.object({ arch: z.string(), size: z.number().int(), ok: z.boolean(), error: z.string().nullable() }),
    ),
  }),
  z.object({
    event: z.literal('split'),
    root: z.string(),
    format: z.enum(['imagefolder', 'webdataset']),
    classes: z.array(z.string()),
    train: z.array(z.tuple([z.string(), z.number().int()])),
    val: z.array(z.tuple([z.string(), z.number().int()])),
    test: z.array(z.tuple([z.string(), z.number().int()])),
  }),
]);
export type TrainerEvent = z.infer<typeof TrainerEventSchema>;
export type TrainerEventOf<K extends TrainerEvent['event']> = Extract<TrainerEvent, { event: K }>;

/** One stdout line -> an event, or why it is not one. */
export function parseTrainerLine(line: string): { event: TrainerEvent } | { error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { error: `not JSON: ${line.slice(0, 200)}` };
  }
  const parsed = TrainerEventSchema.safeParse(raw);
  if (!parsed.success)
    return {
      error: `malformed trainer event (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}): ${line.slice(0, 200)}`,
    };
  return { event: parsed.data };
}
