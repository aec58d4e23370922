// LAIONet caption matching: hand-checked cases, and the automaton against the plain per-lemma substring loop (the
// definition) on generated and real captions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildLemmaSet, type ChosenSynset } from '../../native-workers/core/matching/lemma-set.ts';
import { CaptionMatcher } from '../../native-workers/core/matching/automaton.ts';
import {
  JoinedOutcomes,
  joinedMatch,
  matchCaption,
  matchCaptionPlainLoop,
} from '../../native-workers/core/matching/result.ts';
import { normalizeCaption } from '../../native-workers/core/matching/normalize.ts';
import { loadImagenet1kWnids, loadWordNet } from '../../native-workers/io/wordnet-files.ts';
import { computeEligibility } from '../../native-workers/core/wordnet/eligibility.ts';
import { openTable } from '../../native-workers/io/tables.ts';
import { sharedDir } from '../helpers/workspace.ts';

const SYNSETS: ChosenSynset[] = [
  { wnid: 'n00000001', words: ['ai', 'three-toed_sloth'] },
  { wnid: 'n00000002', words: ['hot_dog', 'frank'] },
  { wnid: 'n00000003', words: ['dog', 'domestic_dog', 'Canis_familiaris'] },
  { wnid: 'n00000004', words: ['Dog_Star', 'Sirius'] },
  { wnid: 'n00000005', words: ['bass', 'sea_bass'] },
  { wnid: 'n00000006', words: ['bass', 'basso'] },
  { wnid: 'n00000007', words: ['Bass'] },
  { wnid: 'n00000008', words: ['café', 'coffee_shop'] },
];

function matcherFor(ignoreCase = false) {
  const set = buildLemmaSet(SYNSETS, { ignoreCase });
  return { set, m: new CaptionMatcher(set) };
}

test('normalisation: ASCII punctuation -> space, one space of padding', () => {
  assert.equal(normalizeCaption('a,b.c!d_e-f'), ' a b c d e f ');
  assert.equal(normalizeCaption(''), '  ');
  assert.equal(normalizeCaption('«dog»—é\t'), ' «dog»—é\t ');
});

test('lemma set: shared lemma dropped, synsets without lemmas reported, punctuation lemmas flagged', () => {
  const { set } = matcherFor();
  assert.ok(!set.lemmas.includes('bass'), 'bass is shared by n00000005 and n00000006');
  assert.deepEqual(set.shared, [{ lemma: 'bass', wnids: ['n00000005', 'n00000006'] }]);
  assert.ok(set.lemmas.includes('Bass'), 'case-sensitive: Bass is a different lemma');
  assert.deepEqual(set.withoutLemmas, []);
  assert.deepEqual(set.unmatchable, ['three-toed sloth']);
  const ci = buildLemmaSet(SYNSETS, { ignoreCase: true });
  assert.deepEqual(ci.shared, [{ lemma: 'bass', wnids: ['n00000005', 'n00000006', 'n00000007'] }]);
  assert.deepEqual(
    ci.withoutLemmas,
    ['n00000007'],
    'ignore-case: Bass = bass is shared by three synsets, n00000007 keeps nothing',
  );
});

test('hand-checked captions (case-sensitive)', () => {
  const { m } = matcherFor();
  const cases: [string, null | [string, string, string]][] = [
    ['I paid for it', null], // "paid" must not match "ai"
    ['an ai in a tree', ['matched', 'n00000001', 'ai']],
    ['AI', null], // case-sensitive
    ['(ai)', ['matched', 'n00000001', 'ai']],
    ["ai's fur", ['matched', 'n00000001', 'ai']], // apostrophe is punctuation
    ['ai-powered', ['matched', 'n00000001', 'ai']],
    ['a three-toed sloth', null], // the lemma has punctuation: never in a normalised caption
    ['hot dog stand', ['ambiguous', 'n00000002|n00000003', 'dog|hot dog']],
    ['hot-dog', ['ambiguous', 'n00000002|n00000003', 'dog|hot dog']],
    ['hot  dog', ['matched', 'n00000003', 'dog']], // two spaces: ' hot dog ' does not occur
    ['hotdog', null],
    ['Hot dog', ['matched', 'n00000003', 'dog']],
    ['a domestic dog and a dog', ['matched', 'n00000003', 'dog|domestic dog']],
    ['Canis familiaris', ['matched', 'n00000003', 'Canis familiaris']],
    ['the Dog Star, Sirius', ['matched', 'n00000004', 'Dog Star|Sirius']],
    ['bass guitar', null], // shared lemma dropped
    ['Bass Pro', ['matched', 'n00000007', 'Bass']],
    ['', null],
    ['!!!', null],
    ['dog\ttoy', null], // a tab is not punctuation: 'dog\ttoy' is one token
    ['dog\u00a0toy', null], // nor is a no-break space
    ['«dog»', null], // non-ASCII quotes are not ASCII punctuation
    ['🐕dog', null],
    ['dog 🐕', ['matched', 'n00000003', 'dog']],
    ['un café à Paris', ['matched', 'n00000008', 'café']],
    ['cafe', null],
    ['frank and hot dog', ['ambiguous', 'n00000002|n00000003', 'dog|frank|hot dog']],
  ];
  for (const [caption, want] of cases) {
    const got = matchCaption(m, caption);
    const flat = got && [got.status, got.wnids.join('|'), got.lemmas.join('|')];
    assert.deepEqual(flat, want, JSON.stringify(caption));
  }
});

