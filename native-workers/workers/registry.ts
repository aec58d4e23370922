// Every job kind and the module that runs it. Loaded lazily so a worker process only imports its own stage.
import type { WorkerDefinition } from '../jobs/worker-context.ts';

type Loader = () => Promise<{ default: WorkerDefinition<any> }>;

export const workerModules: Record<string, Loader> = {
  selftest: () => import('./selftest.ts'),
  match: () => import('./match.ts'),
  ingest: () => import('./ingest.ts'),
  fetch: () => import('./fetch.ts'),
  filter: () => import('./filter.ts'),
  clipscore: () => import('./clipscore.ts'),
  nsfw: () => import('./nsfw.ts'),
  ocr: () => import('./ocr.ts'),
  select: () => import('./select.ts'),
  export: () => import('./export.ts'),
  demo: () => import('./demo.ts'),
  train: () => import('./train.ts'),
  'train-torch': () => import('./train-torch.ts'),
};

export async function loadWorker(kind: string): Promise<WorkerDefinition<any>> {
  const load = workerModules[kind];
  if (!load) throw new Error(`unknown job kind '${kind}' (known: ${Object.keys(workerModules).sort().join(', ')})`);
  const mod = await load();
  return mod.default;
}
