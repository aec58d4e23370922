// `imagenot rankings WS [--json]` (the workspace's runs, chosen by the same rule and stored choice as the Rankings
// screen, so both print the same object) and `imagenot rankings --results FILE.csv [--reference FILE.csv] --json`:
// do the models rank as on ImageNet?
import type { Command } from 'commander';
import { computeRankings, RankingsError, type Rankings } from '../../core/stats/rankings.ts';
import { workspaceRankings, type WorkspaceRankings } from '../../core/stats/workspace-rankings.ts';
import { readAccuracyCsv, readReference } from '../../io/rankings/tables.ts';
import { ENGINES, getRankingChoice, markRunsOfDeadJobs, rankingCandidates } from '../../store/runs.ts';
import { choiceOption, CommandFailed, parseIntOption, printJson, UsageError, withWorkspace } from '../context.ts';

const f = (v: number | null | undefined, d = 3) => (v == null ? 'n/a' : v.toFixed(d));

/** `engines` names each run's engine where it is not tfjs (a workspace's rankings), so a torch run shows as such. */
function printText(r: Rankings, engines: ReadonlyMap<number, string> = new Map()): void {
  const engineOf = (id: number) => (engines.has(id) ? ` (${engines.get(id)})` : '');
  const out = process.stdout;
  const ci = (v: { low: number | null; high: number | null }, d = 3) =>
    v.low == null ? '' : `[${f(v.low, d)}, ${f(v.high, d)}]`;
  out.write(
    `${'arch'.padEnd(20)} ${'top1'.padStart(7)} ${'95% CI'.padStart(16)} ${'n'.padStart(6)} ${'ref top1'.padStart(9)} ${'rel.impr'.padStart(9)} ${'ref rel.impr'.padStart(13)}\n`,
  );
  for (const m of [...r.models].sort((a, b) => b.top1 - a.top1)) {
    out.write(
      `${m.arch.padEnd(20)} ${m.top1.toFixed(2).padStart(7)} ${ci(m.top1_ci, 1).padStart(16)} ${(m.n == null ? '' : String(m.n)).padStart(6)} ${m.reference_top1.toFixed(2).padStart(9)} ${m.relative_improvement.toFixed(3).padStart(9)} ${m.reference_relative_improvement.toFixed(3).padStart(13)}` +
        `${m.run_id == null ? '' : `  run #${m.run_id}${engineOf(m.run_id)}`}${m.provisional ? ' (provisional: latest validation accuracy)' : ''}\n`,
    );
  }
  const boot = (k: 'pearson_r' | 'slope' | 'spearman_rho' | 'kendall_tau') => ci(r.ci[k]);
  out.write(
    `Pearson r ${f(r.pearson_r)} ${boot('pearson_r')}, slope ${f(r.slope)} ${boot('slope')} (n ${r.n_relative}, models other than AlexNet); intercept ${f(r.intercept)}; r2 ${f(r.r2)}\n`,
  );
  out.write(
    `Spearman rho ${f(r.spearman_rho)} ${boot('spearman_rho')}, Kendall tau-b ${f(r.kendall_tau)} ${boot('kendall_tau')} (n ${r.n}); same ranking: ${r.same_ranking ? 'yes' : 'no'}\n`,
  );
  const b = r.accuracy_fit.intercept;
  out.write(
    `accuracy on the line: top-1 = ${f(r.accuracy_fit.slope)} x ImageNet top-1 ${b == null ? '' : `${b < 0 ? '-' : '+'} ${Math.abs(b).toFixed(2)}`}, r ${f(r.accuracy_fit.pearson_r)} (n ${r.accuracy_fit.n})\n`,
  );
  if (r.n_provisional) out.write(`${r.n_provisional} model(s) provisional (still training)\n`);
}

function printWorkspaceText(w: WorkspaceRankings): void {
  if (w.dataset) process.stdout.write(`export: ${w.dataset}\n`);
  const engines = new Map(
    w.archs.flatMap((a) => a.runs.filter((r) => r.engine !== 'tfjs').map((r) => [r.id, r.engine] as const)),
  );
  printText(w.rankings!, engines);
  for (const n of w.notes) process.stdout.write(`note: ${n}\n`);
}

