// Handlers for dataset building: flag jobs, selection, export (jobs run in worker processes via the runner).
import type { ApiContext } from './index.ts';
import { publicJob } from '../../store/jobs.ts';
import { getSelection, selectionClasses } from '../../store/selection.ts';
import { ApiError } from '../dispatch.ts';

export function datasetHandlers({ ws, runner }: ApiContext) {
  const start = async (kind: string, params: Record<string, unknown>) => {
    try {
      return publicJob(await runner.enqueue(kind, params));
    } catch (err) {
      throw new ApiError((err as Error).message);
    }
  };
  return {
    'dataset.select': async (req: { threshold?: number; classes?: number; train?: number; test?: number; seed?: number }) => start('select', req),
    'dataset.classes': async () => {
      const selection = getSelection(ws.db);
      if (!selection) return { selectionId: null, scoreMode: null, classes: [] };
      const classes = selectionClasses(ws.db, selection.id).map(({ rank, wnid, name, score, kept, train, test }) => ({ rank, wnid, name, score, kept, train, test }));
      return { selectionId: selection.id, scoreMode: (selection.params.scoreMode as string | undefined) ?? null, classes };
    },
    'dataset.export': async (req: { format: 'imagefolder' | 'webdataset'; size?: number }) => start('export', req),
    'flags.start': async ({ kind }: { kind: 'nsfw' | 'ocr' }) => start(kind, {}),
  };
}
