// Starting a job from a handler: queue it on the runner and answer with the public job row. Unknown kinds and
// parameters the worker's zod schema refuses become a 400 ApiError carrying the runner's message.
import type { JobRunner } from '../../jobs/runner.ts';
import { publicJob, type PublicJob } from '../../store/jobs.ts';
import { ApiError } from '../dispatch.ts';

export async function startJob(runner: JobRunner, kind: string, params: unknown): Promise<PublicJob> {
  try {
    return publicJob(await runner.enqueue(kind, params));
  } catch (err) {
    throw new ApiError((err as Error).message);
  }
}
