// The lemma-quality rule: each of its tests on hand-made WordNet evidence (so every threshold is pinned), then on the
// real WordNet 3.0 files (the words the rule was designed for, with their reasons), its cache, and what it does to
// matching: words leave their synsets, LAIONet's rules run unchanged on the rest, and without the rule the lemma set is
// exactly LAIONet's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildLemmaEvidence,
  decideLemma,
  defaultLemmaRuleFor,
  DOMINANCE,
  LemmaRule,
  lemmaRuleFilter,
  lemmaRuleMatching,
  MIN_EVIDENCE,
  wordVerdict,
  type LemmaEvidence,
} from '../../native-workers/core/wordnet/lemma-rule.ts';
import { functionWordClass, functionWords } from '../../native-workers/core/wordnet/function-words.ts';
import {
  buildLemmaSet,
  filteredByCode,
  MINOR_SENSE,
  type ChosenSynset,
} from '../../native-workers/core/matching/lemma-set.ts';
import { LemmaReport } from '../../native-workers/core/matching/lemma-report.ts';
import { CaptionMatcher } from '../../native-workers/core/matching/automaton.ts';
import { matchCaption, matchCaptionPlainLoop } from '../../native-workers/core/matching/result.ts';
import { rematchDiff } from '../../native-workers/core/matching/rematch-diff.ts';
import { computeEligibility } from '../../native-workers/core/wordnet/eligibility.ts';
import { loadImagenet1kWnids, loadLemmaRule, loadWordNet } from '../../native-workers/io/wordnet-files.ts';
import { openTable } from '../../native-workers/io/tables.ts';
import { sharedDir, tempDir } from '../helpers/workspace.ts';

/** index.sense lines: [lemma, ss_type, offset, tag count]. */
function senseIndex(rows: [string, number, number, number][]): string {
  return (
    rows.map(([l, t, o, n], i) => `${l}%${t}:00:0${i % 10}:: ${String(o).padStart(8, '0')} 1 ${n}`).join('\n') + '\n'
  );
}

const EVIDENCE: LemmaEvidence = buildLemmaEvidence(
  {
    senseIndex: senseIndex([
      ['watch', 1, 100, 17],
      ['watch', 2, 200, 176],
      ['light', 1, 101, 117],
      ['light', 2, 201, 40],
      ['light', 3, 301, 32],
      ['plush', 1, 102, 0],
      ['plush', 3, 302, 2],
      ['walk', 2, 202, 192],
      ['walking', 1, 103, 0],
      ['build', 2, 203, 139],
      ['building', 1, 104, 52],
      ['sit', 2, 204, 185],
      ['sitting', 1, 105, 2],
      ['pad', 2, 205, 1],
      ['padding', 1, 106, 0],
      ['man', 1, 107, 1218],
      ['men', 1, 108, 35],
      ['glass', 1, 109, 39],
      ['glasses', 1, 110, 4],
      ['look', 2, 206, 600],
      ['looking_at', 1, 111, 0],
      ['day', 1, 112, 349],
      ['day', 1, 113, 0],
      ['god', 1, 114, 30],
      ['god', 1, 115, 200],
      ['york', 1, 116, 0],
      ['bulldog', 1, 117, 0],
      ['bulldog', 2, 207, 0],
      ['bulldog', 2, 208, 0],
      ['skiing', 1, 118, 0],
      ['ski', 2, 209, 0],
      ['ox', 1, 119, 1],
    ]),
    verbExceptions: 'sitting sit\nsaw see\n',
    nounExceptions: 'men man\n',
  },
  [
    { offset: 112, words: ['day', 'twenty-four_hours'] },
    { offset: 113, words: ['Day', 'Clarence_Day'] },
    { offset: 114, words: ['god', 'deity'] },
    { offset: 115, words: ['God', 'Supreme_Being'] },
    { offset: 116, words: ['York'] },
  ],
);

const verdict = (w: string) => wordVerdict(w, EVIDENCE);

