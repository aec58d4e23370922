// Image–caption similarity (job kind `clipscore`): for every candidate with a stored image, the cosine similarity of
// the CLIP image embedding and the CLIP embedding of its own caption, stored per model (image_similarities). Selection
// ranks classes by the mean over their kept images (store/image-similarities.ts classImageScores). Resumable.
import { z } from 'zod';
import { defineWorker } from '../jobs/worker-context.ts';
import { dot } from '../core/similarity/vector.ts';
import { openHfTextEncoder } from '../io/encoders/hf-text.ts';
import { openClipImageEncoder, readImage, type RawImage } from '../io/encoders/hf-vision.ts';
import { encoderSpec } from '../store/models.ts';
import { setMeta } from '../store/meta.ts';
import {
  countPendingImageCandidates,
  pendingImageCandidates,
  writeImageSimilarities,
} from '../store/image-similarities.ts';

const Params = z.object({
  model: z.string().min(1),
  batch: z.number().int().min(1).max(512).default(16),
});

export default defineWorker({
  kind: 'clipscore',
  params: Params,
  async run(ctx, p) {
    const db = ctx.ws.db;
    const spec = encoderSpec(ctx.ws, p.model);
    if (spec.kind !== 'clip') throw new Error(`clipscore needs a CLIP model; '${p.model}' is a ${spec.kind} encoder`);
    const after0 = (ctx.cursor as { after?: number } | null)?.after ?? 0;
    const total = countPendingImageCandidates(db, spec.name, after0);
    let done = 0;
    let scored = 0;
    if (total > 0) {
      ctx.progress(0, total, `loading ${spec.name}`);
      const text = await openHfTextEncoder(spec.name, 'clip', spec.dir!);
      const vision = await openClipImageEncoder(spec.name, spec.dir!);
      try {
        let after = after0;
        for (;;) {
          const rows = pendingImageCandidates(db, spec.name, after, p.batch);
          if (!rows.length) break;
          const ok: { sampleId: number; caption: string; image: RawImage }[] = [];
          for (const r of rows) {
            try {
              ok.push({
                sampleId: r.sampleId,
                caption: r.caption,
                image: await readImage(ctx.ws.resolveInside(r.storedPath)),
              });
            } catch (err) {
              ctx.reject(r.storedPath, `sample ${r.sampleId}`, (err as Error).message);
            }
          }
          const imageVecs = await vision.encodeRaw(ok.map((o) => o.image));
          const textVecs = await text.encodeTexts(ok.map((o) => o.caption));
          const out = ok.map((o, k) => ({ sampleId: o.sampleId, similarity: dot(imageVecs[k], textVecs[k]) }));
          after = rows[rows.length - 1].sampleId;
          ctx.commit({ after }, () => writeImageSimilarities(db, spec.name, out));
          done += rows.length;
          scored += out.length;
          ctx.progress(done, total, `${done} of ${total} images`);
        }
      } finally {
        await text.dispose();
        await vision.dispose();
      }
    }
    setMeta(db, 'image_encoder', spec.name);
    return { model: spec.name, scored, failed: done - scored };
  },
});
