// Channels of the demo workspace: start it (as a chain of jobs) and ask whether this workspace can hold it / holds it.
import { z } from 'zod';
import { channel } from '../channel.ts';
import { JobSchema } from './jobs.ts';

export const DemoStatusSchema = z.object({
  /** True when the workspace is empty (no samples, no jobs): the app may offer to build the demo here. */
  canStart: z.boolean(),
  /** The demo's settings when this workspace is a demo, else null. */
  demo: z
    .object({
      imagesPerClass: z.number().int(),
      imageSide: z.number().int(),
      /** Epochs of every run; absent: each architecture's local recipe. */
      epochs: z.number().int().optional(),
      archs: z.array(z.string()),
      seed: z.number().int(),
      classes: z.array(
        z.object({
          fashionName: z.string(),
          wnid: z.string(),
          name: z.string(),
          eligible: z.boolean(),
          reason: z.string().nullable(),
        }),
      ),
    })
    .nullable(),
});

export const demoChannels = {
  'demo.start': channel(
    z.object({ quick: z.boolean().default(true), seed: z.number().int().default(0) }),
    JobSchema,
    'Build the demo in this (empty) workspace: returns the first `demo` job; each demo phase queues the next stages ' +
      '(ingest, match, filter, nsfw, select, export, nine train runs) and lists their ids in its result `queued`.',
  ),
  'demo.status': channel(
    z.object({}),
    DemoStatusSchema,
    'Whether the demo can be built here, and its settings if this is a demo workspace.',
  ),
};
