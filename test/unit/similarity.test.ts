// The text-filter math: threshold index vs brute force, histograms, synset text, vectors, GloVe on real words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClassSimilarityIndex } from '../../native-workers/core/similarity/threshold-index.ts';
import {
  synsetText,
  synsetHeadName,
  definitionWithoutExamples,
} from '../../native-workers/core/similarity/synset-text.ts';
import { cosine, dot, l2Normalize, maskedMeanPool } from '../../native-workers/core/similarity/vector.ts';
import { meanScoreByClass } from '../../native-workers/core/similarity/class-score.ts';
import { gloveEmbed, loadGloveVectors } from '../../native-workers/io/encoders/glove.ts';

function seeded(seed: number) {
  let a = seed;
  return () => (a = (a * 1103515245 + 12345) % 2147483648) / 2147483648;
}

test('threshold index counts and histograms agree with brute force', () => {
  const rand = seeded(7);
  const wnids = Array.from({ length: 50 }, (_, i) => `n${String(i).padStart(8, '0')}`);
  const n = 20000;
  const classOf = new Int32Array(n);
  const sim = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    classOf[i] = Math.floor(rand() ** 2 * wnids.length);
    // Quantised values so that exact ties with the threshold occur.
    sim[i] = Math.round((rand() * 1.6 - 0.6) * 100) / 100;
  }
  const index = new ClassSimilarityIndex(wnids, classOf, sim);
  assert.equal(index.size, n);
  for (const t of [-1, -0.2, 0, 0.3, 0.5, 0.55, 0.82, 1]) {
    const brute = new Map<string, number>();
    for (let i = 0; i < n; i++) if (sim[i] > t) brute.set(wnids[classOf[i]], (brute.get(wnids[classOf[i]]) ?? 0) + 1);
    for (const c of index.counts(t)) assert.equal(c.kept, brute.get(c.wnid) ?? 0, `class ${c.wnid} at ${t}`);
    assert.equal(
      index.totalKept(t),
      [...brute.values()].reduce((a, b) => a + b, 0),
    );
  }
  for (const w of wnids.slice(0, 5)) {
    const values = Array.from(sim).filter((_, i) => wnids[classOf[i]] === w);
    const h = index.histogram(w, 13);
    assert.equal(h.edges.length, 14);
    assert.equal(
      h.counts.reduce((a, b) => a + b, 0),
      values.length,
      'every value in one bin',
    );
    for (let b = 0; b < 13; b++) {
      const last = b === 12;
      const expected = values.filter(
        (v) => v >= h.edges[b] && (last ? v <= h.edges[b + 1] : v < h.edges[b + 1]),
      ).length;
      assert.equal(h.counts[b], expected, `bin ${b} of ${w}`);
    }
  }
  const kept = index.keptCounts(0.3);
  const order = Array.from(index.orderByKept(kept)).map((k) => [kept[k], wnids[k]] as const);
  const expected = [...order].sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? -1 : 1));
  assert.deepEqual(order, expected, 'most kept first, then by wnid');
  assert.equal(index.keptCount('n99999999', 0), 0);
  assert.deepEqual(index.histogram('n99999999', 2).counts, [0, 0]);
});

test('synset text follows LAIONet: "<name> which is <definition>"', () => {
  assert.equal(synsetHeadName('Hot_dog.n.02'), 'hot dog');
  assert.equal(definitionWithoutExamples('a young dog; "the puppy barked"'), 'a young dog');
  assert.equal(synsetText('puppy', 'a young dog; "she adopted a puppy"'), 'puppy which is a young dog');
});

test('vectors: normalisation, cosine, masked mean pooling', () => {
  const v = l2Normalize(new Float32Array([3, 4]));
  assert.ok(Math.abs(v[0] - 0.6) < 1e-7 && Math.abs(v[1] - 0.8) < 1e-7);
  assert.ok(Math.abs(cosine(new Float32Array([1, 0]), new Float32Array([1, 1])) - Math.SQRT1_2) < 1e-7);
  assert.equal(cosine(new Float32Array([0, 0]), new Float32Array([1, 1])), 0);
  // Two rows of 3 tokens, dim 2; the padded token (mask 0) must not count.
  const hidden = [1, 0, 3, 0, 100, 100, 0, 2, 0, 4, 0, 6];
  const [a, b] = maskedMeanPool(hidden, [1, 1, 0, 1, 1, 1], 2, 3, 2);
  assert.deepEqual(Array.from(a), [1, 0]);
  assert.deepEqual(Array.from(b), [0, 1]);
  assert.ok(Math.abs(dot(a, b)) < 1e-9);
});

test('class score is the mean over kept images', () => {
  const s = meanScoreByClass([
    { wnid: 'n1', similarity: 0.2 },
    { wnid: 'n1', similarity: 0.4 },
    { wnid: 'n2', similarity: 0.5 },
  ]);
  assert.ok(Math.abs(s.get('n1')!.score - 0.3) < 1e-12);
  assert.equal(s.get('n1')!.images, 2);
  assert.equal(s.get('n2')!.score, 0.5);
});

test('GloVe encoder: related words and captions are closer than unrelated ones', () => {
  const g = loadGloveVectors();
  const sim = (a: string, b: string) => dot(gloveEmbed(g, a), gloveEmbed(g, b));
  assert.ok(
    sim('dog', 'puppy') > sim('dog', 'economy') + 0.3,
    `dog~puppy ${sim('dog', 'puppy')} vs dog~economy ${sim('dog', 'economy')}`,
  );
  assert.ok(sim('cat', 'kitten') > sim('cat', 'parliament'));
  assert.ok(sim('car', 'truck') > sim('car', 'banana'));
  const mouseAnimal =
    'mouse which is any of numerous small rodents typically resembling diminutive rats having pointed snouts and small ears on elongated bodies with slender usually hairless tails';
  assert.ok(
    sim('a small grey field mouse eating seeds in the grass', mouseAnimal) >
      sim('wireless optical mouse for laptop usb receiver', mouseAnimal),
  );
  // Normalised; stop words alone and unknown words give a zero vector.
  assert.ok(Math.abs(dot(gloveEmbed(g, 'red apple'), gloveEmbed(g, 'red apple')) - 1) < 1e-5);
  assert.equal(dot(gloveEmbed(g, 'the of and'), gloveEmbed(g, 'dog')), 0);
  assert.equal(dot(gloveEmbed(g, 'qzxqzxqzx'), gloveEmbed(g, 'dog')), 0);
});
