// Channels of the text filter and the curation screen: encoders (list, import, image–caption scores), the filter
// job, the workspace threshold (explored freely, applied explicitly), per-class counts fast enough to recount on every
// slider move, a class's filter counts and histogram, its candidates (filtered, paged), one candidate in full, manual
// decisions (one, many, undo), and the candidates table export.
import { z } from 'zod';
import { channel } from '../channel.ts';
import { JobSchema } from './jobs.ts';
import { Packed } from './packed.ts';
import { SliderIndexSchema } from './slider-index.ts';

/** What "kept" means on every screen and in every count (core/selection/kept.ts), in words. */
export const KEPT_RULE =
  'kept = text similarity strictly above the threshold, has an image, no NSFW/OCR flag; an accepted candidate is kept (if it has an image), a rejected one never';

export const EncoderInfoSchema = z.object({
  name: z.string(),
  kind: z.enum(['glove', 'clip', 'sentence']),
  defaultThreshold: z.number(),
  /** Whether the text filter has similarities for it (switching to it recomputes nothing). */
  computed: z.boolean(),
});

export const CurationSettingsSchema = z.object({
  encoder: z.string(),
  /** The workspace threshold: what selection, status and exports use. */
  threshold: z.number(),
  /** Kept at that threshold over all classes (null before the text filter ran). */
  kept: z.number().int().nullable(),
  /** The encoder's similarity range rounded outward to 0.05 (the slider's and histograms' fixed range). */
  range: z.tuple([z.number(), z.number()]).nullable(),
  /** The CLIP model whose image–caption scores are shown and rank classes, if any. */
  imageEncoder: z.string().nullable(),
});

const Threshold = z.number().min(-1).max(1);
const Wnid = z.string().regex(/^n\d{8}$/, 'a wnid is n + 8 digits');
const DecisionValue = z.enum(['accept', 'reject']).nullable();
export const ItemFilterSchema = z.enum([
  'all',
  'kept',
  'dropped',
  'near',
  'flagged',
  'accepted',
  'rejected',
  'undecided',
]);
/** Half-width of the "near the threshold" band. */
const Band = z.number().min(0).max(1).default(0.02);
const KeptReasonSchema = z.enum([
  'accepted',
  'rejected',
  'no-image',
  'flagged',
  'below-threshold',
  'no-similarity',
  'kept',
]);

export const CurationItemSchema = z.object({
  sampleId: z.number().int(),
  caption: z.string(),
  /** The lemmas the caption matched ('_' -> ' '). */
  lemmas: z.array(z.string()),
  url: z.string(),
  thumb: z.string().nullable(),
  textSimilarity: z.number().nullable(),
  imageSimilarity: z.number().nullable(),
  flags: z.array(z.string()),
  decision: DecisionValue,
  kept: z.boolean(),
  keptReason: KeptReasonSchema,
});

export const CurationItemDetailSchema = CurationItemSchema.extend({
  image: z.string().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  source: z.object({ path: z.string(), kind: z.string(), row: z.number().int() }),
  nsfwMeta: z.string().nullable(),
  flagRows: z.array(
    z.object({ kind: z.string(), flagged: z.boolean(), score: z.number().nullable(), detail: z.string().nullable() }),
  ),
  history: z.array(
    z.object({
      batch: z.number().int(),
      decision: DecisionValue,
      previous: DecisionValue,
      at: z.string(),
      batchSize: z.number().int(),
    }),
  ),
});

export const ClassCountSchema = z.object({
  wnid: z.string(),
  name: z.string(),
  candidates: z.number().int(),
  kept: z.number().int(),
  /** Candidates with a manual decision. */
  decided: z.number().int(),
});

/** Kept counts of every class, in the class list's order, packed (api/channels/packed.ts). */
export const PackedCounts = Packed('int32 counts');

const IndexState = {
  /** Identifies the class list: counts from `curation.counts` line up with it while the version is the same. */
  version: z.string(),
  /** False while a running job keeps changing the inputs and the counts are from an index built a moment ago. */
  current: z.boolean(),
};

export const ClassFacetsSchema = z.object({
  candidates: z.number().int(),
  kept: z.number().int(),
  dropped: z.number().int(),
  near: z.number().int(),
  flagged: z.number().int(),
  noImage: z.number().int(),
  accepted: z.number().int(),
  rejected: z.number().int(),
  undecided: z.number().int(),
});

const BulkTarget = z
  .object({
    wnid: Wnid,
    decision: DecisionValue,
    /** Exactly these candidates ... */
    sampleIds: z.array(z.number().int().positive()).min(1).max(200_000).optional(),
    /** ... or every candidate of the class passing a grid filter at a threshold. */
    filter: ItemFilterSchema.optional(),
    threshold: Threshold.optional(),
    band: Band,
  })
  .refine((r) => (r.sampleIds == null) !== (r.filter == null), {
    message: 'give either sampleIds or filter',
    path: ['filter'],
  });

