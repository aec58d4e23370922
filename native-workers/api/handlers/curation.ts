// Handlers of the text filter and curation channels (see channels/curation.ts).
import type { ApiContext, Handlers } from './index.ts';
import type { curationChannels } from '../channels/curation.ts';
import { ApiError } from '../dispatch.ts';
import { channels } from '../contract.ts';
import { packInt32 } from '../channels/packed.ts';
import { packSliderIndex } from '../channels/slider-index.ts';
import { orderedIndex } from '../../store/slider-index.ts';
import { startJob } from './start-job.ts';
import { currentTextFilter } from '../../store/meta.ts';
import { setTextFilter } from '../../store/text-similarities.ts';
import {
  classFacets,
  classHistogram,
  classIndex,
  keptByClass,
  keptCountsInOrder,
  keptTotal,
  similarityRange,
  warmThresholdIndex,
} from '../../store/threshold-index.ts';
import { curationItemDetail, curationItems, filteredIds, isCandidate } from '../../store/curation.ts';
import { applyDecisions, setDecision, undoBatch } from '../../store/decisions.ts';
import { currentImageEncoder } from '../../store/image-similarities.ts';
import { getSynset } from '../../store/synsets.ts';
import { GLOVE_ENCODER } from '../../core/similarity/thresholds.ts';
import { defaultThresholdOf, listEncoders } from './encoders.ts';

const countsSchema = channels['curation.counts'].response;

