// All handlers: the per-area objects of handlers/*.ts merged into one. ApiContext is what a handler may use: the open workspace and the runner.
import type { ChannelName, ParsedRequestOf, ResponseOf } from '../contract.ts';
import type { Workspace } from '../../store/workspace.ts';
import type { JobRunner } from '../../jobs/runner.ts';
import { jobHandlers } from './jobs.ts';
import { sourceHandlers } from './sources.ts';
import { datasetHandlers } from './dataset.ts';
import { curationHandlers } from './curation.ts';
import { demoHandlers } from './demo.ts';
import { synsetHandlers } from './synsets.ts';
import { trainingHandlers } from './training.ts';

export interface ApiContext {
  ws: Workspace;
  runner: JobRunner;
}

export type Handlers = { [C in ChannelName]: (req: ParsedRequestOf<C>) => Promise<ResponseOf<C>> };

export function createHandlers(ctx: ApiContext): Handlers {
  return {
    ...jobHandlers(ctx),
    ...sourceHandlers(ctx),
    ...datasetHandlers(ctx),
    ...curationHandlers(ctx),
    ...demoHandlers(ctx),
    ...synsetHandlers(ctx),
    ...trainingHandlers(ctx),
  };
}
