// Job `nsfw`: the NSFW flags. First the metadata rule (samples.nsfw_meta against the allowed values, default
// UNLIKELY only) rewrites the nsfw_meta flags; then, unless metaOnly, nsfwjs's bundled classifier scores every
// candidate image not scored yet (score = probability of Porn + Hentai, + Sexy with `strict`; flagged when >=
// threshold; the five class probabilities are kept in the flag's detail).
// Flags mark; nothing is deleted.
import { z } from 'zod';
import { defineWorker } from '../jobs/worker-context.ts';
import { nsfwMetaAllowed, refreshNsfwMetaFlags, setNsfwMetaAllowed, flagCount } from '../store/flags.ts';
import {
  DEFAULT_NSFW_CLASSIFIER_THRESHOLD,
  NSFW_UNSAFE_CLASSES,
  NSFW_UNSAFE_CLASSES_STRICT,
  nsfwScore,
} from '../core/flags/nsfw.ts';
import { loadNsfwClassifier } from '../io/flags/nsfw-classifier.ts';
import { scanCandidates } from './scan-batches.ts';

export const NsfwParams = z.object({
  /** Allowed values of the NSFW metadata column (stored as the workspace's rule); default: keep the current rule. */
  allowed: z.array(z.string().min(1)).min(1).optional(),
  metaOnly: z.boolean().default(false),
  threshold: z.number().min(0).max(1).default(DEFAULT_NSFW_CLASSIFIER_THRESHOLD),
  /** Count nsfwjs's 'Sexy' class as unsafe too (stricter; flags swimwear and sports photos). */
  strict: z.boolean().default(false),
  scope: z.enum(['candidates', 'kept']).default('candidates'),
  backend: z.enum(['cpu', 'wasm']).default('wasm'),
  batch: z.number().int().min(1).max(1000).default(16),
  /** Scan every candidate again (drops this job's earlier flags first); default: only those not scanned yet. */
  redo: z.boolean().default(false),
});

export default defineWorker({
  kind: 'nsfw',
  params: NsfwParams,
  async run(ctx, p) {
    const db = ctx.ws.db;
    if (p.allowed) setNsfwMetaAllowed(db, p.allowed);
    const meta = refreshNsfwMetaFlags(db);
    ctx.log(
      `metadata rule (allowed: ${nsfwMetaAllowed(db).join(', ')}): ${meta.checked} samples with an NSFW value, ${meta.flagged} flagged`,
    );
    if (p.metaOnly) return { meta, classifier: null };

    let model;
    try {
      model = await loadNsfwClassifier({ backend: p.backend, log: () => {} });
    } catch (err) {
      if (p.backend === 'cpu') throw err;
      ctx.log(`tfjs-${p.backend} could not start (${(err as Error).message}); using the cpu backend`, 'warn');
      model = await loadNsfwClassifier({ backend: 'cpu', log: () => {} });
    }
    ctx.log(`nsfwjs ${model.model} on tfjs-${model.backend}`);
    const unsafe = p.strict ? NSFW_UNSAFE_CLASSES_STRICT : NSFW_UNSAFE_CLASSES;
    const bySha = new Map<string, { score: number; detail: string }>();
    try {
      const scan = await scanCandidates(
        ctx,
        { kind: 'nsfw_classifier', scope: p.scope, batch: p.batch, label: 'nsfw', redo: p.redo },
        async (items) => {
          const out = [];
          for (const it of items) {
            try {
              let seen = bySha.get(it.sha256);
              if (!seen) {
                const predictions = await model.classify(ctx.ws.resolveInside(it.storedPath));
                const probabilities = Object.fromEntries(
                  predictions.map((x) => [x.className, Number(x.probability.toFixed(6))]),
                );
                seen = {
                  score: nsfwScore(predictions, unsafe),
                  detail: JSON.stringify({ model: model.model, unsafe, probabilities }),
                };
                if (bySha.size >= 10000) bySha.clear(); // duplicates are mostly near each other
                bySha.set(it.sha256, seen);
              }
              out.push({
                sampleId: it.sampleId,
                kind: 'nsfw_classifier' as const,
                flagged: seen.score >= p.threshold,
                score: seen.score,
                detail: seen.detail,
              });
            } catch (err) {
              out.push({ error: `cannot classify: ${(err as Error).message}` });
            }
          }
          return out;
        },
      );
      return {
        meta,
        classifier: {
          ...scan,
          threshold: p.threshold,
          unsafe,
          model: model.model,
          backend: model.backend,
          ...flagCount(db, 'nsfw_classifier'),
        },
      };
    } finally {
      model.dispose();
    }
  },
});
