// Job kind `match`: LAIONet matching of every sample's caption against the chosen synsets ('eligible' = the
// workspace catalog's eligible synsets, or a file of wnids). With the lemma-quality rule (core/wordnet/lemma-rule.ts;
// the default for 'eligible', off for a file) and the workspace's lemma overrides, words unfit to name a class are
// left out before LAIONet's rules run. Resumable: each batch of matches is committed with the last sample id. A
// fresh run replaces the previous run's matches; per-synset counts are recorded at the end, and text similarities of
// samples that are no longer candidates of their class are deleted, so no later stage lists a stale class, and the
// curation screen's stored threshold index (store/threshold-index.ts) is rebuilt from the new candidates.
// `preview: true` matches the same way but writes nothing: its result says what a run would change (classes gained
// and lost, candidates per class), for the user to confirm before the candidates are replaced.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { defineWorker, type WorkerContext } from '../jobs/worker-context.ts';
import { setMetaJson } from '../store/meta.ts';
import {
  candidateCounts,
  clearMatches,
  countSamplesAfter,
  eligibleWnids,
  insertMatches,
  iterateMatchOutcomes,
  lemmaOverrides,
  matchTotals,
  recordMatchCounts,
  samplesForMatching,
  type MatchRow,
} from '../store/synsets.ts';
import { deleteStaleTextSimilarities, textSimilarityEncoders } from '../store/text-similarities.ts';
import { refreshWorkspaceIndex } from '../store/threshold-index.ts';
import { CaptionMatcher } from '../core/matching/automaton.ts';
import { filteredByCode, lemmaSetForWnids, type LemmaSet } from '../core/matching/lemma-set.ts';
import { JoinedOutcomes } from '../core/matching/result.ts';
import { rematchDiff } from '../core/matching/rematch-diff.ts';
import { defaultLemmaRuleFor, LEMMA_RULE_NAMES, lemmaRuleMatching } from '../core/wordnet/lemma-rule.ts';
import type { WordNet } from '../core/wordnet/wordnet.ts';
import { loadLemmaRule, loadWordNet, readWnidFile } from '../io/wordnet-files.ts';
import { ensureSynsetCatalog } from './synset-catalog.ts';

export const MatchParams = z.object({
  /** 'eligible' or the path of a wnid file (one wnid per line, first token). */
  synsets: z.string().min(1).default('eligible'),
  ignoreCase: z.boolean().default(false),
  /** The lemma-quality rule; unset: 'default' for 'eligible', 'none' (exact LAIONet) for a file. */
  lemmaRule: z.enum(LEMMA_RULE_NAMES).optional(),
  /** Match without writing; the result says what a run would change. */
  preview: z.boolean().default(false),
  batch: z.number().int().min(1).default(5000),
});
export type MatchParams = z.infer<typeof MatchParams>;

/** How many changed classes a preview lists (the counts cover all of them). */
const PREVIEW_CLASSES = 300;

interface Cursor {
  after: number;
  fingerprint: string;
  matched: number;
  ambiguous: number;
  done: number;
}

/** What the lemma rule did to the chosen set: reported in the settings, the job result and `status`. */
function ruleSummary(lemmaRule: string, set: LemmaSet) {
  return {
    lemmaRule,
    lemmasDroppedByRule: set.filtered.length,
    lemmasDroppedByReason: filteredByCode(set),
    synsetsEmptiedByRule: set.emptiedByFilter.length,
  };
}

function chosenSet(ctx: WorkerContext, wordnet: WordNet, p: MatchParams) {
  const lemmaRule = p.lemmaRule ?? defaultLemmaRuleFor(p.synsets);
  const wnids = p.synsets === 'eligible' ? eligibleWnids(ctx.ws.db) : readWnidFile(p.synsets);
  const ruled = lemmaRule === 'default' ? lemmaRuleMatching(loadLemmaRule(), lemmaOverrides(ctx.ws.db)) : {};
  const { lemmaSet, unknown } = lemmaSetForWnids(wordnet, wnids, { ignoreCase: p.ignoreCase, ...ruled });
  if (!lemmaSet.wnids.length) throw new Error(`match: no synsets to match (${p.synsets})`);
  return { lemmaRule, lemmaSet, unknown };
}

