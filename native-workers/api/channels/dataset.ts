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

export const datasetChannels = {
  'dataset.select': channel(
    z.object({
      threshold: z.number().optional(),
      classes: z.number().int().min(1).optional(),
      train: z.number().int().min(1).optional(),
      test: z.number().int().min(1).optional(),
      seed: z.number().int().optional(),
    }),
    JobSchema,
    'Start a selection job: top classes with >= train + test kept images, seeded train/test split (defaults 1000 classes, 1000 + 100).',
  ),
  'dataset.classes': channel(
    z.object({}),
    z.object({
      selectionId: z.number().int().nullable(),
      /** How classes were ranked: 'image' (mean image–caption similarity), 'text' or 'count' (no CLIP scores). */
      scoreMode: z.string().nullable(),
      classes: z.array(DatasetClassSchema),
    }),
    'The latest selection: its classes in rank order with score, kept, train and test counts.',
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
