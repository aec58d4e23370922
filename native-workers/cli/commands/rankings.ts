// `imagenot rankings WS --json` (from the workspace's finished runs) and
// `imagenot rankings --results FILE.csv [--reference FILE.csv] --json`: do the models rank as on ImageNet?
import type { Command } from 'commander';
import { computeRankings, RankingsError, type Rankings } from '../../core/stats/rankings.ts';
import { readAccuracyCsv, readReference } from '../../io/rankings/tables.ts';
import { ENGINES, type Engine } from '../../store/runs.ts';
import { rankWorkspaceRuns } from '../../api/handlers/training.ts';
import { CommandFailed, parseIntOption, printJson, UsageError, withWorkspace } from '../context.ts';

function printText(r: Rankings): void {
  const f = (v: number | null, d = 3) => (v == null ? 'n/a' : v.toFixed(d));
  const out = process.stdout;
  out.write(`${'arch'.padEnd(20)} ${'top1'.padStart(7)} ${'ref top1'.padStart(9)} ${'rel.impr'.padStart(9)} ${'ref rel.impr'.padStart(13)}\n`);
  for (const m of [...r.models].sort((a, b) => b.top1 - a.top1) as (Rankings['models'][number] & { engine?: string })[]) {
    out.write(
      `${(m.engine && m.engine !== 'tfjs' ? `${m.arch} [${m.engine}]` : m.arch).padEnd(20)} ${m.top1.toFixed(2).padStart(7)} ${m.reference_top1.toFixed(2).padStart(9)} ${m.relative_improvement.toFixed(3).padStart(9)} ${m.reference_relative_improvement.toFixed(3).padStart(13)}\n`,
    );
  }
  const ci = (k: keyof Rankings['ci']) => {
    const v = r.ci[k] as { low: number | null; high: number | null };
    return `[${f(v.low)}, ${f(v.high)}]`;
  };
  out.write(`n ${r.n}; Pearson r ${f(r.pearson_r)} ${ci('pearson_r')}; slope ${f(r.slope)} ${ci('slope')}; intercept ${f(r.intercept)}; r2 ${f(r.r2)}\n`);
  out.write(`Spearman rho ${f(r.spearman_rho)} ${ci('spearman_rho')}; Kendall tau-b ${f(r.kendall_tau)} ${ci('kendall_tau')}; same ranking: ${r.same_ranking ? 'yes' : 'no'}\n`);
}

export function register(program: Command): void {
  program
    .command('rankings')
    .description('compare model rankings on the new dataset with the reference (torchvision ImageNet-1k top-1 by default)')
    .argument('[ws]', 'workspace folder (uses the latest finished run of each architecture)')
    .option('--results <csv>', 'results table instead of a workspace: columns arch,top1 (percent)')
    .option('--reference <csv>', 'reference table: columns arch and top1 or imagenet_top1 (default: bundled torchvision ImageNet-1k)')
    .option('--resamples <n>', 'bootstrap resamples', parseIntOption('--resamples'), 2000)
    .option('--seed <n>', 'bootstrap seed', parseIntOption('--seed'), 0)
    .option('--engine <e>', "only this engine's runs (tfjs or torch); default: the latest run of each architecture, either engine")
    .option('--json', 'print JSON (each model with its runId and engine when from a workspace)')
    .action(async (dir: string | undefined, o: { results?: string; reference?: string; resamples: number; seed: number; engine?: string; json?: boolean }) => {
      if (!!dir === !!o.results) throw new UsageError('give either a workspace or --results FILE.csv');
      if (o.engine !== undefined && !(ENGINES as readonly string[]).includes(o.engine)) throw new UsageError(`--engine must be one of ${ENGINES.join(', ')}, got '${o.engine}'`);
      if (o.engine !== undefined && o.results) throw new UsageError('--engine selects runs of a workspace, not rows of --results');
      const opts = { resamples: o.resamples, seed: o.seed, engine: o.engine as Engine | undefined };
      let out: Rankings;
      try {
        const reference = readReference(o.reference);
        out = o.results
          ? computeRankings(readAccuracyCsv(o.results), reference, opts)
          : await withWorkspace(dir!, (ws) => rankWorkspaceRuns(ws.db, reference, opts));
      } catch (err) {
        if (err instanceof UsageError) throw err;
        if (err instanceof RankingsError) throw new CommandFailed(err.message);
        throw new CommandFailed((err as Error).message);
      }
      if (o.json) printJson(out);
      else printText(out);
    });
}