test('function-word list: the closed classes, compared lowercased', () => {
  for (const [w, cls] of [
    ['in', 'preposition or particle'],
    ['At', 'preposition or particle'],
    ['the', 'determiner or quantifier'],
    ['US', 'pronoun'],
    ['are', 'auxiliary verb form'],
    ['will', 'modal verb'],
    ['while', 'conjunction'],
    ['who', 'wh-word'],
    ['not', 'negation'],
  ] as const) {
    assert.equal(functionWordClass(w), cls, w);
  }
  assert.equal(functionWordClass('inch'), null);
  assert.equal(functionWordClass('dog'), null);
  assert.ok(functionWords().length > 200 && functionWords().every((w) => w === w.toLowerCase()));
});

test('rules 1-4: one character, function words, numerals (Roman only in a number synset), two letters', () => {
  assert.deepEqual(verdict('a'), {
    drop: 'one-character',
    flags: [],
    reason: 'one character: matches letters, initials, digits and symbols',
  });
  assert.equal(verdict('A').drop, 'one-character');
  assert.equal(verdict('é').drop, 'one-character');
  assert.deepEqual(verdict('In'), {
    drop: 'function-word',
    flags: [],
    reason: "function word 'in' (preposition or particle)",
  });
  assert.equal(verdict('at').drop, 'function-word');
  assert.equal(verdict('in_front').drop, null, 'a multi-word lemma is no function word');
  assert.equal(verdict('40').drop, 'numeral');
  assert.equal(verdict('1920s').drop, null);
  const rule = LemmaRule.build([{ words: ['forty', '40', 'XL'] }, { words: ['CD', 'compact_disc'] }], EVIDENCE);
  assert.equal(rule.verdict('XL', ['forty', '40', 'XL']).drop, 'numeral');
  assert.equal(
    rule.verdict('CD', ['CD', 'compact_disc']).drop,
    null,
    'CD is a Roman numeral, but compact disc is no number',
  );
  assert.equal(verdict('Co').drop, 'two-letters', "cobalt's symbol, and Co. of company names");
});

test('rule 4: used more as another part of speech, with at least MIN_EVIDENCE tags', () => {
  const w = verdict('watch');
  assert.equal(w.drop, 'other-pos');
  assert.equal(
    w.reason,
    'used more as a verb than as a noun: tagged 176 times as a verb, adjective or adverb, 17 as a noun',
  );
  assert.equal(MIN_EVIDENCE, 3);
  assert.equal(verdict('plush').drop, null, 'two adjective tags are no evidence');
  const l = verdict('light');
  assert.equal(l.drop, null, '117 noun against 72');
  assert.deepEqual(l.flags, ['close-call']);
});

test('rule 5: verb forms by morphy, the -ing form against its verb ten to one (add-one smoothed)', () => {
  assert.equal(verdict('walking').drop, 'verb-form');
  assert.equal(verdict('walking').reason, "a form of the verb 'walk' (tagged 192 times), never tagged as a noun");
  assert.equal(verdict('sitting').drop, 'verb-form', 'from verb.exc; 186 > 10 x 3');
  const b = verdict('building');
  assert.equal(b.drop, null, '140 is not > 10 x 53');
  assert.deepEqual(b.flags, ['inflected-form']);
  assert.equal(verdict('padding').drop, null, 'one verb tag is no evidence');
  assert.equal(verdict('skiing').drop, null, 'the verb ski is never tagged');
  assert.equal(verdict('saw').drop, null, 'past forms are not tested');
});

test('rules 6-8: verb phrases, plurals, capitalised common words', () => {
  assert.equal(verdict('looking_at').drop, 'verb-phrase');
  assert.equal(verdict('men').drop, 'noun-plural');
  assert.equal(verdict('men').reason, "the plural of 'man' (tagged 1218 times as a noun; this word 35)");
  const g = verdict('glasses');
  assert.equal(g.drop, null, '40 is not > 10 x 5');
  assert.deepEqual(g.flags, ['inflected-form']);
  assert.equal(verdict('Day').drop, 'capitalised-common-word');
  assert.match(
    verdict('Day').reason!,
    /^capitalised form of the common word 'day' \(tagged 349 times; the capitalised senses 0\)/,
  );
  assert.equal(verdict('God').drop, null, 'the capitalised senses are tagged more (200 vs 30)');
  assert.equal(verdict('York').drop, null, 'no synset spells york in lowercase');
  assert.equal(verdict('day').drop, null);
});

