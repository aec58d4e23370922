// Parsing of WordNet 3.0 `data.noun` lines (pure: takes the file's text). Gloss splitting follows NLTK:
// definition = gloss without "quoted" examples, stripped of spaces and ';'; examples = the quoted strings.
import { LEXNAMES } from './lexnames.ts';

export interface ParsedSynset {
  offset: number;
  lexname: string;
  /** WordNet words in file order, case kept, multi-word lemmas with '_' (NLTK lemma_names()). */
  words: string[];
  definition: string;
  examples: string[];
  /** Offsets of hypernyms ('@') and instance hypernyms ('@i'), noun targets only. */
  hypernyms: number[];
  instanceHypernyms: number[];
}

export class WordNetParseError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`data.noun line ${line}: ${message}`);
    this.name = 'WordNetParseError';
  }
}

/** NLTK: definition = re.sub(r'["].*?["]', '', gloss).strip().strip('; '); examples = re.findall(r'"([^"]*)"', gloss). */
export function splitGloss(gloss: string): { definition: string; examples: string[] } {
  const examples = [...gloss.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
  const definition = gloss
    .replace(/".*?"/g, '')
    .trim()
    .replace(/^[; ]+|[; ]+$/g, '');
  return { definition, examples };
}

/** Parses one data line (not a license line). */
export function parseDataLine(line: string, lineNo = 0): ParsedSynset {
  const bar = line.indexOf(' | ');
  const fieldsText = bar === -1 ? line : line.slice(0, bar);
  const gloss = bar === -1 ? '' : line.slice(bar + 3).trim();
  const f = fieldsText.trim().split(' ');
  const offset = Number(f[0]);
  const lexnum = Number(f[1]);
  if (!Number.isInteger(offset) || !LEXNAMES[lexnum])
    throw new WordNetParseError(lineNo, `bad offset or lexicographer file '${f[0]} ${f[1]}'`);
  const wordCount = parseInt(f[3], 16);
  if (!(wordCount > 0)) throw new WordNetParseError(lineNo, `bad word count '${f[3]}'`);
  let at = 4;
  const words: string[] = [];
  for (let i = 0; i < wordCount; i++, at += 2) words.push(f[at]);
  const pointerCount = Number(f[at++]);
  if (!Number.isInteger(pointerCount)) throw new WordNetParseError(lineNo, `bad pointer count '${f[at - 1]}'`);
  const hypernyms: number[] = [];
  const instanceHypernyms: number[] = [];
  for (let i = 0; i < pointerCount; i++, at += 4) {
    const symbol = f[at];
    if (f[at + 2] !== 'n') continue;
    if (symbol === '@') hypernyms.push(Number(f[at + 1]));
    else if (symbol === '@i') instanceHypernyms.push(Number(f[at + 1]));
  }
  return { offset, lexname: LEXNAMES[lexnum], words, ...splitGloss(gloss), hypernyms, instanceHypernyms };
}

/** Every synset of a `data.noun` file's text (license header lines start with two spaces and are skipped). */
export function parseNounData(text: string): ParsedSynset[] {
  const out: ParsedSynset[] = [];
  let lineNo = 0;
  let from = 0;
  while (from < text.length) {
    let nl = text.indexOf('\n', from);
    if (nl === -1) nl = text.length;
    lineNo++;
    const line = text.slice(from, nl);
    from = nl + 1;
    if (!line.trim() || line.startsWith(' ')) continue;
    out.push(parseDataLine(line, lineNo));
  }
  return out;
}
