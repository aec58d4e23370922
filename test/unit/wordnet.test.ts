// WordNet 3.0 index and ImageNot eligibility: facts checked by hand against WordNet 3.0 / NLTK, the cache, the rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDataLine, splitGloss } from '../../native-workers/core/wordnet/parse.ts';
import { WordNet } from '../../native-workers/core/wordnet/wordnet.ts';
import { computeEligibility } from '../../native-workers/core/wordnet/eligibility.ts';
import {
  loadImagenet1kWnids,
  loadWordNet,
  loadWordNetWords,
  parseWnidList,
  wordnetNounDataPath,
} from '../../native-workers/io/wordnet-files.ts';
import { sharedDir, tempDir } from '../helpers/workspace.ts';

test('gloss split like NLTK definition()/examples()', () => {
  assert.deepEqual(splitGloss('a member of the genus Canis; occurs in many breeds; "the dog barked all night"  '), {
    definition: 'a member of the genus Canis; occurs in many breeds',
    examples: ['the dog barked all night'],
  });
  assert.deepEqual(splitGloss('(informal) a man; "you lucky dog"; "a dirty dog"'), {
    definition: '(informal) a man',
    examples: ['you lucky dog', 'a dirty dog'],
  });
  assert.deepEqual(splitGloss('no examples here'), { definition: 'no examples here', examples: [] });
  const line =
    '00001740 03 n 01 entity 0 003 ~ 00001930 n 0000 ~ 00002137 n 0000 ~ 04424418 n 0000 | that which is perceived or known or inferred to have its own distinct existence (living or nonliving)  ';
  const p = parseDataLine(line);
  assert.equal(p.offset, 1740);
  assert.equal(p.lexname, 'noun.Tops');
  assert.deepEqual(p.words, ['entity']);
  assert.deepEqual(p.hypernyms, []);
});

test('WordNet 3.0 facts: dog, instance hypernyms, depth, descendants, name', () => {
  const dir = tempDir();
  try {
    const built = loadWordNet({ cacheDir: dir.path, rebuild: true });
    assert.equal(
      readdirSync(dir.path).filter((f) => f.startsWith('wordnet-3.0-nouns-') && f.endsWith('.json')).length,
      1,
      'the index was cached',
    );
    assert.equal(
      readdirSync(dir.path).filter((f) => f.startsWith('wordnet-3.0-words-') && f.endsWith('.json')).length,
      1,
      'and its words',
    );
    const wn = loadWordNet({ cacheDir: dir.path, rebuild: false });
    assert.equal(built.synsets.length, 82115, 'WordNet 3.0 has 82,115 noun synsets');
    assert.equal(wn.synsets.length, 82115);
    const dog = wn.get('n02084071')!;
    assert.equal(dog.name, 'dog');
    assert.deepEqual(dog.words, ['dog', 'domestic_dog', 'Canis_familiaris']);
    assert.equal(
      dog.definition,
      'a member of the genus Canis (probably descended from the common wolf) that has been domesticated by man since prehistoric times; occurs in many breeds',
    );
    assert.deepEqual(dog.examples, ['the dog barked all night']);
    assert.equal(dog.lexname, 'noun.animal');
    assert.equal(dog.depth, 8, 'NLTK: dog.n.01.min_depth() == 8');
    assert.deepEqual(
      wn
        .parents(dog)
        .map((s) => s.wnid)
        .sort(),
      ['n01317541', 'n02083346'],
    ); // domestic_animal, canine
    assert.deepEqual(
      wn.hypernymPath(dog).map((s) => s.name),
      ['entity', 'physical entity', 'object', 'whole', 'living thing', 'organism', 'animal', 'domestic animal', 'dog'],
    );
    assert.equal(wn.get('n00001740')!.descendants, 82114, 'every other noun is below entity');
    // Instance hypernyms: Einstein is an instance of physicist.
    const einstein = wn.synsets.find((s) => s.words.includes('Albert_Einstein'))!;
    assert.deepEqual(einstein.hypernyms, []);
    assert.ok(wn.parents(einstein).some((p) => p.words.includes('physicist')));
    assert.ok(einstein.depth > 0);
    // Multi-word and case: NLTK-style readable name.
    assert.equal(wn.get('n04254680')?.name, 'soccer ball');
    // The cached form loads back to the same index.
    const cached = JSON.parse(
      readFileSync(join(dir.path, readdirSync(dir.path).find((f) => f.startsWith('wordnet-3.0-nouns-'))!), 'utf8'),
    );
    const back = WordNet.fromCompact(cached);
    const summary = (w: WordNet) =>
      w.synsets.map((s) =>
        [
          s.wnid,
          s.name,
          s.words.join(),
          s.definition,
          s.examples.join('|'),
          s.lexname,
          s.depth,
          s.descendants,
          s.hypernyms.join(),
          s.instanceHypernyms.join(),
          s.hyponyms.join(),
          s.instanceHyponyms.join(),
        ].join('/'),
      );
    assert.deepEqual(summary(back), summary(built));
    // Words only, read from a cache the process has not loaded: same words, unknown wnids undefined.
    const other = tempDir();
    try {
      const name = readdirSync(dir.path).find((f) => f.startsWith('wordnet-3.0-nouns-'))!;
      copyFileSync(join(dir.path, name), join(other.path, name));
      const words = loadWordNetWords({ cacheDir: other.path });
      assert.ok(!(words instanceof WordNet), 'read from the compact cache');
      for (const s of built.synsets.filter((_, i) => i % 997 === 0))
        assert.deepEqual(words.get(s.wnid), { wnid: s.wnid, words: s.words });
      assert.equal(words.get('n99999999'), undefined);
      assert.equal(words.get('dog'), undefined);
      // It left a words-only cache; read alone (another folder, nothing else there), it gives the same words.
      const wordsName = readdirSync(other.path).find((f) => f.startsWith('wordnet-3.0-words-'))!;
      assert.ok(wordsName, 'words-only cache written');
      const third = tempDir();
      try {
        copyFileSync(join(other.path, wordsName), join(third.path, wordsName));
        const fromWords = loadWordNetWords({ cacheDir: third.path });
        for (const s of built.synsets.filter((_, i) => i % 991 === 0))
          assert.deepEqual(fromWords.get(s.wnid), { wnid: s.wnid, words: s.words });
        assert.equal(readdirSync(third.path).length, 1, 'the full index was not rebuilt');
      } finally {
        third.cleanup();
      }
    } finally {
      other.cleanup();
    }
  } finally {
    dir.cleanup();
  }
});

