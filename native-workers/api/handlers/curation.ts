// Handlers of the text filter and curation channels (see channels/curation.ts).
import type { ApiContext, Handlers } from './index.ts';
import type { curationChannels } from '../channels/curation.ts';
import { ApiError } from '../dispatch.ts';
import { startJob } from './start-job.ts';
import { currentTextFilter } from '../../store/meta.ts';
import { setTextFilter } from '../../store/text-similarities.ts';
import { classHistogram, keptByClass } from '../../store/threshold-index.ts';
import { curationItems, isCandidate } from '../../store/curation.ts';
import { setDecision } from '../../store/decisions.ts';
import { currentImageEncoder } from '../../store/image-similarities.ts';
import { GLOVE_ENCODER } from '../../core/similarity/thresholds.ts';
import { defaultThresholdOf, listEncoders } from './encoders.ts';

export function curationHandlers({ ws, runner }: ApiContext): Pick<Handlers, keyof typeof curationChannels> {
  const settings = () => currentTextFilter(ws.db) ?? { encoder: GLOVE_ENCODER, threshold: defaultThresholdOf(ws, GLOVE_ENCODER) };
  const known = (encoder: string) => {
    if (!listEncoders(ws).some((e) => e.name === encoder)) throw new ApiError(`unknown encoder '${encoder}'`, 404);
    return encoder;
  };
  return {
    'encoders.list': async () => listEncoders(ws),
    'filter.start': async ({ encoder, threshold }) => startJob(runner, 'filter', { encoder: known(encoder), threshold }),
    'curation.settings': async () => settings(),
    'curation.setThreshold': async ({ threshold, encoder }) => {
      setTextFilter(ws.db, encoder ? known(encoder) : settings().encoder, threshold);
      return settings();
    },
    'curation.classes': async ({ threshold, encoder }) =>
      keptByClass(ws.db, encoder ? known(encoder) : settings().encoder, threshold),
    'curation.histogram': async ({ wnid, threshold, bins, encoder }) => ({
      ...classHistogram(ws.db, encoder ? known(encoder) : settings().encoder, wnid, bins),
      threshold,
    }),
    'curation.items': async (q) => {
      const s = settings();
      return curationItems(ws.db, {
        ...q,
        textEncoder: s.encoder,
        threshold: s.threshold,
        imageEncoder: currentImageEncoder(ws.db),
      });
    },
    'curation.decide': async ({ sampleId, wnid, decision }) => {
      if (!isCandidate(ws.db, sampleId, wnid)) throw new ApiError(`sample ${sampleId} is not a candidate of ${wnid}`, 404);
      setDecision(ws.db, sampleId, wnid, decision);
      return { sampleId, wnid, decision };
    },
  };
}
