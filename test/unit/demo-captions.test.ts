// The demo's caption generator: seeded, and each caption kind has the matching outcome it is designed for under
// LAIONet's exact rule (ASCII punctuation -> space, ' ' + lemma + ' ' case-sensitive).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  generateCaption,
  DEFAULT_CAPTION_MIX,
  CAPTION_KINDS,
  type CaptionClass,
} from '../../native-workers/core/demo/captions.ts';

// Three classes as WordNet 3.0 has them (data.noun), with their other noun senses.
const classes: CaptionClass[] = [
  {
    sense: {
      wnid: 'n03057021',
      lemmas: ['coat'],
      definition: 'an outer garment that has sleeves and covers the body from shoulder down; worn outdoors',
      examples: [],
    },
    otherSenses: [
      {
        wnid: 'n03058107',
        lemmas: ['coating', 'coat'],
        definition: 'a thin layer covering something',
        examples: ['a second coat of paint'],
      },
      {
        wnid: 'n01898731',
        lemmas: ['coat', 'pelage'],
        definition: 'growth of hair or wool or fur covering the body of an animal',
        examples: [],
      },
    ],
  },
  {
    sense: {
      wnid: 'n02773037',
      lemmas: ['bag'],
      definition: 'a flexible container with a single opening',
      examples: ['he stuffed his laundry into a large bag'],
    },
    otherSenses: [
      {
        wnid: 'n13764639',
        lemmas: ['bag', 'bagful'],
        definition: 'the quantity that a bag will hold',
        examples: ['he ate a large bag of popcorn'],
      },
    ],
  },
  {
    sense: {
      wnid: 'n03472535',
      lemmas: ['gym shoe', 'sneaker', 'tennis shoe'],
      definition: 'a canvas shoe with a pliable rubber sole',
      examples: [],
    },
    otherSenses: [
      {
        wnid: 'n10091012',
        lemmas: ['fink', 'snitch', 'sneaker'],
        definition: 'someone acting as an informer or decoy for the police',
        examples: [],
      },
    ],
  },
];

const normalise = (caption: string) => ` ${caption.replace(/[!-/:-@[-`{-~]/g, ' ')} `;
const names = (caption: string, c: CaptionClass) => c.sense.lemmas.some((l) => normalise(caption).includes(` ${l} `));
const matchedClasses = (caption: string) => classes.filter((c) => names(caption, c)).map((c) => c.sense.wnid);

test('the same seed gives the same captions; another seed gives others', () => {
  const a = Array.from({ length: 50 }, (_, i) => generateCaption(classes, i % 3, i, { seed: 7 }).caption);
  const b = Array.from({ length: 50 }, (_, i) => generateCaption(classes, i % 3, i, { seed: 7 }).caption);
  const c = Array.from({ length: 50 }, (_, i) => generateCaption(classes, i % 3, i, { seed: 8 }).caption);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('each kind has the matching outcome it is designed for, in the documented proportions', () => {
  const counts = Object.fromEntries(CAPTION_KINDS.map((k) => [k, 0])) as Record<string, number>;
  const n = 3000;
  for (let i = 0; i < n; i++) {
    const cls = i % classes.length;
    const own = classes[cls].sense.wnid;
    const g = generateCaption(classes, cls, i, { seed: 1 });
    counts[g.kind]++;
    const matched = matchedClasses(g.caption);
    switch (g.kind) {
      case 'sense':
        assert.deepEqual(matched, [own], `sense caption should match its own class only: ${g.caption}`);
        break;
      case 'variant':
        assert.ok(!matched.includes(own), `variant caption must not match exactly: ${g.caption}`);
        break;
      case 'other-sense':
        assert.notEqual(g.mentions[0], own);
        assert.ok(matched.includes(g.mentions[0]), `other-sense caption should match the other class: ${g.caption}`);
        break;
      case 'several':
        assert.equal(matched.length, 2, `several caption should match two classes: ${g.caption}`);
        break;
      case 'plain':
        assert.deepEqual(matched, [], `plain caption should match nothing: ${g.caption}`);
        break;
    }
  }
  for (const k of CAPTION_KINDS) {
    const share = counts[k] / n;
    assert.ok(Math.abs(share - DEFAULT_CAPTION_MIX[k]) < 0.03, `${k}: ${share} vs ${DEFAULT_CAPTION_MIX[k]}`);
  }
});

test('other-sense captions include WordNet example sentences and the hand-written uses', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 3000; i++) {
    const g = generateCaption(classes, 2, i, { seed: 3 });
    if (g.kind === 'other-sense') seen.add(g.caption);
  }
  assert.ok(seen.has('a second coat of paint'), [...seen].join(' | '));
  assert.ok(seen.has('he ate a large bag of popcorn'));
  assert.ok(seen.has('a bag of chips and a cold soda'));
  assert.ok([...seen].some((s) => s.startsWith('the coat, a thin layer')));
});
