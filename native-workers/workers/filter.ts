// The text filter (job kind `filter`): embed each candidate class's synset text and each matched caption with one
// encoder, store their cosine similarity per candidate (text_similarities), then record the encoder and threshold the
// workspace filters with. Only candidates without a similarity for this encoder are embedded, so re-running after a
// threshold change computes nothing; each batch is committed with its cursor (SIGKILL-safe resume).
import { z } from 'zod';
import { defineWorker } from '../jobs/worker-context.ts';
import { synsetText } from '../core/similarity/synset-text.ts';
import { dot } from '../core/similarity/vector.ts';
import { defaultThreshold } from '../core/similarity/thresholds.ts';
import { openTextEncoder } from '../io/encoders/open.ts';
import { encoderSpec } from '../store/models.ts';
import { currentTextFilter } from '../store/meta.ts';
import {
  candidateSynsets,
  countAboveThreshold,
  countPendingTextCandidates,
  deleteStaleTextSimilarities,
  pendingTextCandidates,
  setTextFilter,
  writeTextSimilarities,
} from '../store/text-similarities.ts';
import { keptCountsInOrder, storeIndexIfStale } from '../store/threshold-index.ts';

const Params = z.object({
  encoder: z.string().min(1).default('glove'),
  threshold: z.number().min(-1).max(1).optional(),
  batch: z.number().int().min(1).max(4096).optional(),
});

export default defineWorker({
  kind: 'filter',
  params: Params,
  async run(ctx, p) {
    const db = ctx.ws.db;
    const spec = encoderSpec(ctx.ws, p.encoder);
    const batch = p.batch ?? (spec.kind === 'glove' ? 1024 : 32);
    const stale = deleteStaleTextSimilarities(db, spec.name);
    if (stale) ctx.log(`removed ${stale} similarities of samples that are no longer candidates`);

    const after0 = (ctx.cursor as { after?: number } | null)?.after ?? 0;
    const total = countPendingTextCandidates(db, spec.name, after0);
    let computed = 0;
    if (total > 0) {
      ctx.progress(0, total, `loading encoder ${spec.name}`);
      const encoder = await openTextEncoder(spec, (m) => ctx.log(m));
      try {
        // Class texts, embedded once per run.
        const classVectors = new Map<string, Float32Array>();
        const synsets = candidateSynsets(db);
        for (const s of synsets) {
          if (s.name == null)
            ctx.reject(
              'matches',
              `wnid ${s.wnid}`,
              'its candidates are not filtered: the synset is not in the synsets table (run `imagenot match`)',
            );
        }
        const known = synsets.filter((s) => s.name != null);
        for (let i = 0; i < known.length; i += batch) {
          const part = known.slice(i, i + batch);
          const vecs = await encoder.encodeTexts(part.map((s) => synsetText(s.name!, s.definition ?? '')));
          part.forEach((s, k) => classVectors.set(s.wnid, vecs[k]));
          ctx.progress(0, total, `embedded ${Math.min(i + batch, known.length)} of ${known.length} class texts`);
        }

        let after = after0;
        for (;;) {
          const rows = pendingTextCandidates(db, spec.name, after, batch);
          if (!rows.length) break;
          const vecs = await encoder.encodeTexts(rows.map((r) => r.caption));
          const out = rows.map((r, k) => ({
            sampleId: r.sampleId,
            wnid: r.wnid,
            similarity: dot(vecs[k], classVectors.get(r.wnid)!),
          }));
          after = rows[rows.length - 1].sampleId;
          ctx.commit({ after }, () => writeTextSimilarities(db, spec.name, out));
          computed += rows.length;
          ctx.progress(computed, total, `${computed} of ${total} captions`);
        }
      } finally {
        await encoder.dispose();
      }
    }

    // The workspace now filters with this encoder; keep a user-chosen threshold unless the encoder changed.
    const current = currentTextFilter(db);
    const threshold =
      p.threshold ?? (current && current.encoder === spec.name ? current.threshold : defaultThreshold(spec.kind));
    setTextFilter(db, spec.name, threshold);
    // The curation screen's per-class index, built here and stored (unless the stored one is current), so the first
    // slider move after this job answers from it instead of rebuilding it (store/threshold-index.ts).
    ctx.progress(computed, total, 'indexing similarities per class');
    storeIndexIfStale(db, spec.name);
    // aboveThreshold = the filter stage's own figure (status's above_threshold); kept = after flags, images and
    // decisions (core/selection/kept.ts), the figure every screen shows.
    const aboveThreshold = countAboveThreshold(db, spec.name, threshold);
    const kept = keptCountsInOrder(db, spec.name, threshold).total;
    ctx.progress(computed, total, `${computed} captions embedded; ${kept} kept at ${threshold}`);
    return { encoder: spec.name, kind: spec.kind, computed, threshold, aboveThreshold, kept };
  },
});
