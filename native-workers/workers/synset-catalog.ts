// The workspace's synset catalog: WordNet 3.0 nouns with ImageNot eligibility (rules in meta 'eligibility_rules',
// manual decisions in the synsets table), and what the lemma-quality rule and the workspace's lemma overrides make of
// each eligible synset's lemmas. Shared by the match job and the synsets API.
import type { Workspace } from '../store/workspace.ts';
import type { Db } from '../store/workspace.ts';
import { getMeta, getMetaJson, setMeta, setMetaJson } from '../store/meta.ts';
import {
  candidateCounts,
  countSynsets,
  eligibilityVersion,
  eligibleWnids,
  lemmaOverrides,
  lemmaOverridesVersion,
  manualDecisions,
  setManualDecision,
  updateEligibility,
  upsertCatalog,
  type ManualDecision,
} from '../store/synsets.ts';
import { computeEligibility, DEFAULT_ELIGIBILITY_RULES, type EligibilityRules } from '../core/wordnet/eligibility.ts';
import { lemmaOf } from '../core/matching/normalize.ts';
import { buildLemmaSet, lemmaSetForWnids } from '../core/matching/lemma-set.ts';
import { LemmaReport, type LemmaState } from '../core/matching/lemma-report.ts';
import { lemmaRuleMatching, type LemmaOverrides, type LemmaRule } from '../core/wordnet/lemma-rule.ts';
import type { WordNet } from '../core/wordnet/wordnet.ts';
import { loadImagenet1kWnids, loadLemmaRule, loadWordNet } from '../io/wordnet-files.ts';

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
    const eligibility = computeEligibility(
      wordnet,
      loadImagenet1kWnids(),
      eligibilityRules(ws),
      manualDecisions(ws.db),
    );
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

/** The lemma states of the workspace's eligible set under the rule and its overrides, as the next match run sees them. */
export interface WorkspaceLemmas {
  rule: LemmaRule;
  overrides: LemmaOverrides;
  eligible: ReadonlySet<string>;
  /** Every word of an eligible synset: kept, dropped (rule or override), shared, unmatchable. */
  report: LemmaReport;
  /** Eligible synsets' states that the review lists (dropped, flagged or overridden), computed on first use. */
  notable?: { wnid: string; state: LemmaState }[];
}

const lemmaCache = new WeakMap<Db, { key: string; value: WorkspaceLemmas }>();

/**
 * Built once per eligibility or overrides change (the eligible set's lemma set: about a second for 80,000 synsets),
 * then cached for the database.
 */
export function workspaceLemmas(ws: Workspace, wordnet: WordNet = loadWordNet()): WorkspaceLemmas {
  ensureSynsetCatalog(ws, wordnet);
  const key = `${eligibilityVersion(ws.db)}/${lemmaOverridesVersion(ws.db)}`;
  const hit = lemmaCache.get(ws.db);
  if (hit?.key === key) return hit.value;
  const rule = loadLemmaRule();
  const overrides = lemmaOverrides(ws.db);
  const wnids = eligibleWnids(ws.db);
  const { lemmaSet } = lemmaSetForWnids(wordnet, wnids, lemmaRuleMatching(rule, overrides));
  const value: WorkspaceLemmas = {
    rule,
    overrides,
    eligible: new Set(wnids),
    report: new LemmaReport(lemmaSet, rule, overrides),
  };
  lemmaCache.set(ws.db, { key, value });
  return value;
}

/** The lemma states of one synset: within the eligible set, or (not eligible) the rule and overrides on it alone. */
export function synsetLemmaStates(lemmas: WorkspaceLemmas, synset: { wnid: string; words: string[] }): LemmaState[] {
  if (lemmas.eligible.has(synset.wnid)) return lemmas.report.states(synset);
  const alone = buildLemmaSet([synset], lemmaRuleMatching(lemmas.rule, lemmas.overrides));
  return new LemmaReport(alone, lemmas.rule, lemmas.overrides).states(synset);
}

export type LemmaReviewKind = 'flagged' | 'dropped' | 'overridden';

function inReview(kind: LemmaReviewKind, s: LemmaState): boolean {
  if (kind === 'overridden') return s.override !== null;
  if (kind === 'dropped') return s.status === 'dropped';
  return s.status === 'kept' && s.ruleFlags.length > 0;
}

/**
 * The eligible set's lemmas of one kind — dropped (by the rule or by hand), flagged (kept, but the rule flags them) or
 * overridden — with their synset's name and candidates in the last match run, most candidates first; and how many
 * lemmas there are of each kind, of each drop code and of each flag (a lemma can have several flags).
 */
export function lemmaReview(ws: Workspace, kind: LemmaReviewKind, offset: number, limit: number) {
  const wordnet = loadWordNet();
  const lemmas = workspaceLemmas(ws, wordnet);
  if (!lemmas.notable) {
    // Only synsets with a dropped, flagged or overridden word need their states (a tenth of the eligible set).
    const wnids = lemmas.report.filteredWnids();
    for (const wnid of lemmas.overrides.keys()) if (lemmas.eligible.has(wnid)) wnids.add(wnid);
    for (const wnid of lemmas.eligible) {
      const s = wordnet.get(wnid)!;
      if (s.words.some((w) => lemmas.rule.verdict(w, s.words).flags.length > 0)) wnids.add(wnid);
    }
    lemmas.notable = [...wnids].sort().flatMap((wnid) =>
      lemmas.report
        .states(wordnet.get(wnid)!)
        .filter((state) => state.status === 'dropped' || state.ruleFlags.length > 0 || state.override !== null)
        .map((state) => ({ wnid, state })),
    );
  }
  const dropped: Record<string, number> = {};
  const flagged: Record<string, number> = {};
  const totals = { flagged: 0, dropped: 0, overridden: 0 };
  for (const { state } of lemmas.notable) {
    for (const kind of ['flagged', 'dropped', 'overridden'] as const) if (inReview(kind, state)) totals[kind]++;
    if (state.status === 'dropped') dropped[state.code!] = (dropped[state.code!] ?? 0) + 1;
    else if (state.status === 'kept') for (const f of state.ruleFlags) flagged[f] = (flagged[f] ?? 0) + 1;
  }
  const counts = new Map(candidateCounts(ws.db).map((r) => [r.wnid, r]));
  const rows = lemmas.notable
    .filter((n) => inReview(kind, n.state))
    .map((n) => ({
      wnid: n.wnid,
      name: wordnet.get(n.wnid)!.name,
      candidates: counts.get(n.wnid)?.candidates ?? 0,
      ambiguous: counts.get(n.wnid)?.ambiguous ?? 0,
      ...n.state,
    }))
    .sort(
      (a, b) =>
        b.candidates + b.ambiguous - (a.candidates + a.ambiguous) || (a.wnid < b.wnid ? -1 : a.wnid > b.wnid ? 1 : 0),
    );
  return { total: rows.length, counts: { totals, dropped, flagged }, items: rows.slice(offset, offset + limit) };
}
