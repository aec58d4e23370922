// `imagenot match`: LAIONet caption matching.
//   stateless:  imagenot match --captions FILE [--column TEXT] --synsets WNIDS.txt --out OUT.csv [--ignore-case]
//   workspace:  imagenot match WS [--synsets eligible|FILE] [--ignore-case]   (resumable job `match`)
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { lemmaSetForWnids } from '../../core/matching/lemma-set.ts';
import { matchFile } from '../../io/match-file.ts';
import { loadWordNetWords, readWnidFile } from '../../io/wordnet-files.ts';
import { publicJob } from '../../store/jobs.ts';
import { CommandFailed, EXIT_FAILED, printJson, runJobsToEnd, UsageError, withWorkspace } from '../context.ts';

interface Options {
  captions?: string;
  column: string;
  synsets?: string;
  out?: string;
  ignoreCase?: boolean;
  batch?: string;
  json?: boolean;
}

async function matchOneFile(o: Options): Promise<void> {
  if (!o.synsets) throw new UsageError('--synsets WNIDS.txt is required with --captions');
  if (!o.out) throw new UsageError('--out OUT.csv is required with --captions');
  let wnids: string[];
  try {
    wnids = readWnidFile(o.synsets);
  } catch (e) {
    throw new CommandFailed((e as Error).message);
  }
  const { lemmaSet, unknown } = lemmaSetForWnids(loadWordNetWords(), wnids, { ignoreCase: !!o.ignoreCase });
  const badRows: string[] = [];
  let summary;
  try {
    summary = await matchFile({ captions: o.captions!, column: o.column, lemmaSet, out: o.out, onBadRow: (e) => badRows.push(e.message) });
  } catch (e) {
    throw new CommandFailed((e as Error).message);
  }
  const report = {
    captions: summary.captions,
    synsets: lemmaSet.wnids.length,
    unknownWnids: unknown,
    lemmasUsed: lemmaSet.lemmas.length,
    sharedLemmasDropped: lemmaSet.shared.length,
    synsetsWithoutLemmas: lemmaSet.withoutLemmas,
    lemmasWithPunctuation: lemmaSet.unmatchable.length,
    matched: summary.matched,
    ambiguous: summary.ambiguous,
    badRows: summary.badRows,
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
      `lemmas used:            ${report.lemmasUsed} (${report.sharedLemmasDropped} shared by two synsets dropped, ${report.lemmasWithPunctuation} contain punctuation and never match)`,
      `synsets without lemmas: ${lemmaSet.withoutLemmas.length}${lemmaSet.withoutLemmas.length ? ` (${lemmaSet.withoutLemmas.slice(0, 5).join(', ')}${lemmaSet.withoutLemmas.length > 5 ? ', ...' : ''})` : ''}`,
      `matched:                ${report.matched}`,
      `ambiguous:              ${report.ambiguous}`,
      `captions/s:             ${report.captionsPerSecond} (${report.seconds} s)`,
      `written:                ${o.out}`,
    ];
    if (summary.invalidUtf8) lines.push(`invalid UTF-8 replaced: ${summary.invalidUtf8}`);
    process.stdout.write(lines.join('\n') + '\n');
  }
  for (const b of badRows.slice(0, 20)) process.stderr.write(`rejected: ${b}\n`);
  if (badRows.length > 20) process.stderr.write(`rejected: ... and ${badRows.length - 20} more\n`);
  if (badRows.length || unknown.length) process.exitCode = EXIT_FAILED;
}

async function matchWorkspace(dir: string, o: Options): Promise<void> {
  let synsets = o.synsets ?? 'eligible';
  if (synsets !== 'eligible') {
    synsets = resolve(synsets);
    if (!existsSync(synsets)) throw new UsageError(`--synsets: no such file ${synsets} (or use 'eligible')`);
  }
  await withWorkspace(dir, async (ws) => {
    const out = await runJobsToEnd(ws, [{ kind: 'match', params: { synsets, ignoreCase: !!o.ignoreCase, ...(o.batch ? { batch: Number(o.batch) } : {}) } }], { quiet: o.json });
    const job = out.jobs[0];
    if (o.json) printJson(publicJob(job));
    if (job.state !== 'succeeded') throw new CommandFailed(`match failed: ${job.error ?? job.state} (resume with \`imagenot jobs resume ${dir} ${job.id}\`)`);
    const r = job.result as Record<string, number>;
    if (!o.json) {
      process.stdout.write(
        `${r.captions} captions, ${r.synsets} synsets (${r.lemmas} lemmas, ${r.synsetsWithoutLemmas} synsets without lemmas): ` +
          `${r.matched} matched, ${r.ambiguous} ambiguous; ${r.synsetsWithCandidates} synsets have candidates\n`,
      );
    }
    if (!out.ok) process.exitCode = EXIT_FAILED;
  });
}

export function register(program: Command): void {
  program
    .command('match')
    .description(
      "LAIONet matching: a caption (ASCII punctuation -> space, padded with spaces) matches a synset when ' ' + lemma + ' ' " +
        "occurs in it (lemma = WordNet word, '_' -> ' ', case-sensitive); lemmas shared by two synsets are dropped; a caption " +
        'matching more than one synset is ambiguous. With --captions: one file -> OUT.csv (row,wnid,lemmas,status). With WS: ' +
        'a resumable job over all samples of the workspace.',
    )
    .argument('[ws]', 'workspace folder (omit with --captions)')
    .option('--captions <file>', 'parquet, csv, tsv or jsonl (optionally .gz) with a caption column')
    .option('--column <name>', 'caption column', 'TEXT')
    .option('--synsets <eligible|file>', "wnid file (one wnid per line, first token); in a workspace also 'eligible' (default: eligible)")
    .option('--out <file>', 'output CSV (with --captions)')
    .option('--ignore-case', 'compare caption and lemmas lowercased (LAIONet is case-sensitive)')
    .option('--batch <n>', 'captions per committed batch (workspace job)')
    .option('--json', 'print the summary (or the job) as JSON')
    .action(async (dir: string | undefined, o: Options) => {
      if (o.captions && dir) throw new UsageError('give either a workspace or --captions FILE, not both');
      if (o.captions) return matchOneFile(o);
      if (!dir) throw new UsageError('give a workspace folder, or --captions FILE --synsets WNIDS.txt --out OUT.csv');
      if (o.out) throw new UsageError('--out is for --captions; a workspace stores its matches (see imagenot candidates)');
      return matchWorkspace(dir, o);
    });
}
