// `imagenot jobs log WS ID [--follow] [--tail N] [--level L] [--json]`: a job's log from the workspace's logs/
// folder (store/job-logs.ts), whichever process ran or runs the job. --follow keeps reading until the job ends.
import type { Command } from 'commander';
import { getJob } from '../../store/jobs.ts';
import {
  jobLogPath,
  LOG_LEVELS,
  readJobLog,
  readJobLogTail,
  type LogCursor,
  type LogLevel,
  type LogLine,
} from '../../store/job-logs.ts';
import type { Workspace } from '../../store/workspace.ts';
import { choiceOption, parseIntOption, UsageError, withWorkspace } from '../context.ts';
import { note } from '../output.ts';

const FOLLOW_MS = 500;

interface LogOptions {
  follow?: boolean;
  tail?: number;
  level: LogLevel;
  json?: boolean;
}

const isFinal = (state: string) => state !== 'queued' && state !== 'running';

function printer(o: LogOptions): (line: LogLine) => void {
  const min = LOG_LEVELS.indexOf(o.level);
  return (line) => {
    if (LOG_LEVELS.indexOf(line.level) < min) return;
    if (o.json) process.stdout.write(JSON.stringify(line) + '\n');
    else process.stdout.write(`${line.time ? `${line.time} ` : ''}${line.level.padEnd(5)} ${line.message}\n`);
  };
}

async function follow(ws: Workspace, id: number, from: LogCursor, print: (line: LogLine) => void): Promise<void> {
  let cursor = from;
  for (;;) {
    // The state is read before the log, so the lines written before the job ended are all read after it ended.
    const ended = isFinal(getJob(ws.db, id)?.state ?? 'failed');
    const read = readJobLog(ws.paths.logs, id, { from: cursor });
    read.lines.forEach(print);
    cursor = read.next;
    if (ended) return;
    await new Promise((r) => setTimeout(r, FOLLOW_MS));
  }
}

export function registerJobLog(jobs: Command): void {
  jobs
    .command('log')
    .description(
      "print a job's log: its start, what its worker reported (info, warn, error), progress once a minute and how it " +
        'ended, for every attempt; a long log keeps its first and its last lines',
    )
    .argument('<ws>', 'workspace folder')
    .argument('<id>', 'job id', parseIntOption('id'))
    .option('--follow', 'keep printing new lines until the job ends')
    .option('--tail <n>', 'start with the last N lines', parseIntOption('--tail'))
    .addOption(choiceOption('--level <level>', 'print lines at this level or above', LOG_LEVELS, 'info'))
    .option('--json', 'print one JSON object per line: {"time", "level", "message"}')
    .action(async (dir: string, id: number, o: LogOptions) => {
      if (o.tail != null && o.tail < 0) throw new UsageError(`--tail must be 0 or more, got ${o.tail}`);
      await withWorkspace(dir, async (ws) => {
        const job = getJob(ws.db, id);
        if (!job) throw new UsageError(`no job ${id} in ${ws.paths.root}`);
        const print = printer(o);
        const first = o.tail != null ? readJobLogTail(ws.paths.logs, id, o.tail) : readJobLog(ws.paths.logs, id);
        if (!first.exists && !o.follow) {
          note(
            job.state === 'queued'
              ? `job ${id} has not started yet: no log`
              : `job ${id} has no log (${jobLogPath(ws.paths.logs, id)} is missing)`,
          );
          return;
        }
        first.lines.forEach(print);
        if (o.follow) await follow(ws, id, first.next, print);
      });
    });
}
