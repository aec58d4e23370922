// `imagenot jobs WS`, `jobs cancel WS ID`, `jobs resume WS [ID]`, `jobs log WS ID` (job-log.ts).
import type { Command } from 'commander';
import { registerJobLog } from './job-log.ts';
import { getJob, listJobs, publicJob, requestCancel } from '../../store/jobs.ts';
import { CommandFailed, EXIT_FAILED, parseIntOption, printJson, runJobsToEnd, UsageError, withWorkspace } from '../context.ts';

export function register(program: Command): void {
  const jobs = program
    .command('jobs')
    .description("list a workspace's jobs; cancel, resume, or read the log of one")
    // `jobs resume WS --json`: an option after a subcommand belongs to that subcommand, not to `jobs`.
    .enablePositionalOptions()
    .argument('<ws>', 'workspace folder')
    .option('--json', 'print JSON')
    .action(async (dir: string, opts: { json?: boolean }) => {
      await withWorkspace(dir, (ws) => {
        const list = listJobs(ws.db).map(publicJob);
        if (opts.json) return printJson(list);
        if (!list.length) return void process.stdout.write('no jobs\n');
        for (const j of list) {
          const progress = j.total ? `${j.done}/${j.total}` : `${j.done}`;
          process.stdout.write(`#${j.id}\t${j.kind}\t${j.state}\t${progress}\t${j.error ?? j.message ?? ''}\n`);
        }
      });
    });

  jobs
    .command('cancel')
    .description('cancel a queued or running job (the process running it stops at its next progress report)')
    .argument('<ws>', 'workspace folder')
    .argument('<id>', 'job id', parseIntOption('id'))
    .option('--json', 'print the job as JSON (a running job is still running, with its cancel requested)')
    .action(async (dir: string, id: number, o: { json?: boolean }) => {
      await withWorkspace(dir, (ws) => {
        const job = requestCancel(ws.db, id);
        if (!job) throw new CommandFailed(`no job ${id} in ${ws.paths.root}`);
        if (o.json) return printJson({ ...publicJob(job), cancelRequested: job.state === 'running' });
        process.stdout.write(`job ${id}: ${job.state === 'running' ? 'cancel requested' : job.state}\n`);
      });
    });

  jobs
    .command('resume')
    .description('run interrupted, failed or cancelled jobs again from where they stopped (all such jobs if no id)')
    .argument('<ws>', 'workspace folder')
    .argument('[id]', 'job id', parseIntOption('id'))
    .option('--json', 'print the final jobs as JSON')
    .action(async (dir: string, id: number | undefined, opts: { json?: boolean }) => {
      await withWorkspace(dir, async (ws) => {
        let ids: number[];
        if (id != null) {
          if (!getJob(ws.db, id)) throw new UsageError(`no job ${id} in ${ws.paths.root}`);
          ids = [id];
        } else {
          ids = listJobs(ws.db, { states: ['interrupted'] }).map((j) => j.id).reverse();
          if (!ids.length) return void process.stdout.write('nothing to resume\n');
        }
        const out = await runJobsToEnd(ws, { resume: ids }, { quiet: opts.json });
        if (opts.json) printJson(out.jobs.map(publicJob));
        else for (const j of out.jobs) process.stdout.write(`job ${j.id} (${j.kind}): ${j.state}\n`);
        if (!out.ok) process.exitCode = EXIT_FAILED;
      });
    });

  registerJobLog(jobs);
}
