// Job `select`: choose the dataset's classes and its seeded train/test split (core/selection/select.ts) from the
// workspace's candidates, and store it as a new selection. Kept = the one rule of core/selection/kept.ts (the same
// the curation screen counts): matched candidate, text similarity above the threshold of the current text encoder,
// not flagged (nsfw_meta derived from the sample's metadata; nsfw_classifier, ocr once their job has run), has an
// image; manual decisions override. The NSFW metadata flag rows are refreshed here only for the summary counts. Classes are ranked by mean image–caption similarity of kept
// images when a CLIP model has scored them, else by kept count. Same workspace + params -> the same selection.
import { z } from 'zod';
import { defineWorker } from '../jobs/worker-context.ts';
import { currentTextFilter } from '../store/meta.ts';
import { FLAG_KINDS, nsfwMetaAllowed, refreshNsfwMetaFlags } from '../store/flags.ts';
import {
  flagKindsPresent,
  getSelection,
  loadSelectionCandidates,
  saveSelection,
  selectionInputs,
} from '../store/selection.ts';
import { currentImageEncoder } from '../store/image-similarities.ts';
import { PAPER_SELECTION, selectDataset } from '../core/selection/select.ts';

export const SelectParams = z.object({
  threshold: z.number().optional(),
  encoder: z.string().min(1).optional(),
  imageEncoder: z.string().min(1).optional(),
  classes: z.number().int().min(1).default(PAPER_SELECTION.classes),
  train: z.number().int().min(1).default(PAPER_SELECTION.train),
  test: z.number().int().min(1).default(PAPER_SELECTION.test),
  seed: z.number().int().default(PAPER_SELECTION.seed),
  score: z.enum(['auto', 'image', 'text', 'count']).default('auto'),
  excludeFlags: z.array(z.enum(FLAG_KINDS)).default([...FLAG_KINDS]),
});
export type SelectParams = z.infer<typeof SelectParams>;

export default defineWorker({
  kind: 'select',
  params: SelectParams,
  async run(ctx, p) {
    const db = ctx.ws.db;
    const done = ctx.cursor as { result?: unknown } | null;
    if (done?.result) return done.result;

    const filter = currentTextFilter(db);
    const encoder = p.encoder ?? filter?.encoder;
    const threshold = p.threshold ?? filter?.threshold;
    if (encoder == null || threshold == null) {
      throw new Error(
        'no text filter in this workspace: run `imagenot filter WS` first (or pass --encoder and --threshold)',
      );
    }
    ctx.progress(0, 3, 'applying the NSFW metadata rule');
    const meta = refreshNsfwMetaFlags(db);
    const imageEncoder = p.imageEncoder ?? currentImageEncoder(db);
    const ran = flagKindsPresent(db);
    ctx.progress(1, 3, 'reading candidates');
    const inputs = selectionInputs(db);
    const candidates = loadSelectionCandidates(db, {
      textEncoder: encoder,
      imageEncoder,
      excludeFlags: p.excludeFlags,
    });
    ctx.progress(2, 3, `selecting from ${candidates.length} candidates`);
    const result = selectDataset(candidates, {
      threshold,
      classes: p.classes,
      train: p.train,
      test: p.test,
      seed: p.seed,
      score: p.score,
    });
    if (!result.classes.length) {
      // An empty selection would replace a useful one and export nothing: refuse, keep the current one.
      const current = getSelection(db);
      throw new Error(
        `no class has ${p.train + p.test} kept images (${p.train} train + ${p.test} test) at threshold ${threshold}: ` +
          `${result.classesWithKept} classes have any kept image. Nothing was saved` +
          (current ? `; selection #${current.id} stays.` : '.') +
          ' Lower --train/--test or the threshold.',
      );
    }
    const params = {
      ...p,
      encoder,
      threshold,
      imageEncoder: result.scoreMode === 'image' ? imageEncoder : null,
      scoreMode: result.scoreMode,
      flagsApplied: p.excludeFlags.filter((k) => ran.includes(k)),
      nsfwMetaAllowed: nsfwMetaAllowed(db),
      candidates: candidates.length,
      keptCandidates: result.keptCandidates,
      classesWithKept: result.classesWithKept,
      classesEligible: result.classesEligible,
      classesSkippedForDuplicates: result.classesSkippedForDuplicates,
      inputs,
    };
    const summary = {
      classes: result.classes.length,
      train: result.classes.reduce((s, c) => s + c.train.length, 0),
      test: result.classes.reduce((s, c) => s + c.test.length, 0),
      scoreMode: result.scoreMode,
      classesEligible: result.classesEligible,
      keptCandidates: result.keptCandidates,
      nsfwMeta: meta,
    };
    // The cursor object is filled inside the write, before commit serialises it in the same transaction: a resumed
    // job finds the stored selection instead of writing a second one.
    const cursor: { result?: { selectionId: number } & typeof summary } = {};
    ctx.commit(cursor, () => {
      cursor.result = {
        selectionId: saveSelection(db, { params, seed: p.seed, threshold, encoder, result }),
        ...summary,
      };
    });
    const out = cursor.result!;
    if (out.classes < p.classes) {
      ctx.log(
        `${out.classes} of ${p.classes} classes selected: ${result.classesEligible} classes have at least ${p.train + p.test} kept images ` +
          `(${result.classesWithKept} have any)`,
        'warn',
      );
    }
    ctx.progress(
      3,
      3,
      `${out.classes} classes, ${out.train} train / ${out.test} test images (ranked by ${result.scoreMode})`,
    );
    return out;
  },
});
