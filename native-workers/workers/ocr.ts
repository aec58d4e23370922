// Job `ocr` (LAIONet's extra measure): recognise the text in each candidate image (tesseract.js, bundled English
// data) and flag the candidate when that text contains its class name (any lemma, whole words, case-insensitive).
// The selection excludes ocr-flagged candidates by default once this job has run.
import { z } from 'zod';
import { defineWorker } from '../jobs/worker-context.ts';
import { flagCount } from '../store/flags.ts';
import { synsetLemmas } from '../store/candidates.ts';
import { findClassNameInText } from '../core/flags/ocr.ts';
import { createOcrReader } from '../io/flags/ocr.ts';
import { scanCandidates } from './scan-batches.ts';

export const OcrParams = z.object({
  scope: z.enum(['candidates', 'kept']).default('candidates'),
  batch: z.number().int().min(1).max(1000).default(16),
  /** Scan every candidate again (drops this job's earlier flags first); default: only those not scanned yet. */
  redo: z.boolean().default(false),
});

export default defineWorker({
  kind: 'ocr',
  params: OcrParams,
  async run(ctx, p) {
    const reader = await createOcrReader();
    const textBySha = new Map<string, { text: string; confidence: number }>();
    try {
      const scan = await scanCandidates(
        ctx,
        { kind: 'ocr', scope: p.scope, batch: p.batch, label: 'ocr', redo: p.redo },
        async (items) => {
          const lemmas = synsetLemmas(ctx.ws.db, [...new Set(items.map((i) => i.wnid))]);
          const out = [];
          for (const it of items) {
            try {
              let read = textBySha.get(it.sha256);
              if (!read) {
                read = await reader.recognize(ctx.ws.resolveInside(it.storedPath));
                if (textBySha.size >= 10000) textBySha.clear(); // duplicates are mostly near each other
                textBySha.set(it.sha256, read);
              }
              const found = findClassNameInText(read.text, lemmas.get(it.wnid) ?? []);
              const detail = JSON.stringify({ found, text: read.text.replace(/\s+/g, ' ').trim().slice(0, 200) });
              out.push({
                sampleId: it.sampleId,
                kind: 'ocr' as const,
                flagged: found != null,
                score: read.confidence / 100,
                detail,
              });
            } catch (err) {
              out.push({ error: `cannot read text: ${(err as Error).message}` });
            }
          }
          return out;
        },
      );
      return { ...scan, ...flagCount(ctx.ws.db, 'ocr') };
    } finally {
      await reader.close();
    }
  },
});
