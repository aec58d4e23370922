// Channels of dataset building: the NSFW/OCR flag jobs, the selection (classes + seeded split) and the export.
import { z } from 'zod';
import { channel } from '../channel.ts';
import { JobSchema } from './jobs.ts';

export const DatasetClassSchema = z.object({
  rank: z.number().int(),
  wnid: z.string(),
  name: z.string(),
  score: z.number().nullable(),
  kept: z.number().int(),
  train: z.number().int(),
  test: z.number().int(),
});

/** What a selection was made with, and why it no longer matches the workspace (empty = it does). */
export const SelectionInfoSchema = z.object({
  id: z.number().int(),
  createdAt: z.string(),
  encoder: z.string(),
  threshold: z.number(),
  seed: z.number().int(),
  classesRequested: z.number().int().nullable(),
  trainPerClass: z.number().int().nullable(),
  testPerClass: z.number().int().nullable(),
  classes: z.number().int(),
  train: z.number().int(),
  test: z.number().int(),
  scoreMode: z.string().nullable(),
  stale: z.array(z.string()),
});

const SelectRequest = z.object({
  threshold: z.number().optional(),
  classes: z.number().int().min(1).optional(),
  train: z.number().int().min(1).optional(),
  test: z.number().int().min(1).optional(),
  seed: z.number().int().optional(),
});

export const datasetChannels = {
  'dataset.select': channel(
    SelectRequest,
    JobSchema,
    'Start a selection job: top classes with >= train + test kept images, seeded train/test split (defaults 1000 classes, ' +
      '1000 + 100). A selection with no class is refused (the job fails and the current selection stays).',
  ),
  'dataset.preview': channel(
    SelectRequest,
    z.object({
      encoder: z.string(),
      threshold: z.number(),
      classes: z.number().int(),
      train: z.number().int(),
      test: z.number().int(),
      seed: z.number().int(),
      /** Classes with any kept image, and with at least train + test kept images. */
      classesWithKept: z.number().int(),
      classesEligible: z.number().int(),
      /** What the job would select (before removing duplicate images, which can only lower it). */
      selectedClasses: z.number().int(),
      trainImages: z.number().int(),
      testImages: z.number().int(),
      current: SelectionInfoSchema.nullable(),
    }),
    'What `dataset.select` would do with these parameters (from the kept counts, instantly), next to the current selection.',
  ),
  'dataset.suggest': channel(
    z.object({}),
    z.object({
      threshold: z.number().nullable(),
      classes: z.number().int(),
      train: z.number().int(),
      test: z.number().int(),
      seed: z.number().int(),
      /** Where the numbers come from, in words. */
      basis: z.string(),
    }),
    "Selection parameters the workspace can supply: the current selection's, the paper's when classes have enough kept images, else the per-class count that keeps most classes with a usable split.",
  ),
  'dataset.classes': channel(
    z.object({}),
    z.object({
      selectionId: z.number().int().nullable(),
      /** How classes were ranked: 'image' (mean image–caption similarity), 'text' or 'count' (no CLIP scores). */
      scoreMode: z.string().nullable(),
      classes: z.array(DatasetClassSchema),
      selection: SelectionInfoSchema.nullable(),
    }),
    'The latest selection: its classes in rank order with score, kept, train and test counts, and what it was made with.',
  ),
  'dataset.exports': channel(
    z.object({}),
    z.array(
      z.object({
        jobId: z.number().int(),
        out: z.string(),
        selectionId: z.number().int(),
        format: z.string(),
        size: z.number().int(),
        classes: z.number().int(),
        train: z.number().int(),
        test: z.number().int(),
        skipped: z.number().int(),
        finishedAt: z.string().nullable(),
        present: z.boolean(),
        /** The selection's encoder, threshold and seed (null when the selection is gone). */
        encoder: z.string().nullable(),
        threshold: z.number().nullable(),
        seed: z.number().int().nullable(),
        /** Why it no longer matches the workspace: a newer selection, or its selection is stale. */
        stale: z.array(z.string()),
      }),
    ),
    'Finished exports, newest first, with the path, the selection they hold and whether they are stale.',
  ),
  'dataset.export': channel(
    z.object({ format: z.enum(['imagefolder', 'webdataset']), size: z.number().int().min(16).max(4096).optional() }),
    JobSchema,
    'Start an export job of the latest selection into exports/selection-<id>-<format>-<size>/ in the workspace.',
  ),
  'flags.start': channel(
    z.object({ kind: z.enum(['nsfw', 'ocr']) }),
    JobSchema,
    'Start the NSFW (metadata rule + nsfwjs classifier) or OCR (class name in the image text) flag job.',
  ),
};
