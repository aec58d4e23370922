// Handlers of the synset catalog and matching channels (see channels/synsets.ts).
import type { ApiContext, Handlers } from './index.ts';
import type { synsetChannels } from '../channels/synsets.ts';
import { ApiError } from '../dispatch.ts';
import { publicJob } from '../../store/jobs.ts';
import { getSynset, searchSynsets, type SynsetRow } from '../../store/synsets.ts';
import { loadWordNet } from '../../io/wordnet-files.ts';
import { ensureSynsetCatalog, setManual } from '../../workers/synset-catalog.ts';

function publicSynset(s: SynsetRow) {
  return {
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
  };
}

export function synsetHandlers({ ws, runner }: ApiContext): Pick<Handlers, keyof typeof synsetChannels> {
  const known = (wnid: string) => {
    ensureSynsetCatalog(ws);
    const s = getSynset(ws.db, wnid);
    if (!s) throw new ApiError(`unknown synset ${wnid} (not a WordNet 3.0 noun)`, 404);
    return s;
  };
  return {
    'synsets.search': async ({ query, limit, eligibleOnly }) => {
      ensureSynsetCatalog(ws);
      return searchSynsets(ws.db, query, { limit, eligibleOnly }).map(publicSynset);
    },
    'synsets.show': async ({ wnid }) => {
      const row = known(wnid);
      const wn = loadWordNet();
      const s = wn.get(wnid)!;
      return {
        ...publicSynset(row),
        examples: s.examples,
        hypernymPath: wn.hypernymPath(s).map((p) => ({ wnid: p.wnid, name: p.name })),
        ambiguous: row.ambiguous,
      };
    },
    'synsets.setManual': async ({ wnid, manual }) => {
      known(wnid);
      setManual(ws, wnid, manual);
      return publicSynset(getSynset(ws.db, wnid)!);
    },
    'match.start': async ({ synsets, ignoreCase }) => publicJob(await runner.enqueue('match', { synsets, ignoreCase })),
  };
}
