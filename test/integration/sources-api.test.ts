// The sources API through dispatch (schemas checked both ways) with a real runner: ingest job, sources, rejections.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { openWorkspace } from '../../native-workers/store/workspace.ts';
import { JobRunner } from '../../native-workers/jobs/runner.ts';
import { loadWorker } from '../../native-workers/workers/registry.ts';
import { createHandlers } from '../../native-workers/api/handlers/index.ts';
import { dispatch } from '../../native-workers/api/dispatch.ts';
import { tempDir } from '../helpers/workspace.ts';
import { metaRows, writeCsv } from '../helpers/ingest-fixtures.ts';

test('sources.ingest -> job; sources.list; rejections.list pages; sources.fetch validates its request', async () => {
  const dir = tempDir();
  const ws = openWorkspace(join(dir.path, 'ws'), { create: true });
  const runner = new JobRunner(ws, { workers: loadWorker }).start();
  try {
    const h = createHandlers({ ws, runner });
    const csv = join(dir.path, 'meta.csv');
    writeCsv(csv, metaRows(12, 'api'));
    const bad = join(dir.path, 'bad.jpg');
    writeFileSync(bad, 'not an image');
    const job = (await dispatch(h, 'sources.ingest', { paths: [csv, bad, join(dir.path, 'missing.tsv')] })) as {
      id: number;
      kind: string;
    };
    assert.equal(job.kind, 'ingest');
    const end = await runner.waitFor(job.id);
    assert.equal(end.state, 'succeeded', end.error ?? '');

    const sources = (await dispatch(h, 'sources.list', {})) as any[];
    const meta = sources.find((s) => s.path === csv);
    assert.deepEqual(
      { kind: meta.kind, rows: meta.rows, state: meta.state, samples: meta.samples },
      { kind: 'table', rows: 12, state: 'done', samples: 12 },
    );
    assert.equal(typeof meta.ingestedAt, 'string');

    const page = (await dispatch(h, 'rejections.list', { offset: 0, limit: 1 })) as { total: number; items: any[] };
    assert.equal(page.total, 2);
    assert.equal(page.items.length, 1);
    const all = (await dispatch(h, 'rejections.list', {})) as { total: number; items: any[] };
    assert.deepEqual(
      all.items.map((r) => [r.source, r.item]).sort(),
      [
        [bad, 'bad.jpg'],
        [join(dir.path, 'missing.tsv'), 'file'],
      ].sort(),
    );

    await assert.rejects(
      dispatch(h, 'sources.fetch', { concurrency: 0 }),
      /invalid request for sources.fetch: concurrency/,
    );
    await assert.rejects(dispatch(h, 'sources.ingest', { paths: [] }), /invalid request for sources.ingest: paths/);
    const fetchJob = (await dispatch(h, 'sources.fetch', { timeoutS: 0.5, retries: 0 })) as { id: number };
    const fetched = await runner.waitFor(fetchJob.id);
    assert.equal(fetched.state, 'succeeded', fetched.error ?? '');
    // example.invalid never resolves: every URL ends http_error, counted in the status.
    const status = (await dispatch(h, 'status.get', {})) as { fetch: Record<string, number> };
    assert.deepEqual(status.fetch, { http_error: 12 });
  } finally {
    await runner.stop();
    ws.close();
    dir.cleanup();
  }
});
