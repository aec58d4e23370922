// Handlers for the job queue and the workspace status.
import type { ApiContext, Handlers } from './index.ts';
import type { jobChannels } from '../channels/jobs.ts';
import { getJob, listJobs, publicJob } from '../../store/jobs.ts';
import { workspaceStatus } from '../../store/status.ts';
import { readJobLog, readJobLogTail } from '../../store/job-logs.ts';
import { ApiError } from '../dispatch.ts';
import { startJob } from './start-job.ts';

export function jobHandlers({ ws, runner }: ApiContext): Pick<Handlers, keyof typeof jobChannels> {
  const existing = (id: number) => {
    const job = getJob(ws.db, id);
    if (!job) throw new ApiError(`no job ${id}`, 404);
    return job;
  };
  return {
    'status.get': async () => workspaceStatus(ws),
    'jobs.list': async ({ limit }) => listJobs(ws.db, { limit }).map(publicJob),
    'jobs.cancel': async ({ id }) => {
      existing(id);
      return publicJob(runner.cancel(id)!);
    },
    'jobs.resume': async ({ id }) => {
      existing(id);
      try {
        return publicJob(runner.resume(id));
      } catch (err) {
        throw new ApiError((err as Error).message, 409);
      }
    },
    'jobs.log': async ({ id, after, tail, limit }) => {
      const job = existing(id);
      // The state is read before the log: the runner writes a job's last line before its row says it ended.
      const ended = job.state !== 'queued' && job.state !== 'running';
      const fromTail = tail != null && !after;
      const read = fromTail
        ? readJobLogTail(ws.paths.logs, id, Math.min(tail, limit))
        : readJobLog(ws.paths.logs, id, { from: after, limit });
      return {
        id,
        lines: read.lines,
        next: read.next,
        more: !fromTail && read.lines.length === limit,
        dropped: read.dropped,
        ended,
      };
    },
    'jobs.start': async ({ kind, params }) => startJob(runner, kind, params),
  };
}