export function curationHandlers({ ws, runner }: ApiContext): Pick<Handlers, keyof typeof curationChannels> {
  const filter = () =>
    currentTextFilter(ws.db) ?? { encoder: GLOVE_ENCODER, threshold: defaultThresholdOf(ws, GLOVE_ENCODER) };
  const known = (encoder: string) => {
    if (!listEncoders(ws).some((e) => e.name === encoder)) throw new ApiError(`unknown encoder '${encoder}'`, 404);
    return encoder;
  };
  const encoderOf = (encoder: string | undefined) => (encoder ? known(encoder) : filter().encoder);
  const settings = () => {
    const f = filter();
    const scored = !!currentTextFilter(ws.db);
    return {
      ...f,
      kept: scored ? keptTotal(ws.db) : null,
      range: scored ? similarityRange(ws.db, f.encoder) : null,
      imageEncoder: currentImageEncoder(ws.db),
    };
  };
  const candidate = (sampleId: number, wnid: string) => {
    if (!isCandidate(ws.db, sampleId, wnid))
      throw new ApiError(`sample ${sampleId} is not a candidate of ${wnid}`, 404);
  };
  // The threshold index is loaded as soon as the API is up, not on the first slider move; then the slider's own path
  // (counts at a threshold, the response checked against its schema) runs over the encoder's range a few dozen
  // times, a few per tick, so the first moves run compiled code: cold, the first two moves took 17-25 ms on the
  // server against 3 ms once warm (bench/curation-slider.bench.ts).
  setTimeout(() => {
    try {
      warmThresholdIndex(ws.db);
    } catch {
      // A closed or busy database: the first query loads it instead.
      return;
    }
    warmSliderPath(0);
  }, 0).unref?.();
  const countsAt = (encoder: string, threshold: number) => {
    const { kept, ...rest } = keptCountsInOrder(ws.db, encoder, threshold);
    return { ...rest, kept: packInt32(kept) };
  };
  const SLIDER_WARMUP = 40;
  const warmSliderPath = (done: number): void => {
    try {
      const f = currentTextFilter(ws.db);
      if (!f || done >= SLIDER_WARMUP) return;
      const [lo, hi] = similarityRange(ws.db, f.encoder) ?? [0, 1];
      for (let i = done; i < done + 4; i++)
        countsSchema.parse(countsAt(f.encoder, lo + ((hi - lo) * i) / SLIDER_WARMUP));
    } catch {
      return;
    }
    setImmediate(() => warmSliderPath(done + 4)).unref?.();
  };
  const itemQuery = (wnid: string, threshold: number | undefined) => {
    const f = filter();
    return {
      wnid,
      textEncoder: f.encoder,
      imageEncoder: currentImageEncoder(ws.db),
      threshold: threshold ?? f.threshold,
    };
  };
  return {
    'encoders.list': async () => listEncoders(ws),
    'encoders.import': async (req) => startJob(runner, 'model-import', req),
    'clipscore.start': async ({ model }) => {
      const enc = listEncoders(ws).find((e) => e.name === model);
      if (!enc) throw new ApiError(`unknown model '${model}': import a CLIP model first`, 404);
      if (enc.kind !== 'clip')
        throw new ApiError(`image–caption scores need a CLIP model; '${model}' is a ${enc.kind} encoder`);
      return startJob(runner, 'clipscore', { model });
    },
    'filter.start': async ({ encoder, threshold }) =>
      startJob(runner, 'filter', { encoder: known(encoder), threshold }),
    'curation.settings': async () => settings(),
    'curation.setThreshold': async ({ threshold, encoder }) => {
      setTextFilter(ws.db, encoder ? known(encoder) : filter().encoder, threshold);
      return settings();
    },
    'curation.classes': async ({ threshold, encoder }) => {
      const enc = encoderOf(encoder);
      const classes = keptByClass(ws.db, enc, threshold);
      const { version, current } = classIndex(ws.db, enc);
      return { encoder: enc, version, current, classes };
    },
    'curation.counts': async ({ threshold, encoder }) => countsAt(encoderOf(encoder), threshold),
    'curation.sliderIndex': async ({ encoder, have }) => packSliderIndex(orderedIndex(ws.db, encoderOf(encoder), have)),
    'curation.class': async ({ wnid, threshold, encoder, band }) => {
      const facets = classFacets(ws.db, encoderOf(encoder), wnid, threshold, band);
      if (!facets) throw new ApiError(`${wnid} has no scored candidates under this encoder`, 404);
      const s = getSynset(ws.db, wnid);
      return { wnid, name: s?.name ?? wnid, definition: s?.definition ?? '', lemmas: s?.lemmas ?? [], facets };
    },
    'curation.histogram': async ({ wnid, threshold, bins, encoder }) => ({
      ...classHistogram(ws.db, encoderOf(encoder), wnid, bins, threshold),
      threshold,
    }),
    'curation.items': async ({ threshold, ...q }) => curationItems(ws.db, { ...q, ...itemQuery(q.wnid, threshold) }),
    'curation.item': async ({ wnid, sampleId, threshold }) => {
      candidate(sampleId, wnid);
      return curationItemDetail(ws.db, itemQuery(wnid, threshold), sampleId)!;
    },
    'curation.decide': async ({ sampleId, wnid, decision }) => {
      candidate(sampleId, wnid);
      const { batch } = setDecision(ws.db, sampleId, wnid, decision);
      return { sampleId, wnid, decision, batch };
    },
    'curation.decideMany': async ({ wnid, decision, sampleIds, filter: itemFilter, threshold, band }) => {
      const q = {
        ...itemQuery(wnid, threshold),
        sort: 'id' as const,
        order: 'asc' as const,
        filter: itemFilter ?? 'all',
        band,
      };
      const passing = Array.from(filteredIds(ws.db, q).ids);
      let ids = passing;
      if (sampleIds) {
        const candidates = new Set(passing);
        const outside = sampleIds.filter((id) => !candidates.has(id));
        if (outside.length)
          throw new ApiError(
            `${outside.length} of the samples are not candidates of ${wnid} (first: ${outside[0]})`,
            404,
          );
        ids = sampleIds;
      }
      const { batch, changed } = applyDecisions(
        ws.db,
        ids.map((sampleId) => ({ sampleId, wnid, decision })),
      );
      return { batch, matched: ids.length, changed };
    },
    'curation.undo': async ({ batch }) => undoBatch(ws.db, batch),
    'candidates.export': async (req) => startJob(runner, 'candidates', req),
  };
}
