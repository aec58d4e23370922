// `imagenot rankings WS --json` (from the workspace's finished runs) and
// `imagenot rankings --results FILE.csv [--reference FILE.csv] --json`: do the models rank as on ImageNet?
import type { Command } from 'commander';
import { computeRankings, RankingsError, type Rankings } from '../../core/stats/rankings.ts';
import { readAccuracyCsv, readReference } from '../../io/rankings/tables.ts';
import { finishedRunsByArch } from '../../store/runs.ts';
import { CommandFailed, parseIntOption, printJson, UsageError, withWorkspace } from '../context.ts';

function printText(r: Rankings): void {
  const f = (v: number | null, d = 3) => (v == null ? 'n/a' : v.toFixed(d));
  const out = process.stdout;
  out.write(`${'arch'.padEnd(20)} ${'top1'.padStart(7)} ${'ref top1'.padStart(9)} ${'rel.impr'.padStart(9)} ${'ref rel.impr'.padStart(13)}\n`);
  for (const m of [...r.models].sort((a, b) => b.top1 - a.top1)) {
    out.write(
      `${m.arch.padEnd(20)} ${m.top1.toFixed(2).padStart(7)} ${m.reference_top1.toFixed(2).padStart(9)} ${m.relative_improvement.toFixed(3).padStart(9)} ${m.reference_relative_improvement.toFixed(3).padStart(13)}\n`,
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
    .option('--json', 'print JSON')
    .action(async (dir: string | undefined, o: { results?: string; reference?: string; resamples: number; seed: number; json?: boolean }) => {
      if (!!dir === !!o.results) throw new UsageError('give either a workspace or --results FILE.csv');
      let reference;
      let results;
      try {
        reference = readReference(o.reference);
        results = o.results
          ? readAccuracyCsv(o.results)
          : await withWorkspace(dir!, (ws) => finishedRunsByArch(ws.db).map((r) => ({ arch: r.arch, top1: r.top1! })));
      } catch (err) {
        if (err instanceof UsageError) throw err;
        throw new CommandFailed((err as Error).message);
      }
      let out: Rankings;
      try {
        out = computeRankings(results, reference, { resamples: o.resamples, seed: o.seed });
      } catch (err) {
        if (err instanceof RankingsError) throw new CommandFailed(err.message);
        throw err;
      }
      if (o.json) printJson(out);
      else printText(out);
    });
}