test('ignore-case option', () => {
  const { m } = matcherFor(true);
  assert.deepEqual(matchCaption(m, 'AI!')?.wnids, ['n00000001']);
  assert.deepEqual(matchCaption(m, 'HOT DOG'), {
    status: 'ambiguous',
    wnids: ['n00000002', 'n00000003'],
    lemmas: ['dog', 'hot dog'],
  });
  assert.deepEqual(matchCaption(m, 'CAFÉ'), { status: 'matched', wnids: ['n00000008'], lemmas: ['café'] });
  assert.equal(matchCaption(m, 'BASS'), null, 'bass/Bass shared under ignore-case');
});

test('very long captions and many captions: no state leaks between captions', () => {
  const { m } = matcherFor();
  const long = 'x '.repeat(200000) + 'hot dog';
  assert.deepEqual(matchCaption(m, long)?.lemmas, ['dog', 'hot dog']);
  assert.equal(matchCaption(m, 'hot'), null);
  assert.deepEqual(matchCaption(m, 'dog')?.lemmas, ['dog'], '"hot" of the previous caption does not continue');
  const many = 'dog '.repeat(5000);
  assert.deepEqual(matchCaption(m, many)?.lemmas, ['dog']);
});

test('automaton equals the plain substring loop on generated captions (both case modes)', () => {
  const pieces = [
    'dog',
    'Dog',
    'hot',
    'Star',
    'ai',
    'paid',
    'frank',
    'Bass',
    'bass',
    'café',
    'Sirius',
    'domestic',
    'Canis',
    'familiaris',
    'x',
    'é',
    '🐕',
    '\t',
  ];
  const seps = [' ', ' ', ' ', '  ', '-', '.', ',', '_', "'", '"', '', '\u00a0'];
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  for (const ignoreCase of [false, true]) {
    const set = buildLemmaSet(SYNSETS, { ignoreCase });
    const m = new CaptionMatcher(set);
    const joined = new JoinedOutcomes(set);
    for (let k = 0; k < 5000; k++) {
      let c = '';
      const n = rnd(9);
      for (let i = 0; i < n; i++) c += pieces[rnd(pieces.length)] + seps[rnd(seps.length)];
      const want = matchCaptionPlainLoop(set, c);
      assert.deepEqual(matchCaption(m, c), want, JSON.stringify(c));
      assert.deepEqual(joined.of(m.hits, m.match(c)), want && joinedMatch(want), `joined: ${JSON.stringify(c)}`);
    }
  }
});

test('real LAION captions, all eligible synsets: automaton equals the plain loop', async () => {
  const wn = loadWordNet();
  const elig = computeEligibility(wn, loadImagenet1kWnids());
  const chosen = wn.synsets.filter((_, i) => elig[i].eligible);
  const table = await openTable(join(sharedDir, 'data', 'laion-sample', 'img2dataset-test_10000.parquet'));
  const captions: string[] = [];
  for await (const b of table.columnBatches({ columns: ['TEXT'] }))
    for (const v of b.columns.TEXT) captions.push(typeof v === 'string' ? v : '');
  for (const ignoreCase of [false, true]) {
    const set = buildLemmaSet(chosen, { ignoreCase });
    const m = new CaptionMatcher(set);
    const patterns = set.lemmas.map((l) => ' ' + l + ' ');
    const joined = new JoinedOutcomes(set);
    let matched = 0;
    // The plain loop takes ~5 ms per caption with 100k lemmas: every 50th caption (200 of them).
    for (let i = 0; i < captions.length; i += 50) {
      const want = matchCaptionPlainLoop(set, captions[i], patterns);
      assert.deepEqual(matchCaption(m, captions[i]), want, `caption ${i}: ${JSON.stringify(captions[i])}`);
      assert.deepEqual(joined.of(m.hits, m.match(captions[i])), want && joinedMatch(want));
      if (want) matched++;
    }
    assert.ok(matched > 50, `a real sample matches often (${matched}/200)`);
  }
});