test('ImageNet-1k wnids in assets equal the shared reference and are WordNet 3.0 nouns', () => {
  const wnids = loadImagenet1kWnids();
  const ref = readFileSync(join(sharedDir, 'reference', 'imagenet-1k.tsv'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split('\t')[0]);
  assert.deepEqual(wnids, ref);
  const wn = loadWordNet();
  assert.equal(wnids.filter((w) => wn.get(w)).length, 1000);
  assert.throws(() => parseWnidList('n02084071\nfoo bar\n', 'x.txt'), /x\.txt, line 2: 'foo' is not a wnid/);
  assert.deepEqual(parseWnidList('# comment\nn02084071\tdog\n\n n01440764 tench\n', 'y'), ['n02084071', 'n01440764']);
});

test('eligibility: default rules and options', () => {
  const wn = loadWordNet();
  const inet = loadImagenet1kWnids();
  const e = computeEligibility(wn, inet);
  const by = (w: string) => e[wn.get(w)!.index];
  const eligible = e.filter((x) => x.eligible).length;
  assert.equal(e.filter((x) => x.inImagenet1k).length, 1000);
  assert.ok(e.every((x) => !x.inImagenet1k || !x.eligible));
  // Every excluded non-ImageNet synset shares a lemma with an ImageNet-1k synset (checked independently here).
  const inetLemmas = new Set(inet.flatMap((w) => wn.get(w)!.words.map((l) => l.toLowerCase())));
  const sharing = wn.synsets.filter(
    (s) => !inet.includes(s.wnid) && s.words.some((l) => inetLemmas.has(l.toLowerCase())),
  ).length;
  const instances = wn.synsets.filter(
    (s) =>
      !inet.includes(s.wnid) && !s.words.some((l) => inetLemmas.has(l.toLowerCase())) && s.instanceHypernyms.length,
  ).length;
  assert.equal(eligible, 82115 - 1000 - sharing - instances);
  assert.ok(sharing > 500 && sharing < 3000, `synsets sharing a lemma with ImageNet-1k: ${sharing}`);
  assert.ok(instances > 7000 && instances < 8000, `instances: ${instances}`);
  // London (the capital) is an instance of a national capital: a particular, not a category.
  assert.match(by('n08873622').reason!, /^an instance of n\d{8}/);
  assert.equal(computeEligibility(wn, inet, { excludeInstances: false })[wn.get('n08873622')!.index].eligible, true);
  // dog (n02084071) is a hypernym of ImageNet breeds, shares no lemma: eligible by default.
  assert.deepEqual(by('n02084071'), { wnid: 'n02084071', inImagenet1k: false, eligible: true, reason: null });
  assert.equal(by('n01440764').reason, 'ImageNet-1k synset'); // tench
  // 'crane' the bird (n02012849) and the machine (n03126707) are ImageNet-1k; Crane the writer shares the lemma
  // case-insensitively.
  const otherCrane = wn.synsets.find((s) => s.words.includes('Crane') && !inet.includes(s.wnid))!;
  assert.match(by(otherCrane.wnid).reason!, /^shares lemma 'Crane' with ImageNet-1k n0/);
  const hyper = computeEligibility(wn, inet, { excludeImagenetHypernyms: true });
  assert.equal(hyper[wn.get('n02084071')!.index].reason, 'hypernym of an ImageNet-1k synset');
  const hypo = computeEligibility(wn, inet, { excludeImagenetHyponyms: true });
  assert.ok(hypo.filter((x) => x.eligible).length < eligible);
  const phys = computeEligibility(wn, inet, {
    subtrees: ['n00001930'],
    minDepth: 3,
    maxDepth: 10,
    excludeLexnames: ['noun.person'],
  });
  for (const [i, x] of phys.entries()) {
    if (!x.eligible) continue;
    const s = wn.synsets[i];
    assert.ok(s.depth >= 3 && s.depth <= 10 && s.lexname !== 'noun.person', s.wnid);
  }
  assert.equal(phys[wn.get('n00002137')!.index].reason, 'outside subtrees n00001930'); // abstraction
  const manual = computeEligibility(
    wn,
    inet,
    {},
    new Map([
      ['n02084071', 'exclude'],
      [otherCrane.wnid, 'include'],
      ['n01440764', 'include'],
    ]),
  );
  assert.equal(manual[wn.get('n02084071')!.index].reason, 'manual exclude');
  assert.equal(manual[otherCrane.index].eligible, true);
  assert.equal(manual[wn.get('n01440764')!.index].eligible, false, 'an ImageNet-1k synset is never eligible');
  assert.ok(wordnetNounDataPath().endsWith('data.noun'));
});
