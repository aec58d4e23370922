// `imagenot jobs WS`, `jobs cancel WS ID`, `jobs resume WS [ID]`, `jobs log WS ID` (job-log.ts).
import type { Command } from 'commander';
import { registerJobLog } from './job-log.ts';
import { getJob, listJobs, publicJob, requestCancel, type JobRow } from '../../store/jobs.ts';
import {
  CommandFailed,
  EXIT_FAILED,
  parseIntOption,
  printJson,
  runJobsToEnd,
  UsageError,
  withWorkspace,
} from '../context.ts';

/**
 * What `jobs resume WS` without an id runs again: every interrupted or failed job, oldest first, except a failed or
 * interrupted job that a later job of the same kind with the same parameters has since done (re-running the same
 * command is how most people retry). Cancelled jobs were stopped on purpose: they are resumed only by id.
 */
export function jobsToResume(jobs: JobRow[]): { resume: JobRow[]; superseded: { job: JobRow; by: JobRow }[] } {
  const oldestFirst = [...jobs].sort((a, b) => a.id - b.id);
  const resume: JobRow[] = [];
  const superseded: { job: JobRow; by: JobRow }[] = [];
  for (const job of oldestFirst) {
    if (job.state !== 'interrupted' && job.state !== 'failed') continue;
    const params = JSON.stringify(job.params);
    const by = oldestFirst.find(
      (j) => j.id > job.id && j.state === 'succeeded' && j.kind === job.kind && JSON.stringify(j.params) === params,
    );
    if (by) superseded.push({ job, by });
    else resume.push(job);
  }
  return { resume, superseded };
}

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
    .description(
      'run a job again from where it stopped: with an id, that interrupted, failed or cancelled job; without one, every ' +
        'interrupted or failed job, oldest first (not cancelled ones, and not one that a later run of the same command ' +
        'has since completed)',
    )
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
          const { resume, superseded } = jobsToResume(listJobs(ws.db));
          if (!opts.json) {
            for (const { job, by } of superseded)
              process.stdout.write(
                `job ${job.id} (${job.kind}): ${job.state}, since done by job ${by.id}; not resumed\n`,
              );
          }
          ids = resume.map((j) => j.id);
          if (!ids.length) return void (opts.json ? printJson([]) : process.stdout.write('nothing to resume\n'));
        }
        const out = await runJobsToEnd(ws, { resume: ids }, { quiet: opts.json });
        if (opts.json) printJson(out.jobs.map(publicJob));
        else for (const j of out.jobs) process.stdout.write(`job ${j.id} (${j.kind}): ${j.state}\n`);
        if (!out.ok) process.exitCode = EXIT_FAILED;
      });
    });

  registerJobLog(jobs);
}
