// Handlers for dataset building: flag jobs, selection, export (jobs run in worker processes via the runner).
import type { ApiContext, Handlers } from './index.ts';
import type { datasetChannels } from '../channels/dataset.ts';
import { startJob } from './start-job.ts';
import { getSelection, selectionClasses } from '../../store/selection.ts';

export function datasetHandlers({ ws, runner }: ApiContext): Pick<Handlers, keyof typeof datasetChannels> {
  const start = (kind: string, params: Record<string, unknown>) => startJob(runner, kind, params);
  return {
    'dataset.select': async (req) => start('select', req),
    'dataset.classes': async () => {
      const selection = getSelection(ws.db);
      if (!selection) return { selectionId: null, scoreMode: null, classes: [] };
      const classes = selectionClasses(ws.db, selection.id).map(({ rank, wnid, name, score, kept, train, test }) => ({ rank, wnid, name, score, kept, train, test }));
      return { selectionId: selection.id, scoreMode: (selection.params.scoreMode as string | undefined) ?? null, classes };
    },
    'dataset.export': async (req) => start('export', req),
    'flags.start': async ({ kind }) => start(kind, {}),
  };
}
