// Builds the caption generator's input from the WordNet noun index: for each class synset its lemmas, definition and
// examples, and every other noun synset sharing one of its lemmas (the senses "coat of paint" or "bag of chips" come
// from). Lemmas keep their case and get spaces for '_' (as matching sees them).
import type { WordNet, Synset } from '../wordnet/wordnet.ts';
import type { CaptionClass, SenseInfo } from './captions.ts';

function senseOf(s: Synset): SenseInfo {
  return {
    wnid: s.wnid,
    lemmas: s.words.map((w) => w.replace(/_/g, ' ')),
    definition: s.definition,
    examples: s.examples,
  };
}

export function captionClassesFrom(wordnet: WordNet, wnids: readonly string[]): CaptionClass[] {
  const classes = wnids.map((wnid) => {
    const s = wordnet.get(wnid);
    if (!s) throw new Error(`demo class ${wnid} is not a WordNet 3.0 noun synset`);
    return s;
  });
  const wanted = new Set(classes.flatMap((s) => s.words));
  const byWord = new Map<string, Synset[]>();
  for (const s of wordnet.synsets) {
    for (const w of s.words) {
      if (!wanted.has(w)) continue;
      const list = byWord.get(w) ?? [];
      list.push(s);
      byWord.set(w, list);
    }
  }
  return classes.map((s) => {
    const others = new Map<string, Synset>();
    for (const w of s.words) for (const o of byWord.get(w) ?? []) if (o.wnid !== s.wnid) others.set(o.wnid, o);
    return { sense: senseOf(s), otherSenses: [...others.values()].map(senseOf) };
  });
}
