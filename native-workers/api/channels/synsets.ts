// Channels of the synset catalog (WordNet 3.0 nouns, ImageNot eligibility, manual include/exclude), of the lemma-quality
// rule (each lemma's state, per-workspace overrides, the review of dropped and flagged lemmas) and of matching.
import { z } from 'zod';
import { channel } from '../channel.ts';
import { JobSchema } from './jobs.ts';

const Wnid = z.string().regex(/^n\d{8}$/, 'a wnid is n + 8 digits');
const Manual = z.enum(['include', 'exclude']).nullable();
const LemmaOverride = z.enum(['keep', 'drop']).nullable();

/** What the next match run (eligible set, lemma rule on) makes of one lemma of one synset. */
export const LemmaStateSchema = z.object({
  /** Matched form: '_' -> ' ', case kept. */
  lemma: z.string(),
  /** kept: matching uses it; dropped: by the rule or by hand; shared: another eligible synset has it (LAIONet drops
   * it); unmatchable: it contains ASCII punctuation. */
  status: z.enum(['kept', 'dropped', 'shared', 'unmatchable']),
  /** Dropped: the rule's code (function-word, other-pos, ...) or 'manual'. */
  code: z.string().nullable(),
  reason: z.string().nullable(),
  sharedWith: z.array(z.string()),
  /** The rule's own verdict, whatever the override: drop code (null: keep), flags, reason. */
  ruleDrop: z.string().nullable(),
  ruleFlags: z.array(z.string()),
  ruleReason: z.string().nullable(),
  override: LemmaOverride,
});

export const MatchPreviewSchema = z.object({
  captions: z.number().int(),
  chosen: z.number().int(),
  lemmaRule: z.string(),
  lemmasDroppedByRule: z.number().int(),
  lemmasDroppedByReason: z.record(z.string(), z.number().int()),
  synsetsEmptiedByRule: z.number().int(),
  before: z.object({ matched: z.number().int(), ambiguous: z.number().int(), classes: z.number().int() }),
  after: z.object({ matched: z.number().int(), ambiguous: z.number().int(), classes: z.number().int() }),
  gained: z.number().int(),
  lost: z.number().int(),
  changed: z.number().int(),
  /** The largest changes of candidates per class first. */
  classes: z.array(z.object({ wnid: z.string(), name: z.string(), before: z.number().int(), after: z.number().int() })),
});

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
  /** Each lemma under the lemma rule and the workspace's overrides. */
  lemmaStates: z.array(LemmaStateSchema),
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
    z.object({
      query: z.string().max(200),
      limit: z.number().int().min(1).max(1000).default(50),
      eligibleOnly: z.boolean().default(false),
    }),
    z.array(SynsetSchema),
    'Synsets whose wnid, name or a lemma contains the query (case-insensitive); an empty query lists by candidates.',
  ),
  'synsets.show': channel(
    z.object({ wnid: Wnid }),
    SynsetDetailSchema,
    'One synset with its examples and hypernym path.',
  ),
  'synsets.setManual': channel(
    z.object({ wnid: Wnid, manual: Manual }),
    SynsetSchema,
    'Include or exclude a synset whatever the rules say (null clears); persists in the workspace. An ImageNet-1k synset stays excluded.',
  ),
  'synsets.setLemma': channel(
    z.object({ wnid: Wnid, lemma: z.string().min(1).max(300), decision: LemmaOverride }),
    SynsetSchema,
    "Override the lemma rule for one lemma of one synset in this workspace: 'keep' restores it, 'drop' removes it, null " +
      'returns to the rule. Takes effect at the next match run.',
  ),
  'synsets.lemmaReview': channel(
    z.object({
      kind: z.enum(['flagged', 'dropped', 'overridden']).default('flagged'),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(100),
    }),
    z.object({
      total: z.number().int(),
      counts: z.object({
        /** Lemmas of each kind. */
        totals: z.object({ flagged: z.number().int(), dropped: z.number().int(), overridden: z.number().int() }),
        /** Dropped lemmas per code, flags per flag (a lemma can have several). */
        dropped: z.record(z.string(), z.number().int()),
        flagged: z.record(z.string(), z.number().int()),
      }),
      items: z.array(
        LemmaStateSchema.extend({
          wnid: z.string(),
          name: z.string(),
          candidates: z.number().int(),
          ambiguous: z.number().int(),
        }),
      ),
    }),
    "The eligible set's lemmas the rule drops, flags (kept, worth a look) or the workspace overrides, most candidates first.",
  ),
  'match.start': channel(
    z.object({
      synsets: z.string().min(1).default('eligible'),
      ignoreCase: z.boolean().default(false),
      /** Unset: 'default' for the eligible set, 'none' (exact LAIONet) for a wnid file. */
      lemmaRule: z.enum(['default', 'none']).optional(),
      /** Match without writing; read the outcome with match.preview. */
      preview: z.boolean().default(false),
    }),
    JobSchema,
    "Queue the match job over all samples: 'eligible' synsets (default) or a wnid file path. A run replaces the " +
      'candidates; a preview only says what a run would change.',
  ),
  'match.preview': channel(
    z.object({ jobId: z.number().int().positive() }),
    MatchPreviewSchema,
    'The outcome of a finished preview job: matched, ambiguous and classes now and after a run, classes gained and lost.',
  ),
};
