// English function words: the closed word classes of the Penn Treebank tag set (Marcus et al., 1993; Santorini,
// "Part-of-Speech Tagging Guidelines for the Penn Treebank Project", 1990) — determiners, predeterminers and quantifiers (DT,
// PDT, WDT), personal, possessive and wh-pronouns (PRP, PRP$, WP, WP$), existential "there" (EX), prepositions and
// subordinating conjunctions (IN), coordinating conjunctions (CC), "to" (TO), modals (MD), particles (RP), wh-adverbs
// (WRB) — plus the forms of the auxiliaries be, have and do, negation, and the indefinite pronouns (somebody,
// nothing, ...). WordNet has no entries for these classes, so its sense-tag counts cannot reveal them; yet several
// are also WordNet nouns (`in` inch, `at` astatine, `are` the unit of area, `will`, `may`, `can`, `down` feathers)
// and, under case-sensitive matching, capitalised lemmas equal to one (`In` indium, `US`, `IT`, `WHO`, `More`)
// occur at the start of every other caption. Compared lowercased.

export type FunctionWordClass =
  | 'determiner or quantifier'
  | 'pronoun'
  | 'preposition or particle'
  | 'conjunction'
  | 'wh-word'
  | 'modal verb'
  | 'auxiliary verb form'
  | 'negation';

const CLASSES: Record<FunctionWordClass, string> = {
  'determiner or quantifier':
    'a an the this that these those some any no every each either neither all both half such another other others ' +
    'many much more most few fewer less least several enough',
  pronoun:
    'i me my mine myself you your yours yourself yourselves he him his himself she her hers herself it its itself ' +
    'we us our ours ourselves they them their theirs themselves one ones oneself there thee thou thy thine ye ' +
    'somebody someone something anybody anyone anything everybody everyone everything nobody nothing none',
  'preposition or particle':
    'about above across after against along alongside amid amidst among amongst around as at atop before behind ' +
    'below beneath beside besides between beyond by despite down during except for from in inside into like near ' +
    'of off on onto opposite out outside over past per plus minus round since than through throughout till to ' +
    'toward towards under underneath unlike until unto up upon versus via vs with within without',
  conjunction: 'and or but nor so yet although though because if unless whether while whilst whereas lest once',
  'wh-word': 'what which who whom whose whoever whomever whatever whichever how when where why whence whereby',
  'modal verb': 'can could may might must shall should will would ought cannot',
  'auxiliary verb form': 'be am is are was were been being have has had having do does did done doing',
  negation: 'not',
};

const BY_WORD: ReadonlyMap<string, FunctionWordClass> = (() => {
  const m = new Map<string, FunctionWordClass>();
  for (const [cls, words] of Object.entries(CLASSES) as [FunctionWordClass, string][]) {
    for (const w of words.split(' ')) if (!m.has(w)) m.set(w, cls);
  }
  return m;
})();

/** The function-word class of a word (compared lowercased), or null. */
export function functionWordClass(word: string): FunctionWordClass | null {
  return BY_WORD.get(word.toLowerCase()) ?? null;
}

/** Every listed function word (lowercase), for documentation and tests. */
export function functionWords(): string[] {
  return [...BY_WORD.keys()].sort();
}
