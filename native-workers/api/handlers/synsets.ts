// Handlers of the synset catalog, lemma-rule and matching channels (see channels/synsets.ts).
import type { ApiContext, Handlers } from './index.ts';
import type { synsetChannels } from '../channels/synsets.ts';
import { MatchPreviewSchema } from '../channels/synsets.ts';
import { ApiError } from '../dispatch.ts';
import { getJob, publicJob } from '../../store/jobs.ts';
import { getSynset, searchSynsets, setLemmaOverride, type SynsetRow } from '../../store/synsets.ts';
import { lemmaOf } from '../../core/matching/normalize.ts';
import { loadWordNet } from '../../io/wordnet-files.ts';
import {
  ensureSynsetCatalog,
  lemmaReview,
  setManual,
  synsetLemmaStates,
  workspaceLemmas,
} from '../../workers/synset-catalog.ts';
import type { Workspace } from '../../store/workspace.ts';

function publicSynsets(ws: Workspace, rows: SynsetRow[]) {
  const wordnet = loadWordNet();
  const lemmas = workspaceLemmas(ws, wordnet);
  return rows.map((s) => ({
    wnid: s.wnid,
    name: s.name,
    lemmas: s.lemmas,
    definition: s.definition,
    lexname: s.lexname,
    depth: s.depth,
    inImagenet1k: s.inImagenet1k,
    eligible: s.eligible,
    reason: s.reason,
    manual: s.manual,
    candidates: s.candidates,
    lemmaStates: synsetLemmaStates(lemmas, wordnet.get(s.wnid)!),
  }));
}

export function synsetHandlers({ ws, runner }: ApiContext): Pick<Handlers, keyof typeof synsetChannels> {
  const known = (wnid: string) => {
    ensureSynsetCatalog(ws);
    const s = getSynset(ws.db, wnid);
    if (!s) throw new ApiError(`unknown synset ${wnid} (not a WordNet 3.0 noun)`, 404);
    return s;
  };
  const one = (wnid: string) => publicSynsets(ws, [getSynset(ws.db, wnid)!])[0];
  return {
    'synsets.search': async ({ query, limit, eligibleOnly }) => {
      ensureSynsetCatalog(ws);
      return publicSynsets(ws, searchSynsets(ws.db, query, { limit, eligibleOnly }));
    },
    'synsets.show': async ({ wnid }) => {
      const row = known(wnid);
      const wn = loadWordNet();
      const s = wn.get(wnid)!;
      return {
        ...one(wnid),
        examples: s.examples,
        hypernymPath: wn.hypernymPath(s).map((p) => ({ wnid: p.wnid, name: p.name })),
        ambiguous: row.ambiguous,
      };
    },
    'synsets.setManual': async ({ wnid, manual }) => {
      known(wnid);
      setManual(ws, wnid, manual);
      return one(wnid);
    },
    'synsets.setLemma': async ({ wnid, lemma, decision }) => {
      known(wnid);
      const words = loadWordNet().get(wnid)!.words.map(lemmaOf);
      if (!words.includes(lemma))
        throw new ApiError(`'${lemma}' is not a lemma of ${wnid} (its lemmas: ${words.join(', ')})`, 404);
      setLemmaOverride(ws.db, wnid, lemma, decision);
      return one(wnid);
    },
    'synsets.lemmaReview': async ({ kind, offset, limit }) => lemmaReview(ws, kind, offset, limit),
    'match.start': async ({ synsets, ignoreCase, lemmaRule, preview }) =>
      publicJob(await runner.enqueue('match', { synsets, ignoreCase, ...(lemmaRule ? { lemmaRule } : {}), preview })),
    'match.preview': async ({ jobId }) => {
      const job = getJob(ws.db, jobId);
      if (job?.kind !== 'match') throw new ApiError(`no match job ${jobId}`, 404);
      if (job.state !== 'succeeded')
        throw new ApiError(`match job ${jobId} is ${job.state}, not a finished preview`, 409);
      const preview = MatchPreviewSchema.safeParse(job.result);
      if (!preview.success || !(job.result as { preview?: boolean }).preview)
        throw new ApiError(`match job ${jobId} is a run, not a preview`, 409);
      return preview.data;
    },
  };
}
