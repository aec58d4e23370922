// Channels of the text filter and the curation screen: encoders, filter job, threshold, per-class counts and
// histograms (fast enough to recount on every slider move), a class's candidates, manual decisions.
import { z } from 'zod';
import { channel } from '../channel.ts';
import { JobSchema } from './jobs.ts';

export const EncoderInfoSchema = z.object({
  name: z.string(),
  kind: z.enum(['glove', 'clip', 'sentence']),
  defaultThreshold: z.number(),
});

export const CurationSettingsSchema = z.object({ encoder: z.string(), threshold: z.number() });

const Threshold = z.number().min(-1).max(1);
const Wnid = z.string().regex(/^n\d{8}$/, 'a wnid is n + 8 digits');
const DecisionValue = z.enum(['accept', 'reject']).nullable();

export const CurationItemSchema = z.object({
  sampleId: z.number().int(),
  caption: z.string(),
  url: z.string(),
  thumb: z.string().nullable(),
  textSimilarity: z.number().nullable(),
  imageSimilarity: z.number().nullable(),
  flags: z.array(z.string()),
  decision: DecisionValue,
  kept: z.boolean(),
});

export const curationChannels = {
  'encoders.list': channel(z.object({}), z.array(EncoderInfoSchema), 'Text encoders: the built-in glove and imported models, with default thresholds.'),
  'filter.start': channel(
    z.object({ encoder: z.string().min(1).default('glove'), threshold: Threshold.optional() }),
    JobSchema,
    'Queue the text filter with an encoder (similarities already computed for it are reused).',
  ),
  'curation.settings': channel(z.object({}), CurationSettingsSchema, 'The encoder and threshold the workspace filters with.'),
  'curation.setThreshold': channel(
    z.object({ threshold: Threshold, encoder: z.string().min(1).optional() }),
    CurationSettingsSchema,
    'Set the keep threshold (and optionally switch to an encoder that already has similarities); nothing is recomputed.',
  ),
  'curation.classes': channel(
    z.object({ threshold: Threshold, encoder: z.string().min(1).optional() }),
    z.array(z.object({ wnid: z.string(), name: z.string(), candidates: z.number().int(), kept: z.number().int() })),
    'Per class: candidates and kept at a threshold, most kept first. Kept = the rule `imagenot select` applies (core/selection/kept.ts): above the threshold, has an image, no NSFW/OCR flag; manual decisions win.',
  ),
  'curation.histogram': channel(
    z.object({ wnid: Wnid, threshold: Threshold, bins: z.number().int().min(1).max(1000).default(40), encoder: z.string().min(1).optional() }),
    z.object({ edges: z.array(z.number()), counts: z.array(z.number().int()), threshold: z.number() }),
    "A class's text-similarity histogram of the candidates that can be kept (with an image, not flagged; bins over their range).",
  ),
  'curation.items': channel(
    z.object({
      wnid: Wnid,
      sort: z.enum(['text', 'image', 'id']).default('text'),
      order: z.enum(['asc', 'desc']).default('desc'),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(100),
    }),
    z.object({ total: z.number().int(), items: z.array(CurationItemSchema) }),
    "A class's candidates with caption, thumbnail, similarities, flags, decision and kept (current threshold).",
  ),
  'curation.decide': channel(
    z.object({ sampleId: z.number().int().positive(), wnid: Wnid, decision: DecisionValue }),
    z.object({ sampleId: z.number().int(), wnid: z.string(), decision: DecisionValue }),
    'Accept or reject a candidate for its class (null clears); overrides the threshold.',
  ),
};
