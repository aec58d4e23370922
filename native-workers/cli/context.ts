// Shared plumbing for commands: exit codes, output, opening a workspace, running jobs with progress.
import { Option } from 'commander';
import { openWorkspace, type Workspace } from '../store/workspace.ts';
import { JobRunner } from '../jobs/runner.ts';
import { loadWorker } from '../workers/registry.ts';
import { countRejections, listRejections } from '../store/rejections.ts';
import { publicJob, type JobRow } from '../store/jobs.ts';
import { printable } from '../io/text.ts';
import { jobLogPath } from '../store/job-logs.ts';
import { recordSignal, verbosity } from './output.ts';

export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** A problem with how the command was called (exit code 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure the user should read (exit code 1), printed without a stack. */
export class CommandFailed extends Error {
  override name = 'CommandFailed';
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export async function withWorkspace<T>(
  dir: string,
  fn: (ws: Workspace) => Promise<T> | T,
  opts: { create?: boolean } = {},
): Promise<T> {
  const ws = openWorkspace(dir, opts);
  try {
    return await fn(ws);
  } finally {
    ws.close();
  }
}

export function parseIntOption(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n)) throw new UsageError(`${name} must be a whole number, got '${value}'`);
    return n;
  };
}

export function parseFloatOption(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n)) throw new UsageError(`${name} must be a number, got '${value}'`);
    return n;
  };
}

/** An option taking one of a fixed set of values: commander checks it (a usage error) and lists the choices in help. */
export function choiceOption(
  flags: string,
  description: string,
  choices: readonly string[],
  defaultValue?: string,
): Option {
  const option = new Option(flags, description).choices(choices);
  return defaultValue === undefined ? option : option.default(defaultValue);
}

/**
 * Progress display on stderr: a redrawn bar on a terminal, one line a second otherwise (logs, CI). Silent with
 * `quiet` (a command's --json) or --quiet, except for error lines.
 */
export class ProgressPrinter {
  private lastLine = 0;
  private readonly tty = process.stderr.isTTY === true;
  private readonly quiet: boolean;
  constructor(quiet: boolean) {
    this.quiet = quiet || verbosity() === 'quiet';
  }

  update(job: { id: number; kind: string }, done: number, total: number | null, message: string | null): void {
    if (this.quiet) return;
    const now = Date.now();
    const pct = total ? Math.min(100, (100 * done) / total) : null;
    const text = `[${job.kind} #${job.id}] ${total ? `${done}/${total} (${pct!.toFixed(1)}%)` : `${done}`}${message ? ` ${printable(message)}` : ''}`;
    if (this.tty) {
      const width = 24;
      const filled = pct == null ? 0 : Math.round((pct / 100) * width);
      const bar = pct == null ? '' : `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] `;
      process.stderr.write(`\r\x1b[K${bar}${text}`.slice(0, (process.stderr.columns ?? 120) + 8));
    } else if (now - this.lastLine >= 1000) {
      this.lastLine = now;
      process.stderr.write(text + '\n');
    }
  }

  /** A line of text; `error` lines are shown even when quiet. */
  line(text: string, level: 'info' | 'warn' | 'error' = 'info'): void {
    if (this.quiet && level !== 'error') return;
    if (this.tty) process.stderr.write('\r\x1b[K');
    // Job logs and rejections name files: their control characters must not reach the terminal.
    process.stderr.write(printable(text) + '\n');
  }
}

export interface JobOutcome {
  jobs: JobRow[];
  rejected: number;
  ok: boolean;
}

/**
 * Queue jobs (or resume existing ones) in this workspace and run them to the end in worker processes, showing
 * progress. A job another process (a running `serve`) claims first is followed to its end through the workspace, so
 * the command still reports and exits with how each job ended. ok = every job succeeded and none recorded rejections.
 */
