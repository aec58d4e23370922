// LAIONet matching speed: whole-process captions/s of the per-file matcher (bench/matching-process.ts: start-up,
// WordNet, automaton, parquet reading, matching, CSV writing) on the 10k LAION sample replicated to 1M and 2M
// captions, with the ImageNet-1k synsets and with the eligible synsets, against the plain per-lemma substring loop
// (the definition) measured in this process on a subset of the same captions and extrapolated per caption; and the
// automaton alone against the same loop; and the eligible set with the lemma-quality rule against the same set without
// it (the rule is applied when the automaton is built: it must cost nothing per caption). Rates are per CPU-second
// (process.cpuUsage) because the machine is shared:
// wall-clock rates are printed too. Peak RSS at 1M vs 2M shows memory does not grow with the input.
// The child runs bundled by esbuild (as the shipped CLI is, dist/cli.mjs), not through tsx: the dev-mode TypeScript
// loader alone costs ~0.3 s of CPU per process. The bundle goes to dist/bench/ (git-ignored build output) so that
// it resolves node_modules and assets/ like the packaged app.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parquetWriteFile } from 'hyparquet-writer';
import { build } from 'esbuild';
import { openTable } from '../native-workers/io/tables.ts';
import { loadImagenet1kWnids, loadLemmaRule, loadWordNet } from '../native-workers/io/wordnet-files.ts';
import { computeEligibility } from '../native-workers/core/wordnet/eligibility.ts';
import { lemmaSetForWnids, type LemmaSetOptions } from '../native-workers/core/matching/lemma-set.ts';
import { lemmaRuleMatching } from '../native-workers/core/wordnet/lemma-rule.ts';
import { matchCaption, matchCaptionPlainLoop } from '../native-workers/core/matching/result.ts';
import { CaptionMatcher } from '../native-workers/core/matching/automaton.ts';
import { runStandalone, type BenchLine } from './types.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const sample = resolve(root, '..', 'shared', 'data', 'laion-sample', 'img2dataset-test_10000.parquet');
const work = join(tmpdir(), 'imagenot-bench-matching');

async function sampleCaptions(): Promise<string[]> {
  const t = await openTable(sample);
  const out: string[] = [];
  for await (const b of t.columnBatches({ columns: ['TEXT'] }))
    for (const v of b.columns.TEXT) out.push(typeof v === 'string' ? v : '');
  return out;
}

/** The sample's captions repeated to `n` rows (TEXT only, row groups of 100k), cached between runs. */
function replicatedParquet(captions: string[], n: number): string {
  const path = join(work, `laion-${n / 1e6}M.parquet`);
  if (existsSync(path) && statSync(path).size > 0) return path;
  mkdirSync(work, { recursive: true });
  const text = new Array<string>(n);
  for (let i = 0; i < n; i++) text[i] = captions[i % captions.length];
  parquetWriteFile({
    filename: path + '.tmp',
    columnData: [{ name: 'TEXT', data: text, type: 'STRING' }],
    rowGroupSize: 100_000,
  });
  renameSync(path + '.tmp', path);
  return path;
}

interface ChildReport {
  captions: number;
  matched: number;
  ambiguous: number;
  setupMs: number;
  matchFileMs: number;
  processMs: number;
  cpuMs: number;
  maxRssMB: number;
}

export const childBundle = join(root, 'dist', 'bench', 'matching-process.mjs');