export const curationChannels = {
  'encoders.list': channel(
    z.object({}),
    z.array(EncoderInfoSchema),
    'Text encoders: the built-in glove and imported models, with default thresholds.',
  ),
  'encoders.import': channel(
    z
      .object({
        kind: z.enum(['clip', 'sentence']),
        /** A Hugging Face ONNX export folder on the machine running the backend ... */
        dir: z.string().min(1).optional(),
        /** ... or a Hub model id (owner/name) to download first. */
        download: z
          .string()
          .regex(/^[\w.-]+\/[\w.-]+$/, 'a Hugging Face model id is owner/name')
          .optional(),
        name: z.string().min(1).optional(),
      })
      .refine((r) => (r.dir == null) !== (r.download == null), {
        message: 'give either a folder or a model id to download',
        path: ['dir'],
      }),
    JobSchema,
    'Queue a model import (job `model-import`): check the folder (or download it from the Hub), copy it under models/.',
  ),
  'clipscore.start': channel(
    z.object({ model: z.string().min(1) }),
    JobSchema,
    'Queue image–caption similarity with a CLIP model (job `clipscore`): ranks classes and shows img scores in the grid.',
  ),
  'filter.start': channel(
    z.object({ encoder: z.string().min(1).default('glove'), threshold: Threshold.optional() }),
    JobSchema,
    'Queue the text filter with an encoder (similarities already computed for it are reused).',
  ),
  'curation.settings': channel(
    z.object({}),
    CurationSettingsSchema,
    'The encoder and threshold the workspace filters with, and what is kept at it.',
  ),
  'curation.setThreshold': channel(
    z.object({ threshold: Threshold, encoder: z.string().min(1).optional() }),
    CurationSettingsSchema,
    'Apply a threshold (and optionally an encoder that already has similarities) to the workspace; nothing is recomputed.',
  ),
  'curation.classes': channel(
    z.object({ threshold: Threshold, encoder: z.string().min(1).optional() }),
    z.object({ encoder: z.string(), ...IndexState, classes: z.array(ClassCountSchema) }),
    `Per class: candidates, kept at a threshold and decided, most candidates first (a stable order). ${KEPT_RULE}.`,
  ),
  'curation.counts': channel(
    z.object({ threshold: Threshold, encoder: z.string().min(1).optional() }),
    z.object({ ...IndexState, kept: PackedCounts, total: z.number().int() }),
    'Only the kept counts at a threshold, in the order of `curation.classes` with the same version (a slider move); `kept` is packed: base64 of little-endian int32 counts (unpackInt32 in api/channels/packed.ts).',
  ),
  'curation.sliderIndex': channel(
    z.object({
      encoder: z.string().min(1).optional(),
      /** The version the screen already holds the similarities of: the reply then carries only the decisions. */
      have: z.string().optional(),
    }),
    SliderIndexSchema,
    "Every class's ascending similarities in the order of `curation.classes`, and the manual decisions' effects, packed: a screen counts slider moves from it (SliderCounter in api/channels/slider-index.ts), with no request per move.",
  ),
  'curation.class': channel(
    z.object({ wnid: Wnid, threshold: Threshold, encoder: z.string().min(1).optional(), band: Band }),
    z.object({
      wnid: z.string(),
      name: z.string(),
      definition: z.string(),
      lemmas: z.array(z.string()),
      facets: ClassFacetsSchema,
    }),
    "One class: its WordNet definition and lemmas, and the grid's filter counts at a threshold.",
  ),
  'curation.histogram': channel(
    z.object({
      wnid: Wnid,
      threshold: Threshold,
      bins: z.number().int().min(1).max(1000).default(40),
      encoder: z.string().min(1).optional(),
    }),
    z.object({ edges: z.array(z.number()), counts: z.array(z.number().int()), threshold: z.number() }),
    "A class's text-similarity histogram of the candidates that can be kept (with an image, not flagged), over the encoder's fixed range.",
  ),
  'curation.items': channel(
    z.object({
      wnid: Wnid,
      sort: z.enum(['text', 'image', 'id']).default('text'),
      order: z.enum(['asc', 'desc']).default('desc'),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(100),
      filter: ItemFilterSchema.default('all'),
      /** The threshold `kept` and the filters are judged at (default: the workspace's). */
      threshold: Threshold.optional(),
      band: Band,
    }),
    z.object({ total: z.number().int(), classTotal: z.number().int(), items: z.array(CurationItemSchema) }),
    "A class's candidates passing a filter (total = how many pass) with caption, lemmas, thumbnail, similarities, flags, decision and kept.",
  ),
  'curation.item': channel(
    z.object({ wnid: Wnid, sampleId: z.number().int().positive(), threshold: Threshold.optional() }),
    CurationItemDetailSchema,
    'One candidate in full: image, caption, URL, source file and row, both similarities, flags, decision history.',
  ),
  'curation.decide': channel(
    z.object({ sampleId: z.number().int().positive(), wnid: Wnid, decision: DecisionValue }),
    z.object({ sampleId: z.number().int(), wnid: z.string(), decision: DecisionValue, batch: z.number().int() }),
    'Accept or reject a candidate for its class (null clears); overrides the threshold. The batch number undoes it.',
  ),
  'curation.decideMany': channel(
    BulkTarget,
    z.object({ batch: z.number().int(), matched: z.number().int(), changed: z.number().int() }),
    'Accept, reject or clear many candidates of a class at once (listed, or all passing a filter) as one undoable batch.',
  ),
  'curation.undo': channel(
    z.object({ batch: z.number().int().positive() }),
    z.object({ batch: z.number().int(), changed: z.number().int(), skipped: z.number().int() }),
    'Undo a batch of decisions (candidates decided again since keep their later decision).',
  ),
  'candidates.export': channel(
    z.object({ format: z.enum(['csv', 'parquet']).default('csv'), threshold: Threshold.optional() }),
    JobSchema,
    'Queue writing every candidate (the `imagenot candidates` table) to exports/candidates-<time>.<format> (job `candidates`).',
  ),
};
