// `imagenot match`: LAIONet caption matching, with the lemma-quality rule by default for the eligible set.
//   stateless:  imagenot match --captions FILE [--column TEXT | --no-header --column 1] --synsets eligible|WNIDS.txt --out OUT.csv [--ignore-case]
//   workspace:  imagenot match WS [--synsets eligible|FILE] [--ignore-case] [--preview]   (resumable job `match`)
//   both:       [--lemma-rule default|none]  (default: 'default' for eligible, 'none' = exact LAIONet for a file)
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { filteredByCode, lemmaSetForWnids } from '../../core/matching/lemma-set.ts';
import {
  defaultLemmaRuleFor,
  LEMMA_RULE_NAMES,
  lemmaRuleMatching,
  type LemmaRuleName,
} from '../../core/wordnet/lemma-rule.ts';
import { matchFile } from '../../io/match-file.ts';
import { loadDefaultEligibleWnids, loadLemmaRule, loadWordNetWords, readWnidFile } from '../../io/wordnet-files.ts';
import { publicJob } from '../../store/jobs.ts';
import { CommandFailed, EXIT_FAILED, printJson, runJobsToEnd, UsageError, withWorkspace } from '../context.ts';
import { printable } from '../../io/text.ts';
import { matchText, previewText, ruleLine, type MatchResult, type PreviewResult } from './match-summary.ts';

interface Options {
  captions?: string;
  column?: string;
  captionCol?: string;
  header: boolean;
  synsets?: string;
  out?: string;
  ignoreCase?: boolean;
  lemmaRule?: string;
  preview?: boolean;
  batch?: string;
  json?: boolean;
}

/** The caption column: --caption-col or --column; default TEXT, or 1 (the first column) with --no-header. */
function captionColumn(o: Options): string {
  if (o.captionCol && o.column && o.captionCol !== o.column)
    throw new UsageError('give the caption column once (--caption-col or --column)');
  const column = o.captionCol ?? o.column ?? (o.header ? 'TEXT' : '1');
  if (!o.header && !/^[1-9]\d*$/.test(column))
    throw new UsageError(`with --no-header the caption column is a 1-based position, got '${column}'`);
  return column;
}

function lemmaRuleOption(o: Options): LemmaRuleName | undefined {
  if (o.lemmaRule === undefined) return undefined;
  if (!(LEMMA_RULE_NAMES as readonly string[]).includes(o.lemmaRule))
    throw new UsageError(`--lemma-rule must be ${LEMMA_RULE_NAMES.join(' or ')}, got '${o.lemmaRule}'`);
  return o.lemmaRule as LemmaRuleName;
}

async function matchOneFile(o: Options): Promise<void> {
  if (!o.synsets) throw new UsageError('--synsets eligible|WNIDS.txt is required with --captions');
  if (!o.out) throw new UsageError('--out OUT.csv is required with --captions');
  if (o.preview) throw new UsageError('--preview is for a workspace (it compares with its candidates)');
  const column = captionColumn(o);
  const lemmaRule = lemmaRuleOption(o) ?? defaultLemmaRuleFor(o.synsets);
  let wnids: string[];
  try {
    wnids = o.synsets === 'eligible' ? loadDefaultEligibleWnids() : readWnidFile(o.synsets);
  } catch (e) {
    throw new CommandFailed((e as Error).message);
  }
  const ruled = lemmaRule === 'default' ? lemmaRuleMatching(loadLemmaRule()) : {};
  const { lemmaSet, unknown } = lemmaSetForWnids(loadWordNetWords(), wnids, { ignoreCase: !!o.ignoreCase, ...ruled });
  const badRows: string[] = [];
  let summary;
  try {
    summary = await matchFile({
      captions: o.captions!,
      column,
      header: o.header,
      lemmaSet,
      out: o.out,
      onBadRow: (e) => badRows.push(e.message),
    });
  } catch (e) {
    throw new CommandFailed((e as Error).message);
  }
  const report = {
    captions: summary.captions,
    synsets: lemmaSet.wnids.length,
    unknownWnids: unknown,
    lemmasUsed: lemmaSet.lemmas.length,
    lemmaRule,
    lemmasDroppedByRule: lemmaSet.filtered.length,
    lemmasDroppedByReason: filteredByCode(lemmaSet),
    synsetsEmptiedByRule: lemmaSet.emptiedByFilter.length,
    sharedLemmasDropped: lemmaSet.shared.length,
    synsetsWithoutLemmas: lemmaSet.withoutLemmas,
    lemmasWithPunctuation: lemmaSet.unmatchable.length,
    matched: summary.matched,
    ambiguous: summary.ambiguous,
    badRows: summary.badRows,
    withoutCaption: summary.noCaption,
    invalidUtf8Replaced: summary.invalidUtf8,
    seconds: Number(summary.seconds.toFixed(3)),
    captionsPerSecond: Math.round(summary.captionsPerSecond),
    out: o.out,
  };
  if (o.json) printJson(report);
  else {
    const lines = [
      `captions:               ${report.captions}`,
      `synsets:                ${report.synsets}${unknown.length ? ` (${unknown.length} unknown wnids ignored: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', ...' : ''})` : ''}`,
      `lemma rule:             ${ruleLine(report)}`,
      `lemmas used:            ${report.lemmasUsed} (${report.sharedLemmasDropped} shared by two synsets dropped, ${report.lemmasWithPunctuation} contain punctuation and never match)`,
      `synsets without lemmas: ${lemmaSet.withoutLemmas.length}${lemmaSet.withoutLemmas.length ? ` (${lemmaSet.withoutLemmas.slice(0, 5).join(', ')}${lemmaSet.withoutLemmas.length > 5 ? ', ...' : ''})` : ''}`,
      `matched:                ${report.matched}`,
      `ambiguous:              ${report.ambiguous}`,
      `captions/s:             ${report.captionsPerSecond} (${report.seconds} s)`,
      `written:                ${o.out}`,
    ];
    if (summary.noCaption) lines.push(`without a caption:      ${summary.noCaption}`);
    if (summary.invalidUtf8) lines.push(`invalid UTF-8 replaced: ${summary.invalidUtf8}`);
    process.stdout.write(lines.join('\n') + '\n');
  }
  for (const b of badRows.slice(0, 20)) process.stderr.write(`rejected: ${printable(b)}\n`);
  if (badRows.length > 20) process.stderr.write(`rejected: ... and ${badRows.length - 20} more\n`);
  if (summary.damage)
    process.stderr.write(`rejected: ${printable(summary.damage)} (the rows before it were matched)\n`);
  if (badRows.length || unknown.length || summary.damage) process.exitCode = EXIT_FAILED;
}

