// `imagenot wordnet eligible [--format wnids|csv] [rules]`, `imagenot wordnet show WNID`, and per workspace: its rules
// (`imagenot wordnet rules WS [rules]`) and manual include/exclude list (`imagenot wordnet manual WS WNID include|exclude|clear`).
// The csv format and `show` say, per lemma, whether matching uses it under the lemma-quality rule and why not.
import { Argument, type Command } from 'commander';
import { computeEligibility, type EligibilityRules } from '../../core/wordnet/eligibility.ts';
import { lemmaOf } from '../../core/matching/normalize.ts';
import { buildLemmaSet } from '../../core/matching/lemma-set.ts';
import { LemmaReport, type LemmaState } from '../../core/matching/lemma-report.ts';
import { LEMMA_RULE_NAMES, lemmaRuleMatching } from '../../core/wordnet/lemma-rule.ts';
import { csvField } from '../../io/dataset/csv.ts';
import { loadImagenet1kWnids, loadLemmaRule, loadWordNet } from '../../io/wordnet-files.ts';
import { eligibleWnids, getSynset } from '../../store/synsets.ts';
import { ensureSynsetCatalog, setEligibilityRules, setManual } from '../../workers/synset-catalog.ts';
import { choiceOption, parseIntOption, printJson, UsageError, withWorkspace } from '../context.ts';

const collect = (v: string, prev: string[]) => [
  ...prev,
  ...v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
];

interface RuleFlags {
  excludeHypernyms?: boolean;
  excludeHyponyms?: boolean;
  keepSharedLemmas?: boolean;
  keepInstances?: boolean;
  subtree: string[];
  minDepth?: number;
  maxDepth?: number;
  excludeLexname: string[];
}

function withRuleOptions(cmd: Command): Command {
  return cmd
    .option('--exclude-hypernyms', 'also exclude every hypernym of an ImageNet-1k synset')
    .option('--exclude-hyponyms', 'also exclude every hyponym of an ImageNet-1k synset')
    .option('--keep-shared-lemmas', 'do not exclude synsets sharing a lemma with ImageNet-1k')
    .option(
      '--keep-instances',
      'do not exclude instances (particular people, places, works, events: London, Nike the goddess)',
    )
    .option(
      '--subtree <wnids>',
      'keep only these subtrees (comma-separated or repeated), e.g. n00001930 (physical_entity)',
      collect,
      [],
    )
    .option('--min-depth <d>', 'minimum depth (NLTK min_depth)', parseIntOption('--min-depth'))
    .option('--max-depth <d>', 'maximum depth', parseIntOption('--max-depth'))
    .option(
      '--exclude-lexname <names>',
      'exclude lexicographer files, e.g. noun.person (comma-separated or repeated)',
      collect,
      [],
    );
}

function rulesFrom(o: RuleFlags, wn: { get(wnid: string): unknown }): EligibilityRules {
  for (const w of o.subtree) if (!wn.get(w)) throw new UsageError(`--subtree ${w} is not a WordNet 3.0 noun wnid`);
  return {
    excludeSharedLemmas: !o.keepSharedLemmas,
    excludeInstances: !o.keepInstances,
    excludeImagenetHypernyms: !!o.excludeHypernyms,
    excludeImagenetHyponyms: !!o.excludeHyponyms,
    subtrees: o.subtree,
    minDepth: o.minDepth ?? null,
    maxDepth: o.maxDepth ?? null,
    excludeLexnames: o.excludeLexname,
  };
}

/** The csv columns kept, dropped, flagged of one eligible synset (entries '|'-joined, a reason after ': '). */
function lemmaColumns(states: LemmaState[]): [string, string, string] {
  const kept = states.filter((x) => x.status === 'kept');
  const dropped = states
    .filter((x) => x.status !== 'kept')
    .map(
      (x) =>
        `${x.lemma}: ${x.status === 'shared' ? `shared with ${x.sharedWith.length} other eligible synsets` : x.reason}`,
    );
  const flagged = kept.filter((x) => x.ruleFlags.length).map((x) => `${x.lemma}: ${x.ruleReason}`);
  return [kept.map((x) => x.lemma).join('|'), dropped.join('|'), flagged.join('|')];
}

