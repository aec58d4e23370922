// Handlers of the demo channels. The demo runs as ordinary jobs, so the app shows its progress like any other job.
import type { ApiContext, Handlers } from './index.ts';
import type { demoChannels } from '../channels/demo.ts';
import { publicJob } from '../../store/jobs.ts';
import { ApiError } from '../dispatch.ts';
import { demoSettings, isEmptyWorkspace } from '../../workers/demo-inputs.ts';

export function demoHandlers({ ws, runner }: ApiContext): Pick<Handlers, keyof typeof demoChannels> {
  return {
    'demo.start': async ({ quick, seed }) => {
      if (!isEmptyWorkspace(ws))
        throw new ApiError('this workspace already holds data or jobs; the demo needs a new, empty workspace', 409);
      try {
        return publicJob(await runner.enqueue('demo', { phase: 'prepare', quick, seed }));
      } catch (err) {
        throw new ApiError((err as Error).message);
      }
    },
    'demo.status': async () => ({ canStart: isEmptyWorkspace(ws), demo: demoSettings(ws) ?? null }),
  };
}