test('flags: two capitals, untagged with more other senses; unknown words are plain keeps', () => {
  assert.equal(verdict('ox').drop, 'two-letters');
  assert.equal(verdict('Mr').drop, 'two-letters');
  assert.deepEqual(verdict('TV'), { drop: null, flags: ['two-characters'], reason: 'two characters' });
  const b = verdict('bulldog');
  assert.equal(b.drop, null);
  assert.deepEqual(b.flags, ['untagged']);
  assert.match(b.reason!, /never tagged; WordNet lists it more as a verb \(2 senses\) than as a noun \(1\)/);
  assert.deepEqual(verdict('zyzzyva'), { drop: null, flags: [], reason: null });
});

test('overrides: keep restores, drop removes, null returns to the rule; the filter says why', () => {
  const rule = LemmaRule.build([{ words: ['watch', 'ticker'] }], EVIDENCE);
  const synset = { wnid: 'n00000001', words: ['watch', 'ticker'] };
  assert.deepEqual(lemmaRuleFilter(rule)(synset, 'watch'), { code: 'other-pos', reason: verdict('watch').reason });
  assert.equal(lemmaRuleFilter(rule)(synset, 'ticker'), null);
  const keep = lemmaRuleFilter(rule, new Map([['n00000001', new Map([['watch', 'keep' as const]])]]));
  assert.equal(keep(synset, 'watch'), null);
  const drop = lemmaRuleFilter(rule, new Map([['n00000001', new Map([['ticker', 'drop' as const]])]]));
  assert.deepEqual(drop(synset, 'ticker'), { code: 'manual', reason: 'dropped by hand in this workspace' });
  assert.deepEqual(decideLemma(verdict('watch'), 'keep').dropped, false);
  assert.deepEqual(decideLemma(verdict('watch'), null).dropped, true);
  assert.equal(defaultLemmaRuleFor('eligible'), 'default');
  assert.equal(defaultLemmaRuleFor('/tmp/wnids.txt'), 'none');
});

const INCH: ChosenSynset = { wnid: 'n13649791', words: ['inch', 'in'] };
const DOG: ChosenSynset = { wnid: 'n02084071', words: ['dog', 'domestic_dog', 'Canis_familiaris'] };
const A: ChosenSynset = { wnid: 'n06831177', words: ['A', 'a'] };

test('real WordNet: function words and one-letter lemmas leave their synsets with reasons; inch keeps inch', () => {
  const rule = loadLemmaRule();
  const filter = lemmaRuleFilter(rule);
  const set = buildLemmaSet([INCH, DOG, A], { filter });
  assert.deepEqual(
    set.filtered.map((f) => [f.wnid, f.lemma, f.code]),
    [
      ['n06831177', 'A', 'one-character'],
      ['n06831177', 'a', 'one-character'],
      ['n13649791', 'in', 'function-word'],
    ],
  );
  assert.deepEqual(set.emptiedByFilter, ['n06831177']);
  assert.deepEqual(filteredByCode(set), { 'one-character': 2, 'function-word': 1 });
  assert.ok(set.lemmas.includes('inch') && !set.lemmas.includes('in') && !set.lemmas.includes('a'));
  const m = new CaptionMatcher(set);
  assert.deepEqual(
    matchCaption(m, 'a dog in a box'),
    { status: 'matched', wnids: ['n02084071'], lemmas: ['dog'] },
    'the rule: no ambiguity',
  );
  assert.deepEqual(matchCaption(m, 'a 12 inch ruler')?.wnids, ['n13649791'], 'inch still matches through inch');
  assert.equal(matchCaption(m, 'made in Italy'), null);
  // Without the rule (LAIONet): the same caption is ambiguous between the letter A, inch and dog.
  const laionet = buildLemmaSet([INCH, DOG, A]);
  assert.deepEqual(matchCaption(new CaptionMatcher(laionet), 'a dog in a box'), {
    status: 'ambiguous',
    wnids: ['n02084071', 'n06831177', 'n13649791'],
    lemmas: ['a', 'dog', 'in'],
  });
});

