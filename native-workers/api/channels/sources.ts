// Channels of ingest and fetch: the sources of a workspace, starting ingest/fetch jobs, and the rejected items.
import { z } from 'zod';
import { channel } from '../channel.ts';
import { JobSchema, RejectionSchema } from './jobs.ts';

export const SourceSchema = z.object({
  id: z.number().int(),
  path: z.string(),
  kind: z.string(),
  rows: z.number().int().nullable(),
  state: z.enum(['ingesting', 'done']),
  ingestedAt: z.string().nullable(),
  /** Samples this source holds. */
  samples: z.number().int(),
  rejected: z.number().int(),
  /** Invalid UTF-8 sequences replaced by U+FFFD in its captions. */
  replacedUtf8: z.number().int(),
  /** Why it stopped early (a damaged file after some good rows), or null. */
  error: z.string().nullable(),
});

export const sourceChannels = {
  'sources.list': channel(
    z.object({}),
    z.array(SourceSchema),
    'Ingested sources (metadata files, tar shards, folders), oldest first.',
  ),
  'sources.ingest': channel(
    z.object({
      paths: z.array(z.string().min(1)).min(1),
      captionCol: z.string().min(1).optional(),
      urlCol: z.string().min(1).optional(),
      maxSide: z.number().int().min(16).max(16384).optional(),
      keepOriginal: z.boolean().optional(),
    }),
    JobSchema,
    'Start an ingest job for files/folders (parquet/csv/tsv/jsonl[.gz], img2dataset output, .tar, image folders).',
  ),
  'sources.fetch': channel(
    z.object({
      concurrency: z.number().int().min(1).max(256).optional(),
      timeoutS: z.number().positive().max(600).optional(),
      retries: z.number().int().min(0).max(10).optional(),
      retryFailed: z.boolean().optional(),
    }),
    JobSchema,
    'Start a fetch job: download images for samples with a URL and no image.',
  ),
  'files.list': channel(
    z.object({ path: z.string().min(1).optional(), hidden: z.boolean().default(false) }),
    z.object({
      path: z.string(),
      /** The folder above, when it is still inside a root. */
      parent: z.string().nullable(),
      /** The folders listing is confined to: the home folder, the workspace's parent folder, the server's folder. */
      roots: z.array(z.string()),
      entries: z.array(
        z.object({
          name: z.string(),
          path: z.string(),
          kind: z.enum(['dir', 'file']),
          size: z.number().int().nullable(),
          ingestAs: z.enum(['table', 'tar', 'image', 'urls']).nullable(),
        }),
      ),
      truncated: z.boolean(),
    }),
    'List a folder on the machine running the backend (names, kinds, sizes; never contents), inside the allowed roots: the picker for ingest, model and export paths in browser mode.',
  ),
  'rejections.list': channel(
    z.object({ offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(10000).default(100) }),
    z.object({ total: z.number().int(), items: z.array(RejectionSchema) }),
    'Rejected items (source, item = row number or entry name, reason), oldest first.',
  ),
};