export async function runJobsToEnd(
  ws: Workspace,
  work: { kind: string; params: unknown }[] | { resume: number[] },
  opts: { quiet?: boolean } = {},
): Promise<JobOutcome> {
  const runner = new JobRunner(ws, { workers: loadWorker, onlyIds: [] });
  const printer = new ProgressPrinter(!!opts.quiet);
  const kinds = new Map<number, string>();
  runner.on('progress', (p) =>
    printer.update({ id: p.jobId, kind: kinds.get(p.jobId) ?? 'job' }, p.done, p.total, p.message),
  );
  const verbose = verbosity() === 'verbose';
  runner.on('log', (l) => {
    const stamp = verbose ? `${new Date().toISOString()} ${l.level} ` : l.level === 'info' ? '' : `${l.level}: `;
    printer.line(`[job #${l.jobId}] ${stamp}${l.message}`, l.level);
  });
  runner.on('job', (j) => {
    kinds.set(j.id, j.kind);
    if (j.state === 'running' && verbose)
      printer.line(`[${j.kind} #${j.id}] running; its log: ${jobLogPath(ws.paths.logs, j.id)}`);
    if (j.state === 'failed') printer.line(`[${j.kind} #${j.id}] failed: ${j.error}`, 'error');
    else if (j.state === 'cancelled' || j.state === 'interrupted') printer.line(`[${j.kind} #${j.id}] ${j.state}`);
  });
  const ids: number[] = [];
  if ('resume' in work) {
    for (const id of work.resume) ids.push(runner.resume(id).id);
  } else {
    for (const w of work) ids.push((await runner.enqueue(w.kind, w.params)).id);
  }
  const stopOnSignal = (signal: NodeJS.Signals) => {
    recordSignal(signal);
    printer.line(
      `${signal}: cancelling this command's jobs (resume them with \`imagenot jobs resume\`); ${signal === 'SIGINT' ? 'Ctrl-C' : signal} again stops at once`,
    );
    // Ours, wherever they run: a job another process (a `serve`) picked up is cancelled through its row.
    for (const id of ids) runner.cancel(id);
    void runner.stop();
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  const jobs: JobRow[] = [];
  try {
    for (const id of ids) jobs.push(await runner.waitFor(id));
  } finally {
    process.off('SIGINT', stopOnSignal);
    process.off('SIGTERM', stopOnSignal);
  }
  let rejected = 0;
  for (const j of jobs) rejected += countRejections(ws.db, j.id);
  if (rejected > 0 && !opts.quiet) {
    const shown = jobs.flatMap((j) => listRejections(ws.db, { jobId: j.id, limit: 50 }));
    printer.line(`${rejected} item(s) rejected:`, 'error');
    for (const r of shown) printer.line(`  ${r.source}: ${r.item}: ${r.reason}`);
    if (rejected > shown.length) printer.line(`  ... and ${rejected - shown.length} more (imagenot status WS --json)`);
  }
  return { jobs, rejected, ok: jobs.every((j) => j.state === 'succeeded') && rejected === 0 };
}

/**
 * Run one job to its end for a command: prints the job as JSON with --json, fails (exit 1) naming how to resume when
 * it did not succeed, otherwise prints `describe(result)`; exit 1 when it recorded rejections.
 */
export async function runOneJob(
  dir: string,
  kind: string,
  params: Record<string, unknown>,
  json: boolean | undefined,
  describe: (result: any) => string,
): Promise<void> {
  await withWorkspace(dir, async (ws) => {
    const out = await runJobsToEnd(ws, [{ kind, params }], { quiet: json });
    const job = out.jobs[0];
    if (json) printJson(publicJob(job));
    if (job.state !== 'succeeded')
      throw new CommandFailed(
        `${kind} failed: ${job.error ?? job.state} (resume with \`imagenot jobs resume ${dir} ${job.id}\`)`,
      );
    if (!json) process.stdout.write(describe(job.result) + '\n');
    if (!out.ok) process.exitCode = EXIT_FAILED;
  });
}
