// Browser mode's cost over calling the API in process: the Curation screen's two hot calls (recounting classes on a
// slider move, one page of the grid deep in a 100k-item class) through `imagenot serve`'s HTTP route with its token,
// against the same handlers through api/dispatch.ts directly, on a generated 100k-candidate workspace.
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { openWorkspace } from '../native-workers/store/workspace.ts';
import { JobRunner } from '../native-workers/jobs/runner.ts';
import { loadWorker } from '../native-workers/workers/registry.ts';
import { createHandlers } from '../native-workers/api/handlers/index.ts';
import { dispatch } from '../native-workers/api/dispatch.ts';
import { startServer } from '../native-workers/server/server.ts';
import { buildCurationWorkspace, GENERATED_WNID } from '../test/helpers/curation-workspace.ts';
import { tempDir } from '../test/helpers/workspace.ts';
import { runStandalone, type BenchLine } from './types.ts';

const N = 100_000;

async function perCall(fn: (i: number) => Promise<unknown>, calls: number): Promise<number> {
  for (let i = 0; i < 3; i++) await fn(i); // warm-up (threshold index, statement cache, connection)
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) await fn(i);
  return (performance.now() - t0) / calls;
}

export async function run(): Promise<BenchLine[]> {
  const dir = tempDir('imagenot-bench-serve-');
  const root = join(dir.path, 'ws');
  await buildCurationWorkspace(root, N);
  const ws = openWorkspace(root);
  const runner = new JobRunner(ws, { workers: loadWorker });
  const server = await startServer({ ws, runner, rendererDir: null, port: 0 });
  const handlers = createHandlers({ ws, runner });
  // node:http with keep-alive (Node's fetch adds ~5 ms per call on this machine, which a browser does not).
  const agent = new Agent({ keepAlive: true });
  const http = (channel: string, payload: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      const body = JSON.stringify(payload);
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: `/api/${channel}`,
          method: 'POST',
          agent,
          headers: {
            authorization: `Bearer ${server.token}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const classes = (i: number) => ({ threshold: 0.3 + (i % 50) / 100 });
  const deepPage = (i: number) => ({
    wnid: GENERATED_WNID,
    sort: 'text',
    order: 'desc',
    offset: N - 120 - (i % 10) * 120,
    limit: 120,
  });
  try {
    const classesDirect = await perCall((i) => dispatch(handlers, 'curation.classes', classes(i)), 50);
    const classesHttp = await perCall((i) => http('curation.classes', classes(i)), 50);
    const pageDirect = await perCall((i) => dispatch(handlers, 'curation.items', deepPage(i)), 10);
    const pageHttp = await perCall((i) => http('curation.items', deepPage(i)), 10);
    return [
      {
        name: 'browser mode: curation.classes (100k candidates) per call over HTTP',
        value: classesHttp,
        unit: 'ms',
        reference: 'in-process dispatch',
        referenceValue: classesDirect,
        ratio: classesHttp / classesDirect,
      },
      {
        name: 'browser mode: curation.items 120 items at offset ~99,000 over HTTP',
        value: pageHttp,
        unit: 'ms',
        reference: 'in-process dispatch',
        referenceValue: pageDirect,
        ratio: pageHttp / pageDirect,
      },
    ];
  } finally {
    agent.destroy();
    await server.close();
    await runner.stop();
    ws.close();
    dir.cleanup();
  }
}

await runStandalone(import.meta.url, run);