test("real WordNet: the issue's words and the ones the rule must keep", () => {
  const wn = loadWordNet();
  const rule = loadLemmaRule();
  const drop = (word: string, wnid: string) => rule.verdict(word, wn.get(wnid)!.words).drop;
  assert.equal(drop('are', 'n13613862'), 'function-word'); // the unit of area
  assert.equal(drop('At', 'n14629561'), 'function-word'); // astatine
  assert.equal(drop('over', 'n15258694'), 'function-word');
  assert.equal(drop('while', 'n15246353'), 'function-word');
  assert.equal(drop('out', 'n00129527'), 'function-word');
  assert.equal(drop('brown', 'n04971928'), 'other-pos');
  assert.equal(drop('large', 'n05096191'), 'other-pos');
  assert.equal(drop('little', 'n13762717'), 'other-pos');
  assert.equal(drop('old', 'n15121302'), 'other-pos');
  assert.equal(drop('free', 'n07947958'), 'other-pos');
  assert.equal(drop('walking', 'n00283568'), 'verb-form');
  assert.equal(drop('men', 'n08212347'), 'noun-plural');
  assert.equal(drop('XL', 'n13749527'), 'numeral');
  assert.equal(drop('Day', 'n10925772'), 'capitalised-common-word');
  assert.equal(drop('looking_at', 'n00877127'), 'verb-phrase');
  for (const [word, wnid] of [
    ['inch', 'n13649791'],
    ['kitchen', 'n03619890'],
    ['building', 'n02913152'],
    ['glasses', 'n04272054'],
    ['skateboard', 'n04225987'],
    ['beach', 'n09217230'],
    ['giraffe', 'n02439033'],
    ['light', 'n03665366'],
  ] as const) {
    assert.equal(drop(word, wnid), null, word);
  }
});

test('loadLemmaRule: built once, cached, the cache gives the same verdicts', () => {
  const dir = tempDir();
  try {
    const built = loadLemmaRule({ cacheDir: dir.path, rebuild: true });
    const file = readdirSync(dir.path).find((f) => f.startsWith('wordnet-3.0-lemma-rule-v'));
    assert.ok(file, 'cached');
    const again = loadLemmaRule({ cacheDir: join(dir.path), rebuild: false });
    assert.equal(again, built, 'loaded once per process');
    const other = tempDir();
    try {
      const fromFile = loadLemmaRule({ cacheDir: dir.path });
      for (const w of ['a', 'in', 'watch', 'walking', 'Day', 'building', 'kitchen'])
        assert.deepEqual(fromFile.verdict(w, []), built.verdict(w, []), w);
      assert.deepEqual(LemmaRule.fromCompact(built.toCompact()).toCompact(), built.toCompact());
      // The user's cache (what the CLI and the app load) agrees with a fresh build: a change of the rule's logic
      // without a LEMMA_RULE_VERSION bump would leave stale verdicts there.
      const inUse = loadLemmaRule();
      const words = loadWordNet().synsets.filter((_, i) => i % 37 === 0);
      for (const s of words)
        for (const w of s.words)
          assert.deepEqual(inUse.verdict(w, s.words), built.verdict(w, s.words), `${s.wnid} ${w}`);
    } finally {
      other.cleanup();
    }
  } finally {
    dir.cleanup();
  }
});

test("no filter: the lemma set is exactly LAIONet's; a filter only removes words before LAIONet's rules", () => {
  const wn = loadWordNet();
  const elig = computeEligibility(wn, loadImagenet1kWnids());
  const chosen = wn.synsets.filter((_, i) => elig[i].eligible);
  const plain = buildLemmaSet(chosen);
  assert.deepEqual(plain.filtered, []);
  assert.deepEqual(plain.emptiedByFilter, []);
  const filter = lemmaRuleFilter(loadLemmaRule());
  const ruled = buildLemmaSet(chosen, { filter });
  // The same as LAIONet's set over the synsets with those words removed.
  const removed = new Set(ruled.filtered.map((f) => `${f.wnid} ${f.lemma}`));
  const reduced = buildLemmaSet(
    chosen.map((s) => ({
      wnid: s.wnid,
      words: s.words.filter((w) => !removed.has(`${s.wnid} ${w.replace(/_/g, ' ')}`)),
    })),
  );
  assert.deepEqual(ruled.lemmas, reduced.lemmas);
  assert.deepEqual(ruled.shared, reduced.shared);
  assert.ok(ruled.filtered.length > 5000 && ruled.filtered.length < 12000, `${ruled.filtered.length} words dropped`);
  assert.ok(ruled.emptiedByFilter.length < 0.05 * chosen.length, `${ruled.emptiedByFilter.length} synsets emptied`);
});

