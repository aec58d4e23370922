// The workspace's synset catalog: WordNet 3.0 nouns with ImageNot eligibility (rules in meta 'eligibility_rules',
// manual decisions in the synsets table). Shared by the match job and the synsets API.
import type { Workspace } from '../store/workspace.ts';
import { getMeta, getMetaJson, setMeta, setMetaJson } from '../store/meta.ts';
import { countSynsets, manualDecisions, setManualDecision, updateEligibility, upsertCatalog, type ManualDecision } from '../store/synsets.ts';
import { computeEligibility, DEFAULT_ELIGIBILITY_RULES, type EligibilityRules } from '../core/wordnet/eligibility.ts';
import { lemmaOf } from '../core/matching/normalize.ts';
import type { WordNet } from '../core/wordnet/wordnet.ts';
import { loadImagenet1kWnids, loadWordNet } from '../io/wordnet-files.ts';

const RULES_KEY = 'eligibility_rules';
/** meta 'synset_catalog' once the catalog holds every WordNet 3.0 noun (so later calls need not load WordNet). */
const CATALOG_KEY = 'synset_catalog';
const CATALOG_VERSION = 'wordnet-3.0-nouns-1';

export function eligibilityRules(ws: Workspace): EligibilityRules {
  return { ...DEFAULT_ELIGIBILITY_RULES, ...(getMetaJson<Partial<EligibilityRules>>(ws.db, RULES_KEY) ?? {}) };
}

/** Fills the catalog the first time (82k rows, well under a second); later calls only read one meta key. */
export function ensureSynsetCatalog(ws: Workspace, given?: WordNet): void {
  if (getMeta(ws.db, CATALOG_KEY) === CATALOG_VERSION) return;
  const wordnet = given ?? loadWordNet();
  if (countSynsets(ws.db) !== wordnet.synsets.length) {
    const eligibility = computeEligibility(wordnet, loadImagenet1kWnids(), eligibilityRules(ws), manualDecisions(ws.db));
    ws.db.transaction(() =>
      upsertCatalog(
        ws.db,
        wordnet.synsets.map((s, i) => ({
          wnid: s.wnid,
          name: s.name,
          lemmas: s.words.map(lemmaOf),
          definition: s.definition,
          lexname: s.lexname,
          depth: s.depth,
          inImagenet1k: eligibility[i].inImagenet1k,
          eligible: eligibility[i].eligible,
          reason: eligibility[i].reason,
        })),
      ),
    )();
  }
  setMeta(ws.db, CATALOG_KEY, CATALOG_VERSION);
}

/** Recomputes eligibility (after a manual decision or a rules change); returns the number of synsets that changed. */
export function refreshEligibility(ws: Workspace, wordnet: WordNet = loadWordNet()): number {
  ensureSynsetCatalog(ws, wordnet);
  const eligibility = computeEligibility(wordnet, loadImagenet1kWnids(), eligibilityRules(ws), manualDecisions(ws.db));
  return ws.db.transaction(() => updateEligibility(ws.db, eligibility))();
}

/** Replaces the workspace's rules (missing fields: the defaults) and recomputes eligibility. */
export function setEligibilityRules(ws: Workspace, rules: Partial<EligibilityRules>): number {
  setMetaJson(ws.db, RULES_KEY, { ...DEFAULT_ELIGIBILITY_RULES, ...rules });
  return refreshEligibility(ws);
}

export function setManual(ws: Workspace, wnid: string, manual: ManualDecision | null): void {
  const wordnet = loadWordNet();
  ensureSynsetCatalog(ws, wordnet);
  if (!setManualDecision(ws.db, wnid, manual)) throw new Error(`unknown synset ${wnid} (not a WordNet 3.0 noun wnid)`);
  refreshEligibility(ws, wordnet);
}