async function matchWorkspace(dir: string, o: Options): Promise<void> {
  const lemmaRule = lemmaRuleOption(o);
  let synsets = o.synsets ?? 'eligible';
  if (synsets !== 'eligible') {
    synsets = resolve(synsets);
    if (!existsSync(synsets)) throw new UsageError(`--synsets: no such file ${synsets} (or use 'eligible')`);
  }
  await withWorkspace(dir, async (ws) => {
    const params = {
      synsets,
      ignoreCase: !!o.ignoreCase,
      ...(lemmaRule ? { lemmaRule } : {}),
      preview: !!o.preview,
      ...(o.batch ? { batch: Number(o.batch) } : {}),
    };
    const out = await runJobsToEnd(ws, [{ kind: 'match', params }], { quiet: o.json });
    const job = out.jobs[0];
    if (o.json) printJson(publicJob(job));
    if (job.state !== 'succeeded')
      throw new CommandFailed(
        `match failed: ${job.error ?? job.state} (resume with \`imagenot jobs resume ${dir} ${job.id}\`)`,
      );
    if (!o.json)
      process.stdout.write(o.preview ? previewText(job.result as PreviewResult) : matchText(job.result as MatchResult));
    if (!out.ok) process.exitCode = EXIT_FAILED;
  });
}

export function register(program: Command): void {
  program
    .command('match')
    .description(
      "LAIONet matching: a caption (ASCII punctuation -> space, padded with spaces) matches a synset when ' ' + lemma + ' ' " +
        "occurs in it (lemma = WordNet word, '_' -> ' ', case-sensitive); lemmas shared by two synsets are dropped; a caption " +
        'matching more than one synset is ambiguous. For the eligible set the lemma-quality rule first removes words unfit ' +
        'to name a class (function words, one-character lemmas, numerals, words used mostly as verbs or adjectives; ' +
        'docs/lemma-rule.md). With --captions: one file -> OUT.csv (row,wnid,lemmas,status). With WS: a resumable job ' +
        'over all samples of the workspace.',
    )
    .argument('[ws]', 'workspace folder (omit with --captions)')
    .option('--captions <file>', 'parquet, csv, tsv or jsonl (optionally .gz) with a caption column')
    .option(
      '--column <name>',
      'caption column; with --no-header a 1-based position (default: TEXT, or 1 with --no-header)',
    )
    .option('--caption-col <name>', 'the same as --column')
    .option('--no-header', 'csv/tsv without a header row (CC3M/CC12M TSV): columns are named by 1-based position')
    .option(
      '--synsets <eligible|file>',
      "'eligible' (the workspace's eligible set) or a wnid file (one wnid per line, first token) (default: eligible with a workspace)",
    )
    .option(
      '--lemma-rule <default|none>',
      "the lemma-quality rule (docs/lemma-rule.md); none keeps LAIONet's exact lemmas (default: default for 'eligible', none for a wnid file)",
    )
    .option(
      '--preview',
      'workspace: match without writing and print what a run would change (classes gained and lost, candidates per class)',
    )
    .option('--out <file>', 'output CSV (with --captions)')
    .option('--ignore-case', 'compare caption and lemmas lowercased (LAIONet is case-sensitive)')
    .option('--batch <n>', 'captions per committed batch (workspace job)')
    .option('--json', 'print the summary (or the job) as JSON')
    .action(async (dir: string | undefined, o: Options) => {
      if (o.captions && dir) throw new UsageError('give either a workspace or --captions FILE, not both');
      if (o.captions) return matchOneFile(o);
      if (!dir)
        throw new UsageError('give a workspace folder, or --captions FILE --synsets eligible|WNIDS.txt --out OUT.csv');
      if (o.out)
        throw new UsageError('--out is for --captions; a workspace stores its matches (see imagenot candidates)');
      return matchWorkspace(dir, o);
    });
}