const collect = (v: string, prev: number[]) => {
  const id = Number(v);
  if (!Number.isInteger(id) || id <= 0) throw new UsageError(`--run: '${v}' is not a run id`);
  return [...prev, id];
};

export function register(program: Command): void {
  program
    .command('rankings')
    .description(
      'compare model rankings on the new dataset with the reference (torchvision ImageNet-1k top-1 by default)',
    )
    .argument(
      '[ws]',
      'workspace folder: one run per architecture, chosen as on the Rankings screen (its stored picks, else the newest finished run on the export most architectures finished on)',
    )
    .option('--results <csv>', 'results table instead of a workspace: columns arch,top1 (percent)')
    .option(
      '--reference <csv>',
      'reference table: columns arch and top1 or imagenet_top1 (default: bundled torchvision ImageNet-1k)',
    )
    .option(
      '--run <id>',
      'use this run for its architecture (repeatable; overrides the stored pick)',
      collect,
      [] as number[],
    )
    .option('--dataset <export>', 'compare the runs on this export (e.g. exports/selection-1-imagefolder-224)')
    .option(
      '--final-only',
      'leave out runs still training; without it they stand in with their latest validation accuracy, marked provisional',
    )
    .option('--resamples <n>', 'bootstrap resamples', parseIntOption('--resamples'), 2000)
    .option('--seed <n>', 'bootstrap seed', parseIntOption('--seed'), 0)
    .addOption(
      choiceOption(
        '--engine <e>',
        'only runs of this engine (default: either, whichever run the rule chooses)',
        ENGINES,
      ),
    )
    .option('--json', 'print JSON')
    .action(
      async (
        dir: string | undefined,
        o: {
          results?: string;
          reference?: string;
          run: number[];
          dataset?: string;
          finalOnly?: boolean;
          engine?: string;
          resamples: number;
          seed: number;
          json?: boolean;
        },
      ) => {
        if (!!dir === !!o.results) throw new UsageError('give either a workspace or --results FILE.csv');
        if (o.results && (o.run.length || o.dataset || o.finalOnly || o.engine))
          throw new UsageError('--run, --dataset, --final-only and --engine choose runs of a workspace');
        let reference;
        try {
          reference = readReference(o.reference);
        } catch (err) {
          throw new CommandFailed((err as Error).message);
        }
        const opts = { resamples: o.resamples, seed: o.seed };
        if (dir) {
          const out = await withWorkspace(dir, (ws) => {
            markRunsOfDeadJobs(ws.db);
            const all = rankingCandidates(ws.db);
            // --engine: that engine's runs only; a stored pick of the other engine's run falls back to the rule.
            const runs = o.engine ? all.filter((r) => r.engine === o.engine) : all;
            const stored = getRankingChoice(ws.db);
            const picks = Object.fromEntries(
              Object.entries(stored.picks).filter(([, id]) => runs.some((r) => r.id === id)),
            );
            for (const id of o.run) {
              const run = all.find((r) => r.id === id);
              if (!run) throw new CommandFailed(`--run ${id}: no such run in ${dir}`);
              if (!runs.includes(run)) throw new UsageError(`--run ${id} is a ${run.engine} run, not ${o.engine}`);
              picks[run.arch] = id;
            }
            const choice = {
              dataset: o.dataset ?? stored.dataset,
              picks,
              provisional: o.finalOnly ? false : stored.provisional,
            };
            return workspaceRankings(runs, reference, choice, opts);
          });
          if (o.json) printJson(out);
          if (!out.rankings) throw new CommandFailed(out.unavailable ?? 'no rankings');
          if (!o.json) printWorkspaceText(out);
          return;
        }
        let out: Rankings;
        try {
          out = computeRankings(readAccuracyCsv(o.results!), reference, opts);
        } catch (err) {
          if (err instanceof RankingsError || err instanceof Error) throw new CommandFailed(err.message);
          throw err;
        }
        if (o.json) printJson(out);
        else printText(out);
      },
    );
}
