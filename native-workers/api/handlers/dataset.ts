// Handlers for dataset building: flag jobs, the selection (preview, suggested parameters, the job, what the latest
// one was made with and whether it is stale), exports (jobs run in worker processes via the runner).
import type { ApiContext, Handlers } from './index.ts';
import type { datasetChannels } from '../channels/dataset.ts';
import { startJob } from './start-job.ts';
import {
  getSelection,
  listExports,
  selectionClasses,
  selectionStaleness,
  selectionTotals,
  type SelectionRecord,
} from '../../store/selection.ts';
import { currentTextFilter } from '../../store/meta.ts';
import { keptByClass } from '../../store/threshold-index.ts';
import { PAPER_SELECTION as PAPER } from '../../core/selection/select.ts';
import { ApiError } from '../dispatch.ts';

export function datasetHandlers({ ws, runner }: ApiContext): Pick<Handlers, keyof typeof datasetChannels> {
  const start = (kind: string, params: Record<string, unknown>) => startJob(runner, kind, params);
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  const info = (s: SelectionRecord) => ({
    id: s.id,
    createdAt: s.createdAt,
    encoder: s.encoder,
    threshold: s.threshold,
    seed: s.seed,
    classesRequested: num(s.params.classes),
    trainPerClass: num(s.params.train),
    testPerClass: num(s.params.test),
    ...selectionTotals(ws.db, s.id),
    scoreMode: (s.params.scoreMode as string | undefined) ?? null,
    stale: selectionStaleness(ws.db, s),
  });
  const keptCounts = (encoder: string, threshold: number) => keptByClass(ws.db, encoder, threshold).map((c) => c.kept);
  return {
    'dataset.select': async (req) => start('select', req),
    'dataset.preview': async (req) => {
      const filter = currentTextFilter(ws.db);
      const threshold = req.threshold ?? filter?.threshold;
      if (!filter || threshold == null)
        throw new ApiError(
          'no text filter in this workspace yet: compute similarities on the Curation screen first',
          409,
        );
      const p = {
        classes: req.classes ?? PAPER.classes,
        train: req.train ?? PAPER.train,
        test: req.test ?? PAPER.test,
        seed: req.seed ?? PAPER.seed,
      };
      const kept = keptCounts(filter.encoder, threshold);
      const eligible = kept.filter((k) => k >= p.train + p.test).length;
      const selected = Math.min(p.classes, eligible);
      const current = getSelection(ws.db);
      return {
        encoder: filter.encoder,
        threshold,
        ...p,
        classesWithKept: kept.filter((k) => k > 0).length,
        classesEligible: eligible,
        selectedClasses: selected,
        trainImages: selected * p.train,
        testImages: selected * p.test,
        current: current ? info(current) : null,
      };
    },
    'dataset.suggest': async () => {
      const filter = currentTextFilter(ws.db);
      const current = getSelection(ws.db);
      if (current) {
        const n = (k: string, d: number) => num(current.params[k]) ?? d;
        return {
          threshold: filter?.threshold ?? current.threshold,
          classes: n('classes', PAPER.classes),
          train: n('train', PAPER.train),
          test: n('test', PAPER.test),
          seed: current.seed,
          basis: `the parameters of selection #${current.id}`,
        };
      }
      const base = {
        threshold: filter?.threshold ?? null,
        classes: PAPER.classes,
        train: PAPER.train,
        test: PAPER.test,
        seed: PAPER.seed,
      };
      if (!filter) return { ...base, basis: "the paper's (no text filter yet)" };
      const kept = keptCounts(filter.encoder, filter.threshold)
        .filter((k) => k > 0)
        .sort((a, b) => b - a);
      const paper = kept.filter((k) => k >= PAPER.train + PAPER.test).length;
      if (paper > 0)
        return {
          ...base,
          basis: `the paper's: ${paper} classes have ${PAPER.train + PAPER.test} kept images at ${filter.threshold}`,
        };
      if (!kept.length)
        return { ...base, basis: `the paper's, though no class has a kept image at ${filter.threshold} yet` };
      // A model-ranking study needs classes more than images per class: take the per-class count that maximises
      // classes² x images per class (ties: more classes), with at least 2 images (one train, one test) per class,
      // split 10 : 1 like the paper.
      let best = -1;
      const weight = (i: number) => (i + 1) ** 2 * kept[i];
      for (let i = 0; i < Math.min(kept.length, PAPER.classes); i++) {
        if (kept[i] < 2) break;
        if (best < 0 || weight(i) >= weight(best)) best = i;
      }
      if (best < 0) return { ...base, basis: `the paper's, though no class has 2 kept images at ${filter.threshold}` };
      const perClass = kept[best];
      const test = Math.max(1, Math.round(perClass / 11));
      const classes = kept.filter((k) => k >= perClass).length;
      return {
        ...base,
        classes,
        train: perClass - test,
        test,
        basis: `${classes} of ${kept.length} classes have at least ${perClass} kept images at ${filter.threshold}, the count that keeps most classes with a usable split (10 : 1 like the paper)`,
      };
    },
    'dataset.classes': async () => {
      const selection = getSelection(ws.db);
      if (!selection) return { selectionId: null, scoreMode: null, classes: [], selection: null };
      const classes = selectionClasses(ws.db, selection.id).map(({ rank, wnid, name, score, kept, train, test }) => ({
        rank,
        wnid,
        name,
        score,
        kept,
        train,
        test,
      }));
      return {
        selectionId: selection.id,
        scoreMode: (selection.params.scoreMode as string | undefined) ?? null,
        classes,
        selection: info(selection),
      };
    },
    'dataset.exports': async () => {
      const latest = getSelection(ws.db);
      const staleness = new Map<number, string[]>();
      return listExports(ws.db).map((e) => {
        const s = getSelection(ws.db, e.selectionId);
        if (s && !staleness.has(s.id)) staleness.set(s.id, selectionStaleness(ws.db, s));
        const stale = [
          ...(!e.present ? ['the folder is no longer there'] : []),
          ...(latest && latest.id !== e.selectionId
            ? [`selection #${latest.id} is newer than the one exported (#${e.selectionId})`]
            : []),
          ...(s ? staleness.get(s.id)! : ['its selection no longer exists']),
        ];
        return { ...e, encoder: s?.encoder ?? null, threshold: s?.threshold ?? null, seed: s?.seed ?? null, stale };
      });
    },
    'dataset.export': async (req) => start('export', req),
    'flags.start': async ({ kind }) => start(kind, {}),
  };
}
