// Job `nsfw`: the NSFW flags. First the metadata rule (samples.nsfw_meta against the allowed values, default
// UNLIKELY only) rewrites the nsfw_meta flags; then, unless metaOnly, nsfwjs's bundled classifier scores every
// candidate image not scored yet (score = probability of Porn + Hentai + Sexy; flagged when >= threshold).
// Flags mark; nothing is deleted.
import { z } from 'zod';
import { defineWorker } from '../jobs/worker-context.ts';
import { nsfwMetaAllowed, refreshNsfwMetaFlags, setNsfwMetaAllowed, flagCount } from '../store/flags.ts';
import { DEFAULT_NSFW_CLASSIFIER_THRESHOLD, nsfwScore } from '../core/flags/nsfw.ts';
import { loadNsfwClassifier } from '../io/flags/nsfw-classifier.ts';
import { scanCandidates } from './scan-batches.ts';

export const NsfwParams = z.object({
  /** Allowed values of the NSFW metadata column (stored as the workspace's rule); default: keep the current rule. */
  allowed: z.array(z.string().min(1)).min(1).optional(),
  metaOnly: z.boolean().default(false),
  threshold: z.number().min(0).max(1).default(DEFAULT_NSFW_CLASSIFIER_THRESHOLD),
  scope: z.enum(['candidates', 'kept']).default('candidates'),
  backend: z.enum(['cpu', 'wasm']).default('cpu'),
  batch: z.number().int().min(1).max(1000).default(16),
});

export default defineWorker({
  kind: 'nsfw',
  params: NsfwParams,
  async run(ctx, p) {
    const db = ctx.ws.db;
    if (p.allowed) setNsfwMetaAllowed(db, p.allowed);
    const meta = refreshNsfwMetaFlags(db);
    ctx.log(`metadata rule (allowed: ${nsfwMetaAllowed(db).join(', ')}): ${meta.checked} samples with an NSFW value, ${meta.flagged} flagged`);
    if (p.metaOnly) return { meta, classifier: null };

    const model = await loadNsfwClassifier({ backend: p.backend });
    ctx.log(`nsfwjs ${model.model} on tfjs-${model.backend}`);
    const bySha = new Map<string, number>();
    try {
      const scan = await scanCandidates(ctx, { kind: 'nsfw_classifier', scope: p.scope, batch: p.batch, label: 'nsfw' }, async (items) => {
        const out = [];
        for (const it of items) {
          try {
            let score = bySha.get(it.sha256);
            if (score == null) {
              score = nsfwScore(await model.classify(ctx.ws.resolveInside(it.storedPath)));
              if (bySha.size >= 10000) bySha.clear(); // duplicates are mostly near each other
              bySha.set(it.sha256, score);
            }
            out.push({ sampleId: it.sampleId, kind: 'nsfw_classifier' as const, flagged: score >= p.threshold, score, detail: model.model });
          } catch (err) {
            out.push({ error: `cannot classify: ${(err as Error).message}` });
          }
        }
        return out;
      });
      return { meta, classifier: { ...scan, threshold: p.threshold, model: model.model, backend: model.backend, ...flagCount(db, 'nsfw_classifier') } };
    } finally {
      model.dispose();
    }
  },
});