test('real LAION captions: with the rule, the automaton still equals the plain loop, and far fewer captions are ambiguous', async () => {
  const wn = loadWordNet();
  const elig = computeEligibility(wn, loadImagenet1kWnids());
  const chosen = wn.synsets.filter((_, i) => elig[i].eligible);
  const table = await openTable(join(sharedDir, 'data', 'laion-sample', 'img2dataset-test_10000.parquet'));
  const captions: string[] = [];
  for await (const b of table.columnBatches({ columns: ['TEXT'] }))
    for (const v of b.columns.TEXT) captions.push(typeof v === 'string' ? v : '');
  const ruled = buildLemmaSet(chosen, lemmaRuleMatching(loadLemmaRule()));
  const m = new CaptionMatcher(ruled);
  const patterns = ruled.lemmas.map((l) => ' ' + l + ' ');
  for (let i = 0; i < captions.length; i += 100)
    assert.deepEqual(matchCaption(m, captions[i]), matchCaptionPlainLoop(ruled, captions[i], patterns), `caption ${i}`);
  const count = (set: ReturnType<typeof buildLemmaSet>) => {
    const mm = new CaptionMatcher(set);
    let ambiguous = 0;
    const lemmas = new Map<string, number>();
    for (const c of captions) {
      const r = matchCaption(mm, c);
      if (r?.status === 'ambiguous') ambiguous++;
      if (r?.status === 'matched') for (const l of r.lemmas) lemmas.set(l, (lemmas.get(l) ?? 0) + 1);
    }
    return { ambiguous, lemmas };
  };
  const before = count(buildLemmaSet(chosen));
  const after = count(ruled);
  assert.ok(after.ambiguous < 0.6 * before.ambiguous, `ambiguous ${before.ambiguous} -> ${after.ambiguous}`);
  for (const bad of ['a', 'in', 'at', 'In', 'At', 'are', '2', 'Set', 'Red', 'Best', 'XL']) {
    assert.equal(after.lemmas.get(bad) ?? 0, 0, `'${bad}' still matches`);
  }
  assert.ok((before.lemmas.get('in') ?? 0) > 100, 'without the rule, in (inch) is a top class');
});

test("lemma report: kept, dropped with reason, shared, unmatchable, with the rule's verdict and the override", () => {
  const rule = loadLemmaRule();
  const overrides = new Map([['n13649791', new Map([['in', 'keep' as const]])]]);
  const synsets: ChosenSynset[] = [
    INCH,
    A,
    { wnid: 'n00000002', words: ['inch', 'Inch_Island'] },
    { wnid: 'n00000003', words: ['three-toed_sloth'] },
  ];
  const report = new LemmaReport(buildLemmaSet(synsets, { filter: lemmaRuleFilter(rule, overrides) }), rule, overrides);
  const inch = report.states(INCH);
  assert.deepEqual(
    inch.map((s) => [s.lemma, s.status, s.ruleDrop, s.override]),
    [
      ['inch', 'shared', null, null],
      ['in', 'kept', 'function-word', 'keep'],
    ],
  );
  assert.deepEqual(inch[0].sharedWith, ['n00000002']);
  const a = report.states(A);
  assert.deepEqual(
    a.map((s) => [s.status, s.code]),
    [
      ['dropped', 'one-character'],
      ['dropped', 'one-character'],
    ],
  );
  assert.equal(report.states(synsets[3])[0].status, 'unmatchable');
});

