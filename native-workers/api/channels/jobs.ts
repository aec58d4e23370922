// Channels and events of the job queue and the workspace status.
import { z } from 'zod';
import { channel } from '../channel.ts';

export const JobSchema = z.object({
  id: z.number().int(),
  kind: z.string(),
  lane: z.enum(['data', 'train']),
  params: z.unknown(),
  state: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted']),
  done: z.number(),
  total: z.number().nullable(),
  message: z.string().nullable(),
  error: z.string().nullable(),
  result: z.unknown(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** Why a job that succeeded still needs a look ("finished with 12 rejected", "selected no classes"); else null. */
  attention: z.string().nullable(),
  /** Whether `jobs.resume` can get further (a job that failed before committing any work would only fail again). */
  resumable: z.boolean(),
});

export const RejectionSchema = z.object({ source: z.string(), item: z.string(), reason: z.string() });

export const StatusSchema = z.object({
  workspace: z.string(),
  schema_version: z.number().int(),
  samples: z.number().int(),
  images: z.number().int(),
  rejected: z.array(RejectionSchema),
  fetch: z.record(z.string(), z.number().int()),
  synsets_eligible: z.number().int(),
  matched: z.number().int(),
  ambiguous: z.number().int(),
  lemma_rule: z.string().nullable(),
  lemmas_dropped_by_rule: z.number().int(),
  text_encoder: z.string().nullable(),
  threshold: z.number().nullable(),
  above_threshold: z.number().int(),
  /** Kept at the workspace threshold by the one rule (channels/curation.ts KEPT_RULE); null before the text filter. */
  kept: z.number().int().nullable(),
  classes_selected: z.number().int(),
  train_images: z.number().int(),
  test_images: z.number().int(),
  runs: z.array(
    z.object({
      id: z.number().int(),
      arch: z.string(),
      profile: z.string(),
      engine: z.string(),
      status: z.string(),
      top1: z.number().nullable(),
      /** The resolved training recipe the run used (null for runs recorded without one). */
      recipe: z.record(z.string(), z.unknown()).nullable(),
      /** Recipe fields in which the run differs from torchvision's reference recipe (reasons: runs.list params.differences). */
      recipe_differences: z.array(z.string()),
    }),
  ),
  jobs: z.array(JobSchema),
});

const JobId = z.object({ id: z.number().int().positive() });

export const LogLineSchema = z.object({
  /** ISO time; empty on the line that says how many lines were dropped from a long log. */
  time: z.string(),
  level: z.enum(['info', 'warn', 'error']),
  message: z.string(),
});

/** A position in a job's log: the file segment (0 = the first) and a byte offset in it. */
export const LogCursorSchema = z.object({ segment: z.number().int().min(0), offset: z.number().int().min(0) });

export const JobLogRequest = z.object({
  id: z.number().int().positive(),
  /** Continue after this position (the `next` of the previous call); default: from the start. */
  after: LogCursorSchema.optional(),
  /** Without `after`: only the last this many lines. */
  tail: z.number().int().positive().max(100_000).optional(),
  /** At most this many lines per call. */
  limit: z.number().int().positive().max(10_000).default(2000),
});

export const JobLogResponse = z.object({
  id: z.number().int(),
  lines: z.array(LogLineSchema),
  /** Pass as `after` to read what comes next. */
  next: LogCursorSchema,
  /** The limit was reached: call again with `after: next` for the rest. */
  more: z.boolean(),
  /** Lines dropped from the middle of a long log. */
  dropped: z.number().int(),
  /** The job has ended, so the log will not grow (until the job is resumed). */
  ended: z.boolean(),
});

export const jobChannels = {
  'status.get': channel(
    z.object({}),
    StatusSchema,
    'The workspace summary (the same object as `imagenot status --json`).',
  ),
  'jobs.list': channel(
    z.object({ limit: z.number().int().positive().max(1000).optional() }),
    z.array(JobSchema),
    'Jobs, newest first.',
  ),
  'jobs.cancel': channel(JobId, JobSchema, 'Cancel a queued or running job.'),
  'jobs.resume': channel(
    JobId,
    JobSchema,
    'Queue an interrupted, failed or cancelled job again; it continues from its cursor.',
  ),
  'jobs.log': channel(
    JobLogRequest,
    JobLogResponse,
    "A job's log lines (written by whichever process ran it): from the start, the last `tail` lines, or after a cursor; " +
      'poll with `after: next` while `ended` is false (live lines also arrive as `job.log` events).',
  ),
  'jobs.start': channel(
    z.object({ kind: z.string().min(1), params: z.record(z.string(), z.unknown()).default({}) }),
    JobSchema,
    'Queue a job of a kind with its parameters (validated by the job kind).',
  ),
};

export const jobEvents = {
  'job.updated': JobSchema,
  'job.progress': z.object({
    jobId: z.number().int(),
    done: z.number(),
    total: z.number().nullable(),
    message: z.string().nullable(),
  }),
  'job.log': z.object({ jobId: z.number().int(), level: z.enum(['info', 'warn', 'error']), message: z.string() }),
  /** A worker's own event (e.g. training metrics), relayed as is. */
  'job.event': z.object({ jobId: z.number().int(), name: z.string(), payload: z.unknown() }),
};
