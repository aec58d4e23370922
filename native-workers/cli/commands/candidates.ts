// `imagenot candidates WS --out FILE.csv|FILE.parquet`: every candidate, one row each, for analysis elsewhere
// (workers/candidates.ts writes the table; the app runs the same as a job).
import type { Command } from 'commander';
import { extname } from 'node:path';
import { writeCandidatesTable } from '../../workers/candidates.ts';
import { CommandFailed, UsageError, withWorkspace } from '../context.ts';

export function register(program: Command): void {
  program
    .command('candidates')
    .description(
      'write every candidate (sample matched to one class) with source file, 0-based row, url, caption, wnid, lemmas, ' +
        'text/image similarity and encoders, NSFW/OCR flags, manual decision, and whether it is kept at the current threshold',
    )
    .argument('<ws>', 'workspace folder')
    .requiredOption('--out <file>', 'output file: .csv or .parquet')
    .option('--threshold <t>', 'threshold for the kept column (default: the workspace setting)', Number)
    .action(async (dir: string, o: { out: string; threshold?: number }) => {
      const ext = extname(o.out).toLowerCase();
      if (ext !== '.csv' && ext !== '.parquet')
        throw new UsageError(`--out must end in .csv or .parquet, got '${o.out}'`);
      if (o.threshold != null && !Number.isFinite(o.threshold)) throw new UsageError('--threshold must be a number');
      await withWorkspace(dir, async (ws) => {
        let r;
        try {
          r = await writeCandidatesTable(ws, o.out, { threshold: o.threshold });
        } catch (err) {
          throw new CommandFailed(`cannot write ${o.out}: ${(err as Error).message}`);
        }
        process.stderr.write(
          `${r.rows} candidates written to ${r.out}${r.threshold == null ? ' (no text filter yet: kept is false)' : ` (kept at threshold ${r.threshold})`}\n`,
        );
      });
    });
}