test('rematchDiff: classes gained and lost, candidates per class, largest changes first', () => {
  const before = new Map([
    ['n1', { name: 'a', candidates: 500 }],
    ['n2', { name: 'kitchen', candidates: 10 }],
    ['n3', { name: 'beach', candidates: 7 }],
  ]);
  const after = new Map([
    ['n2', { name: 'kitchen', candidates: 30 }],
    ['n3', { name: 'beach', candidates: 7 }],
    ['n4', { name: 'skateboard', candidates: 4 }],
  ]);
  const d = rematchDiff(
    { matched: 517, ambiguous: 900, perClass: before },
    { matched: 41, ambiguous: 100, perClass: after },
    2,
  );
  assert.deepEqual(d.before, { matched: 517, ambiguous: 900, classes: 3 });
  assert.deepEqual(d.after, { matched: 41, ambiguous: 100, classes: 3 });
  assert.deepEqual([d.gained, d.lost, d.changed], [1, 1, 3]);
  assert.deepEqual(d.classes, [
    { wnid: 'n1', name: 'a', before: 500, after: 0 },
    { wnid: 'n2', name: 'kitchen', before: 10, after: 30 },
  ]);
});

test('shared lemmas go to a dominant sense: dog and car become classes, bank stays shared; the others lose it with a reason', () => {
  const wn = loadWordNet();
  const elig = computeEligibility(wn, loadImagenet1kWnids());
  const chosen = wn.synsets.filter((_, i) => elig[i].eligible);
  const rule = loadLemmaRule();
  const dogSenses = ['n02084071', 'n10114209', 'n10023039', 'n09886220', 'n07676602', 'n03901548', 'n02710044'];
  assert.equal(rule.dominantSense('dog', dogSenses)?.winner, 'n02084071');
  assert.equal(
    rule.dominantSense('bank', ['n09213565', 'n08420278']),
    null,
    'the river bank and the institution are both common',
  );
  assert.equal(rule.dominantSense('three-toed sloth', ['n00000001', 'n00000002']), null, 'never tagged: no evidence');
  const set = buildLemmaSet(chosen, lemmaRuleMatching(rule));
  const owner = (lemma: string) => set.wnids[set.lemmaSynset[set.lemmas.indexOf(lemma)]];
  assert.equal(owner('dog'), 'n02084071');
  assert.equal(owner('car'), 'n02958343');
  assert.ok(
    set.shared.some((x) => x.lemma === 'bank'),
    'bank: no dominant sense, LAIONet drops it',
  );
  const lost = set.filtered.filter((f) => f.lemma === 'dog');
  assert.ok(
    lost.length >= 4 && lost.every((f) => f.code === MINOR_SENSE && /dominant sense n02084071/.test(f.reason)),
    JSON.stringify(lost),
  );
  // Without the resolver dog is shared and matches nothing; a 'keep' override on a minor sense leaves it shared.
  assert.equal(buildLemmaSet(chosen, { filter: lemmaRuleFilter(rule) }).lemmas.indexOf('dog'), -1);
  const keep = new Map([['n10114209', new Map([['dog', 'keep' as const]])]]);
  assert.equal(buildLemmaSet(chosen, lemmaRuleMatching(rule, keep)).lemmas.indexOf('dog'), -1);
  assert.ok(DOMINANCE >= 2 && MIN_EVIDENCE >= 3);
});

test('a word that also names a particular (a WordNet instance) is dropped: Michigan the card game, Paris the herb genus', () => {
  const rule = loadLemmaRule();
  const wn = loadWordNet();
  const cardGame = wn.get('n00493308')!;
  assert.ok(cardGame.words.includes('Michigan'));
  assert.equal(rule.verdict('Michigan', cardGame.words).drop, 'names-a-particular');
  assert.match(rule.verdict('Michigan', cardGame.words).reason!, /particular/);
  const genus = wn.synsets.find((s) => s.words.includes('Paris') && !s.instanceHypernyms.length)!;
  assert.equal(rule.verdict('Paris', genus.words).drop, 'names-a-particular');
  assert.equal(rule.verdict('dog', ['dog']).drop, null);
});
