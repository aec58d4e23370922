// The text a caption is compared with: "<name> which is <definition>" (LAIONet), with name as NLTK's synset.name()
// head word (first lemma, lowercased, '_' -> ' ') and the definition without its quoted usage examples.

/** 'Dog.n.01' or 'hot_dog' -> 'dog' / 'hot dog'. */
export function synsetHeadName(name: string): string {
  const head = name.replace(/\.[a-z]\.\d+$/, '');
  return head.replace(/_/g, ' ').toLowerCase().trim();
}

/** A WordNet gloss without its examples: 'a member of the genus Canis; "the dog barked"' -> 'a member of the genus Canis'. */
export function definitionWithoutExamples(gloss: string): string {
  const cut = gloss.search(/;\s*"/);
  const text = cut >= 0 ? gloss.slice(0, cut) : gloss.startsWith('"') ? '' : gloss;
  return text.trim();
}

export function synsetText(name: string, definition: string): string {
  return `${synsetHeadName(name)} which is ${definitionWithoutExamples(definition)}`;
}
