// Every job kind and the module that runs it. Loaded lazily so a worker process only imports its own stage.
import { pathToFileURL } from 'node:url';
import type { WorkerDefinition } from '../jobs/worker-context.ts';
import { config } from '../config/settings.ts';

type Loader = () => Promise<{ default: WorkerDefinition<any> }>;

export const workerModules: Record<string, Loader> = {
  match: () => import('./match.ts'),
  ingest: () => import('./ingest.ts'),
  fetch: () => import('./fetch.ts'),
  filter: () => import('./filter.ts'),
  clipscore: () => import('./clipscore.ts'),
  nsfw: () => import('./nsfw.ts'),
  ocr: () => import('./ocr.ts'),
  select: () => import('./select.ts'),
  export: () => import('./export.ts'),
  candidates: () => import('./candidates.ts'),
  'model-import': () => import('./model-import.ts'),
  demo: () => import('./demo.ts'),
  train: () => import('./train.ts'),
  'train-torch': () => import('./train-torch.ts'),
};

/**
 * Job kinds a test suite adds (the job system's own tests need a kind they can crash and slow down at will):
 * IMAGENOT_TEST_WORKERS lists module files, separated like PATH, each default-exporting a worker definition.
 * Unset in normal use, so the product knows only the kinds above.
 */
async function testWorker(kind: string): Promise<WorkerDefinition<any> | undefined> {
  for (const file of config.testWorkers) {
    const def = ((await import(pathToFileURL(file).href)) as { default: WorkerDefinition<any> }).default;
    if (def?.kind === kind) return def;
  }
  return undefined;
}

export async function loadWorker(kind: string): Promise<WorkerDefinition<any>> {
  const load = Object.hasOwn(workerModules, kind) ? workerModules[kind] : undefined;
  if (load) return (await load()).default;
  const extra = await testWorker(kind);
  if (extra) return extra;
  throw new Error(`unknown job kind '${kind}' (known: ${Object.keys(workerModules).sort().join(', ')})`);
}