export function register(program: Command): void {
  const wordnet = program.command('wordnet').description('WordNet 3.0 noun synsets and ImageNot eligibility');

  withRuleOptions(
    wordnet
      .command('eligible')
      .description(
        'the synsets eligible as ImageNot classes: WordNet 3.0 nouns minus the 1000 ImageNet-1k synsets and any synset sharing a ' +
          'lemma (case-insensitive) with one of them (ImageNet-1k hypernyms and hyponyms stay eligible unless excluded below)',
      )
      .addOption(
        choiceOption(
          '--format <f>',
          'wnids (one per line) or csv: wnid,name,lemmas,definition,lexname,depth, then kept (the lemmas matching uses), dropped ' +
            "('lemma: reason' for each lemma it does not: the lemma rule, shared with another eligible synset, punctuation) and " +
            'flagged (kept lemmas the rule flags for a look), entries joined by |',
          ['wnids', 'csv'],
          'wnids',
        ),
      )
      .addOption(
        choiceOption(
          '--lemma-rule <rule>',
          'for csv: the lemma-quality rule matching applies to the eligible set (none: LAIONet alone)',
          LEMMA_RULE_NAMES,
          'default',
        ),
      ),
  ).action((o: RuleFlags & { format: string; lemmaRule: string }) => {
    const wn = loadWordNet();
    const eligibility = computeEligibility(wn, loadImagenet1kWnids(), rulesFrom(o, wn));
    const eligible = wn.synsets.filter((_, i) => eligibility[i].eligible);
    if (o.format === 'wnids') {
      process.stdout.write(eligible.map((s) => s.wnid).join('\n') + '\n');
      return;
    }
    const rule = o.lemmaRule === 'default' ? loadLemmaRule() : null;
    const report = new LemmaReport(buildLemmaSet(eligible, rule ? lemmaRuleMatching(rule) : {}), rule);
    const lines = ['wnid,name,lemmas,definition,lexname,depth,kept,dropped,flagged'];
    for (const s of eligible) {
      const cols = lemmaColumns(report.states(s));
      lines.push(
        [s.wnid, s.name, s.words.map(lemmaOf).join('|'), s.definition, s.lexname, s.depth, ...cols]
          .map(csvField)
          .join(','),
      );
    }
    process.stdout.write(lines.join('\n') + '\n');
  });

  withRuleOptions(
    wordnet
      .command('rules')
      .description(
        "set a workspace's eligibility rules (the options; none = the default rules) and recompute its catalog; manual decisions still apply",
      )
      .argument('<ws>', 'workspace folder')
      .option('--json', 'print the rules and the eligible count as JSON'),
  ).action(async (dir: string, o: RuleFlags & { json?: boolean }) => {
    await withWorkspace(dir, (ws) => {
      const wn = loadWordNet();
      const rules = rulesFrom(o, wn);
      ensureSynsetCatalog(ws, wn);
      setEligibilityRules(ws, rules);
      const eligible = eligibleWnids(ws.db).length;
      if (o.json) printJson({ rules, eligible });
      else process.stdout.write(`${eligible} eligible synsets under ${JSON.stringify(rules)}\n`);
    });
  });

  wordnet
    .command('show')
    .description(
      'one synset: name, lemmas, definition, examples, lexname, depth, hypernym path, ImageNet-1k eligibility',
    )
    .argument('<wnid>', "a WordNet 3.0 noun wnid, e.g. n02084071 ('n' + 8-digit offset)")
    .option('--json', 'print as JSON')
    .action((wnid: string, o: { json?: boolean }) => {
      const wn = loadWordNet();
      const s = wn.get(wnid);
      if (!s)
        throw new UsageError(
          `${wnid} is not a WordNet 3.0 noun synset (expected 'n' + 8-digit offset, e.g. n02084071)`,
        );
      const e = computeEligibility(wn, loadImagenet1kWnids())[s.index];
      const path = wn.hypernymPath(s).map((p) => ({ wnid: p.wnid, name: p.name }));
      const rule = loadLemmaRule();
      const lemmaRule = s.words.map((w) => {
        const v = rule.verdict(w, s.words);
        return { lemma: lemmaOf(w), drop: v.drop, flags: v.flags, reason: v.reason };
      });
      const info = {
        wnid: s.wnid,
        name: s.name,
        lemmas: s.words.map(lemmaOf),
        definition: s.definition,
        examples: s.examples,
        lexname: s.lexname,
        depth: s.depth,
        descendants: s.descendants,
        inImagenet1k: e.inImagenet1k,
        eligible: e.eligible,
        reason: e.reason,
        hypernymPath: path,
        hyponyms: wn.children(s).length,
        lemmaRule,
      };
      if (o.json) return printJson(info);
      const out = [
        `${s.wnid}  ${s.name}  (${s.lexname}, depth ${s.depth}, ${s.descendants} descendants)`,
        `lemmas:     ${info.lemmas.join(', ')}`,
        ...lemmaRule.filter((l) => l.reason).map((l) => `  ${l.drop ? 'dropped' : 'flagged'} ${l.lemma}: ${l.reason}`),
        `definition: ${s.definition}`,
        ...(s.examples.length ? [`examples:   ${s.examples.map((x) => `"${x}"`).join('; ')}`] : []),
        `hypernyms:  ${path.map((p) => `${p.name} (${p.wnid})`).join(' > ')}`,
        `eligible:   ${e.eligible ? 'yes' : `no: ${e.reason}`} (default rules)`,
      ];
      process.stdout.write(out.join('\n') + '\n');
    });

  wordnet
    .command('manual')
    .description(
      "record a manual decision in a workspace's synset catalog: include or exclude a synset whatever the rules say, or clear it",
    )
    .argument('<ws>', 'workspace folder')
    .argument('<wnid>', 'the synset')
    .addArgument(new Argument('<decision>', 'what to record').choices(['include', 'exclude', 'clear']))
    .option('--json', 'print the synset as JSON')
    .action(async (dir: string, wnid: string, decision: string, o: { json?: boolean }) => {
      await withWorkspace(dir, (ws) => {
        if (!loadWordNet().get(wnid)) throw new UsageError(`${wnid} is not a WordNet 3.0 noun synset`);
        setManual(ws, wnid, decision === 'clear' ? null : (decision as 'include' | 'exclude'));
        const s = getSynset(ws.db, wnid)!;
        if (o.json) printJson(s);
        else
          process.stdout.write(
            `${s.wnid} ${s.name}: ${s.eligible ? 'eligible' : 'not eligible'}${s.reason ? ` (${s.reason})` : ''}\n`,
          );
      });
    });
}
