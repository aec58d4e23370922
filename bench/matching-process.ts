// Child process of bench/matching.bench.ts: the per-file match command's code path from process start to exit
// (load WordNet, build the lemma set and automaton, read the parquet, match, write the CSV), then one JSON line with
// its own CPU time and peak RSS. Usage: node --import tsx bench/matching-process.ts FILE WNIDS OUT [default|none]
// (the last: the lemma rule, as `imagenot match --lemma-rule`; default none).
import { lemmaSetForWnids } from '../native-workers/core/matching/lemma-set.ts';
import { lemmaRuleMatching } from '../native-workers/core/wordnet/lemma-rule.ts';
import { matchFile } from '../native-workers/io/match-file.ts';
import { loadLemmaRule, loadWordNetWords, readWnidFile } from '../native-workers/io/wordnet-files.ts';

const [file, wnidsFile, out, lemmaRule] = process.argv.slice(2);
const t0 = performance.now();
const ruled = lemmaRule === 'default' ? lemmaRuleMatching(loadLemmaRule()) : {};
const { lemmaSet } = lemmaSetForWnids(loadWordNetWords(), readWnidFile(wnidsFile), ruled);
const tSetup = performance.now();
const summary = await matchFile({ captions: file, lemmaSet, out });
const cpu = process.cpuUsage();
process.stdout.write(
  JSON.stringify({
    captions: summary.captions,
    matched: summary.matched,
    ambiguous: summary.ambiguous,
    setupMs: tSetup - t0,
    matchFileMs: summary.seconds * 1000,
    /** Since the process started (module loading included). */
    processMs: performance.now(),
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  }) + '\n',
);