/** Matches every caption without writing; the result compares with the workspace's current candidates. */
function preview(ctx: WorkerContext, wordnet: WordNet, p: MatchParams, lemmaRule: string, lemmaSet: LemmaSet) {
  const matcher = new CaptionMatcher(lemmaSet);
  const perSynset = new Int32Array(lemmaSet.wnids.length);
  const synsetOf = lemmaSet.lemmaSynset;
  let matched = 0;
  let ambiguous = 0;
  let done = 0;
  let after = 0;
  const total = countSamplesAfter(ctx.ws.db, 0);
  for (;;) {
    const samples = samplesForMatching(ctx.ws.db, after, p.batch);
    if (!samples.length) break;
    for (const s of samples) {
      const n = matcher.match(s.caption);
      if (n === 0) continue;
      const first = synsetOf[matcher.hits[0]];
      let one = true;
      for (let i = 1; i < n && one; i++) one = synsetOf[matcher.hits[i]] === first;
      if (one) {
        matched++;
        perSynset[first]++;
      } else ambiguous++;
    }
    after = samples[samples.length - 1].id;
    done += samples.length;
    ctx.progress(done, total, `preview: ${done} captions, ${matched} matched, ${ambiguous} ambiguous`);
  }
  const next = new Map<string, { name: string; candidates: number }>();
  perSynset.forEach((c, i) => {
    if (c > 0)
      next.set(lemmaSet.wnids[i], { name: wordnet.get(lemmaSet.wnids[i])?.name ?? lemmaSet.wnids[i], candidates: c });
  });
  const current = new Map(candidateCounts(ctx.ws.db).map((c) => [c.wnid, c]));
  const diff = rematchDiff(
    { ...matchTotals(ctx.ws.db), perClass: current },
    { matched, ambiguous, perClass: next },
    PREVIEW_CLASSES,
  );
  return {
    preview: true,
    synsets: p.synsets,
    ignoreCase: p.ignoreCase,
    captions: done,
    chosen: lemmaSet.wnids.length,
    ...ruleSummary(lemmaRule, lemmaSet),
    ...diff,
  };
}