/** Bundles bench/matching-process.ts to `childBundle` (also used by tables.bench.ts). */
export async function bundleChild(): Promise<void> {
  await build({
    entryPoints: [join(root, 'bench', 'matching-process.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    outfile: childBundle,
    logLevel: 'warning',
  });
}

/** Runs the child; wall time measured here, from spawn to exit. */
function wholeProcess(
  file: string,
  wnids: string,
  lemmaRule: 'default' | 'none' = 'none',
): ChildReport & { wallMs: number } {
  const out = join(work, 'out.csv');
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [childBundle, file, wnids, out, lemmaRule], { cwd: root, encoding: 'utf8' });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`matching-process failed: ${r.stderr}`);
  return { ...(JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildReport), wallMs };
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

/** Plain loop captions per CPU-second over the first `n` captions (the same outcome objects as the automaton's). */
function plainLoop(captions: string[], wnids: string[], n: number): number {
  const { lemmaSet } = lemmaSetForWnids(loadWordNet(), wnids);
  const patterns = lemmaSet.lemmas.map((l) => ' ' + l + ' ');
  const u0 = process.cpuUsage();
  for (let i = 0; i < n; i++) matchCaptionPlainLoop(lemmaSet, captions[i], patterns);
  return n / cpuSeconds(u0);
}

/** The automaton alone, in this process: captions per CPU-second over the sample captions, `rounds` times. */
function automatonAlone(captions: string[], wnids: string[], rounds: number, options: LemmaSetOptions = {}): number {
  const { lemmaSet } = lemmaSetForWnids(loadWordNet(), wnids, options);
  const matcher = new CaptionMatcher(lemmaSet);
  for (const c of captions) matchCaption(matcher, c); // warm-up
  const u0 = process.cpuUsage();
  for (let r = 0; r < rounds; r++) for (const c of captions) matchCaption(matcher, c);
  return (rounds * captions.length) / cpuSeconds(u0);
}

export async function run(): Promise<BenchLine[]> {
  await bundleChild();
  const captions = await sampleCaptions();
  const file1 = replicatedParquet(captions, 1_000_000);
  const file2 = replicatedParquet(captions, 2_000_000);
  const wn = loadWordNet();
  const imagenet = loadImagenet1kWnids();
  const eligible = computeEligibility(wn, imagenet)
    .filter((e) => e.eligible)
    .map((e) => e.wnid);
  mkdirSync(work, { recursive: true });
  const sets = { 'imagenet-1k': imagenet, eligible };
  const lines: BenchLine[] = [];
  for (const [name, wnids] of Object.entries(sets)) {
    const wnidFile = join(work, `${name}.txt`);
    writeFileSync(wnidFile, wnids.join('\n') + '\n');
    const subset = name === 'eligible' ? 200 : 2000;
    const plain = plainLoop(captions, wnids, subset);
    const plainRef = `plain per-lemma loop, ${subset} captions extrapolated`;
    const one = wholeProcess(file1, wnidFile);
    const cpu = one.captions / (one.cpuMs / 1000);
    const wall = one.captions / (one.wallMs / 1000);
    lines.push({
      name: `match ${name} (${wnids.length} synsets) 1M captions, whole process, per CPU-second`,
      value: cpu,
      unit: 'captions/s',
      reference: plainRef,
      referenceValue: plain,
      ratio: cpu / plain,
      goal: '>= 1M captions/s on one core, >= 100x',
    });
    lines.push({
      name: `match ${name} 1M captions, whole process, wall clock (shared machine)`,
      value: wall,
      unit: 'captions/s',
    });
    const alone = automatonAlone(captions, wnids, 20);
    lines.push({
      name: `match ${name} automaton alone (in process, no I/O)`,
      value: alone,
      unit: 'captions/s',
      reference: plainRef,
      referenceValue: plain,
      ratio: alone / plain,
      goal: '>= 100x',
    });
    lines.push({
      name: `match ${name}: setup in the child (WordNet words + wnid file + lemma set), wall clock`,
      value: one.setupMs,
      unit: 'ms',
    });
    const two = wholeProcess(file2, wnidFile);
    lines.push({
      name: `match ${name} 2M captions, whole process, per CPU-second (start-up amortised over more captions)`,
      value: two.captions / (two.cpuMs / 1000),
      unit: 'captions/s',
      reference: plainRef,
      referenceValue: plain,
      ratio: two.captions / (two.cpuMs / 1000) / plain,
    });
    lines.push({
      name: `match ${name} peak RSS at 2M captions`,
      value: two.maxRssMB,
      unit: 'MB',
      reference: 'at 1M',
      referenceValue: one.maxRssMB,
      ratio: two.maxRssMB / one.maxRssMB,
      goal: 'flat (~1x)',
    });
  }
  // The lemma rule: the eligible set with it against the same set without it, in the same run.
  const eligibleFile = join(work, 'eligible.txt');
  const rule = lemmaRuleMatching(loadLemmaRule());
  const without = automatonAlone(captions, eligible, 20);
  const withRule = automatonAlone(captions, eligible, 20, rule);
  lines.push({
    name: 'match eligible with the lemma rule, automaton alone (in process, no I/O)',
    value: withRule,
    unit: 'captions/s',
    reference: 'the same set without the rule',
    referenceValue: without,
    ratio: withRule / without,
    goal: '>= 1x (the rule costs nothing per caption)',
  });
  const plainProcess = wholeProcess(file1, eligibleFile, 'none');
  const ruleProcess = wholeProcess(file1, eligibleFile, 'default');
  const perCpu = (r: ChildReport) => r.captions / (r.cpuMs / 1000);
  lines.push({
    name: 'match eligible with the lemma rule 1M captions, whole process, per CPU-second',
    value: perCpu(ruleProcess),
    unit: 'captions/s',
    reference: 'the same set without the rule',
    referenceValue: perCpu(plainProcess),
    ratio: perCpu(ruleProcess) / perCpu(plainProcess),
    goal: '>= 1x',
  });
  lines.push({
    name: 'match eligible with the lemma rule: setup in the child (WordNet words, lemma rule, lemma set), wall clock',
    value: ruleProcess.setupMs,
    unit: 'ms',
    reference: 'without the rule',
    referenceValue: plainProcess.setupMs,
    ratio: ruleProcess.setupMs / plainProcess.setupMs,
  });
  return lines;
}

await runStandalone(import.meta.url, run);
