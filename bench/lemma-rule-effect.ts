// Not a benchmark: what the lemma-quality rule changes on real captions (the figures in docs/lemma-rule.md). For the
// LAION sample (10,000 alt-texts), the COCO captions in ../shared and a generated corpus, it matches every caption
// against the default eligible set with LAIONet's rules alone and with the rule, and prints matched, ambiguous,
// classes with candidates, the top classes, and the automaton's speed (captions per CPU-second, same process).
// The generated corpus: each caption joins the first half (in words) of one real caption with the second half of
// another from the same source, seeded; half of it from LAION, half from COCO. It keeps the sources' vocabulary and
// word co-occurrence while giving a million captions no file here holds.
// Usage: node --import tsx bench/lemma-rule-effect.ts [--generated N] [--top K]
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openTable } from '../native-workers/io/tables.ts';
import { loadDefaultEligibleWnids, loadLemmaRule, loadWordNet } from '../native-workers/io/wordnet-files.ts';
import { lemmaSetForWnids, type LemmaSet } from '../native-workers/core/matching/lemma-set.ts';
import { CaptionMatcher } from '../native-workers/core/matching/automaton.ts';
import { lemmaRuleMatching } from '../native-workers/core/wordnet/lemma-rule.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const shared = resolve(root, '..', 'shared', 'data');
const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? def : Number(process.argv[i + 1]);
};

async function laionCaptions(): Promise<string[]> {
  const t = await openTable(join(shared, 'laion-sample', 'img2dataset-test_10000.parquet'));
  const out: string[] = [];
  for await (const b of t.columnBatches({ columns: ['TEXT'] }))
    for (const v of b.columns.TEXT) out.push(typeof v === 'string' ? v : '');
  return out;
}

function cocoCaptions(): string[] {
  return ['captions_train2017.json', 'captions_val2017.json'].flatMap((f) =>
    (
      JSON.parse(readFileSync(join(shared, 'coco-mini', 'annotations', f), 'utf8')) as {
        annotations: { caption: string }[];
      }
    ).annotations.map((a) => a.caption),
  );
}

function generated(sources: string[][], n: number, seed = 20240607): string[] {
  let s = seed >>> 0;
  const rnd = (k: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % k;
  };
  const words = sources.map((src) => src.map((c) => c.split(' ')));
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const pool = words[i % words.length];
    const a = pool[rnd(pool.length)];
    const b = pool[rnd(pool.length)];
    out[i] = [...a.slice(0, Math.ceil(a.length / 2)), ...b.slice(Math.ceil(b.length / 2))].join(' ');
  }
  return out;
}

interface Outcome {
  matched: number;
  ambiguous: number;
  perClass: Map<number, number>;
  captionsPerCpuSecond: number;
}

function matchAll(set: LemmaSet, captions: string[]): Outcome {
  const m = new CaptionMatcher(set);
  const perClass = new Map<number, number>();
  let matched = 0;
  let ambiguous = 0;
  for (let i = 0; i < Math.min(captions.length, 20000); i++) m.match(captions[i]); // warm-up (JIT) before timing
  const u0 = process.cpuUsage();
  for (const c of captions) {
    const n = m.match(c);
    if (n === 0) continue;
    const first = set.lemmaSynset[m.hits[0]];
    let one = true;
    for (let i = 1; i < n && one; i++) one = set.lemmaSynset[m.hits[i]] === first;
    if (!one) ambiguous++;
    else {
      matched++;
      perClass.set(first, (perClass.get(first) ?? 0) + 1);
    }
  }
  const u = process.cpuUsage(u0);
  return { matched, ambiguous, perClass, captionsPerCpuSecond: captions.length / ((u.user + u.system) / 1e6) };
}

const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(1) : '0.0') + '%';

async function main() {
  const top = arg('--top', 15);
  const wordnet = loadWordNet();
  const eligible = loadDefaultEligibleWnids();
  const sets: Record<string, LemmaSet> = {
    none: lemmaSetForWnids(wordnet, eligible).lemmaSet,
    default: lemmaSetForWnids(wordnet, eligible, lemmaRuleMatching(loadLemmaRule())).lemmaSet,
  };
  const laion = await laionCaptions();
  const coco = cocoCaptions();
  const corpora: [string, string[]][] = [
    ['LAION sample', laion],
    ['COCO captions', coco],
    ['generated (LAION + COCO halves)', generated([laion, coco], arg('--generated', 1_000_000))],
  ];
  console.log(
    `eligible synsets: ${eligible.length}; lemmas used: none ${sets.none.lemmas.length}, default ${sets.default.lemmas.length} (${sets.default.filtered.length} dropped by the rule)`,
  );
  for (const [name, captions] of corpora) {
    console.log(`\n## ${name}: ${captions.length} captions`);
    for (const [rule, set] of Object.entries(sets)) {
      const o = matchAll(set, captions);
      const any = o.matched + o.ambiguous;
      const classes = [...o.perClass].sort((a, b) => b[1] - a[1]);
      console.log(
        `lemma rule ${rule.padEnd(7)}: matched ${o.matched} (${pct(o.matched, captions.length)}), ambiguous ${o.ambiguous} (${pct(o.ambiguous, any)} of captions naming a synset), ` +
          `classes ${classes.length}, ${Math.round(o.captionsPerCpuSecond)} captions/CPU-s`,
      );
      console.log(
        `  top: ${classes
          .slice(0, top)
          .map(([s, n]) => `${wordnet.get(set.wnids[s])!.name} ${n}`)
          .join(', ')}`,
      );
    }
  }
}

await main();