export default defineWorker({
  kind: 'match',
  params: MatchParams,
  async run(ctx, p) {
    ctx.progress(0, null, 'loading WordNet');
    const wordnet = loadWordNet();
    ensureSynsetCatalog(ctx.ws, wordnet);
    const { lemmaRule, lemmaSet, unknown } = chosenSet(ctx, wordnet, p);
    for (const w of unknown) ctx.reject(p.synsets, w, 'not a WordNet 3.0 noun synset');
    if (p.preview) return preview(ctx, wordnet, p, lemmaRule, lemmaSet);
    const rule = ruleSummary(lemmaRule, lemmaSet);
    const fingerprint = createHash('sha256')
      .update(
        JSON.stringify({
          wnids: lemmaSet.wnids,
          ignoreCase: p.ignoreCase,
          lemmaRule,
          filtered: lemmaSet.filtered.map((f) => `${f.wnid} ${f.lemma}`),
        }),
      )
      .digest('hex')
      .slice(0, 16);
    let cursor = ctx.cursor as Cursor | null;
    if (!cursor || cursor.fingerprint !== fingerprint) {
      cursor = { after: 0, fingerprint, matched: 0, ambiguous: 0, done: 0 };
      const settings = {
        synsets: p.synsets,
        ignoreCase: p.ignoreCase,
        chosen: lemmaSet.wnids.length,
        lemmas: lemmaSet.lemmas.length,
        sharedLemmasDropped: lemmaSet.shared.length,
        synsetsWithoutLemmas: lemmaSet.withoutLemmas.length,
        unmatchableLemmas: lemmaSet.unmatchable.length,
        ...rule,
        fingerprint,
      };
      const fresh = cursor;
      ctx.commit(fresh, () => {
        clearMatches(ctx.ws.db);
        setMetaJson(ctx.ws.db, 'match', settings);
      });
      ctx.log(
        `matching ${lemmaSet.wnids.length} synsets: ${lemmaSet.lemmas.length} lemmas, ` +
          (lemmaRule === 'default'
            ? `${rule.lemmasDroppedByRule} dropped by the lemma rule (${Object.entries(rule.lemmasDroppedByReason)
                .map(([k, n]) => `${k} ${n}`)
                .join(', ')}; ${rule.synsetsEmptiedByRule} synsets left without lemmas), `
            : 'no lemma rule (exact LAIONet), ') +
          `${lemmaSet.shared.length} shared lemmas dropped, ${lemmaSet.withoutLemmas.length} synsets without lemmas, ` +
          `${lemmaSet.unmatchable.length} lemmas with punctuation (never match)`,
      );
    }
    const matcher = new CaptionMatcher(lemmaSet);
    const outcomes = new JoinedOutcomes(lemmaSet);
    const total = cursor.done + countSamplesAfter(ctx.ws.db, cursor.after);
    let { after, matched, ambiguous, done } = cursor;
    for (;;) {
      const samples = samplesForMatching(ctx.ws.db, after, p.batch);
      if (!samples.length) break;
      const rows: MatchRow[] = [];
      for (const s of samples) {
        const n = matcher.match(s.caption);
        if (n === 0) continue;
        const m = outcomes.of(matcher.hits, n)!;
        if (m.status === 'matched') matched++;
        else ambiguous++;
        rows.push({ sampleId: s.id, wnids: m.wnids, lemmas: m.lemmas, status: m.status });
      }
      after = samples[samples.length - 1].id;
      done += samples.length;
      ctx.commit({ after, fingerprint, matched, ambiguous, done } satisfies Cursor, () =>
        insertMatches(ctx.ws.db, rows),
      );
      ctx.progress(done, total, `${done} captions: ${matched} matched, ${ambiguous} ambiguous`);
    }
    // Per-synset counts over the whole run (also right after a resume).
    const perSynset = new Map<string, { candidates: number; ambiguous: number }>();
    for (const r of iterateMatchOutcomes(ctx.ws.db)) {
      for (const w of r.wnids.split('|')) {
        const c = perSynset.get(w) ?? { candidates: 0, ambiguous: 0 };
        if (r.status === 'matched') c.candidates++;
        else c.ambiguous++;
        perSynset.set(w, c);
      }
    }
    let staleSimilarities = 0;
    ctx.ws.db.transaction(() => {
      recordMatchCounts(ctx.ws.db, lemmaSet.wnids, perSynset);
      for (const encoder of textSimilarityEncoders(ctx.ws.db))
        staleSimilarities += deleteStaleTextSimilarities(ctx.ws.db, encoder);
    })();
    if (staleSimilarities)
      ctx.log(`${staleSimilarities} text similarities of samples no longer candidates of their class deleted`);
    // New matches change every class's candidates: the curation screen's stored index is rebuilt here, not in the app.
    refreshWorkspaceIndex(ctx.ws.db);
    return {
      captions: done,
      synsets: lemmaSet.wnids.length,
      lemmas: lemmaSet.lemmas.length,
      synsetsWithoutLemmas: lemmaSet.withoutLemmas.length,
      sharedLemmasDropped: lemmaSet.shared.length,
      ...rule,
      unknownWnids: unknown.length,
      matched,
      ambiguous,
      synsetsWithCandidates: [...perSynset.values()].filter((c) => c.candidates > 0).length,
    };
  },
});
