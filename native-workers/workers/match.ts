// Job kind `match`: LAIONet matching of every sample's caption against the chosen synsets ('eligible' = the
// workspace catalog's eligible synsets, or a file of wnids). Resumable: each batch of matches is committed with the
// last sample id. A fresh run replaces the previous run's matches; per-synset counts are recorded at the end.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { defineWorker } from '../jobs/worker-context.ts';
import { setMetaJson } from '../store/meta.ts';
import {
  clearMatches,
  countSamplesAfter,
  eligibleWnids,
  insertMatches,
  iterateMatchOutcomes,
  recordMatchCounts,
  samplesForMatching,
  type MatchRow,
} from '../store/synsets.ts';
import { CaptionMatcher } from '../core/matching/automaton.ts';
import { lemmaSetForWnids } from '../core/matching/lemma-set.ts';
import { JoinedOutcomes } from '../core/matching/result.ts';
import { loadWordNet, readWnidFile } from '../io/wordnet-files.ts';
import { ensureSynsetCatalog } from './synset-catalog.ts';

export const MatchParams = z.object({
  /** 'eligible' or the path of a wnid file (one wnid per line, first token). */
  synsets: z.string().min(1).default('eligible'),
  ignoreCase: z.boolean().default(false),
  batch: z.number().int().min(1).default(5000),
});
export type MatchParams = z.infer<typeof MatchParams>;

interface Cursor {
  after: number;
  fingerprint: string;
  matched: number;
  ambiguous: number;
  done: number;
}

export default defineWorker({
  kind: 'match',
  params: MatchParams,
  async run(ctx, p) {
    ctx.progress(0, null, 'loading WordNet');
    const wordnet = loadWordNet();
    ensureSynsetCatalog(ctx.ws, wordnet);
    const wnids = p.synsets === 'eligible' ? eligibleWnids(ctx.ws.db) : readWnidFile(p.synsets);
    const { lemmaSet, unknown } = lemmaSetForWnids(wordnet, wnids, { ignoreCase: p.ignoreCase });
    for (const w of unknown) ctx.reject(p.synsets, w, 'not a WordNet 3.0 noun synset');
    if (!lemmaSet.wnids.length) throw new Error(`match: no synsets to match (${p.synsets})`);
    const fingerprint = createHash('sha256')
      .update(JSON.stringify({ wnids: lemmaSet.wnids, ignoreCase: p.ignoreCase }))
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
        fingerprint,
      };
      const fresh = cursor;
      ctx.commit(fresh, () => {
        clearMatches(ctx.ws.db);
        setMetaJson(ctx.ws.db, 'match', settings);
      });
      ctx.log(
        `matching ${lemmaSet.wnids.length} synsets: ${lemmaSet.lemmas.length} lemmas, ${lemmaSet.shared.length} shared lemmas dropped, ` +
          `${lemmaSet.withoutLemmas.length} synsets without lemmas, ${lemmaSet.unmatchable.length} lemmas with punctuation (never match)`,
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
      ctx.commit({ after, fingerprint, matched, ambiguous, done } satisfies Cursor, () => insertMatches(ctx.ws.db, rows));
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
    ctx.ws.db.transaction(() => recordMatchCounts(ctx.ws.db, lemmaSet.wnids, perSynset))();
    return {
      captions: done,
      synsets: lemmaSet.wnids.length,
      lemmas: lemmaSet.lemmas.length,
      synsetsWithoutLemmas: lemmaSet.withoutLemmas.length,
      sharedLemmasDropped: lemmaSet.shared.length,
      unknownWnids: unknown.length,
      matched,
      ambiguous,
      synsetsWithCandidates: [...perSynset.values()].filter((c) => c.candidates > 0).length,
    };
  },
});
