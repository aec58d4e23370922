// Channels of the synset catalog (WordNet 3.0 nouns, ImageNot eligibility, manual include/exclude) and of matching.
import { z } from 'zod';
import { channel } from '../channel.ts';
import { JobSchema } from './jobs.ts';

const Wnid = z.string().regex(/^n\d{8}$/, 'a wnid is n + 8 digits');
const Manual = z.enum(['include', 'exclude']).nullable();

export const SynsetSchema = z.object({
  wnid: z.string(),
  name: z.string(),
  /** Matched form: '_' -> ' ', case kept. */
  lemmas: z.array(z.string()),
  definition: z.string(),
  lexname: z.string(),
  depth: z.number().int(),
  inImagenet1k: z.boolean(),
  eligible: z.boolean(),
  reason: z.string().nullable(),
  manual: Manual,
  /** Samples matched to this synset alone in the last match run. */
  candidates: z.number().int(),
});

export const SynsetDetailSchema = SynsetSchema.extend({
  examples: z.array(z.string()),
  /** Root first, ending with the synset itself (shallowest hypernym at each step). */
  hypernymPath: z.array(z.object({ wnid: z.string(), name: z.string() })),
  /** Samples whose caption matched this synset and another one (dropped). */
  ambiguous: z.number().int(),
});

export const synsetChannels = {
  'synsets.search': channel(
    z.object({ query: z.string().max(200), limit: z.number().int().min(1).max(1000).default(50), eligibleOnly: z.boolean().default(false) }),
    z.array(SynsetSchema),
    'Synsets whose wnid, name or a lemma contains the query (case-insensitive); an empty query lists by candidates.',
  ),
  'synsets.show': channel(z.object({ wnid: Wnid }), SynsetDetailSchema, 'One synset with its examples and hypernym path.'),
  'synsets.setManual': channel(
    z.object({ wnid: Wnid, manual: Manual }),
    SynsetSchema,
    'Include or exclude a synset whatever the rules say (null clears); persists in the workspace. An ImageNet-1k synset stays excluded.',
  ),
  'match.start': channel(
    z.object({ synsets: z.string().min(1).default('eligible'), ignoreCase: z.boolean().default(false) }),
    JobSchema,
    "Queue the match job over all samples: 'eligible' synsets (default) or a wnid file path.",
  ),
};
