// The demo through the API (what the app's first-launch offer calls): demo.status says an empty workspace can hold
// the demo, demo.start queues the `demo` job, whose prepare phase records the class rules (T-shirt and sandal excluded
// as ImageNet-1k synsets); a workspace with jobs or data refuses a second start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempWorkspace } from '../helpers/workspace.ts';
import { JobRunner } from '../../native-workers/jobs/runner.ts';
import { loadWorker } from '../../native-workers/workers/registry.ts';
import { createHandlers } from '../../native-workers/api/handlers/index.ts';
import { dispatch } from '../../native-workers/api/dispatch.ts';

test('demo.status and demo.start', { timeout: 120000 }, async () => {
  const ws = tempWorkspace();
  const runner = new JobRunner(ws, { workers: loadWorker, onlyIds: [] });
  const api = createHandlers({ ws, runner });
  try {
    assert.deepEqual(await dispatch(api, 'demo.status', {}), { canStart: true, demo: null });
    const job = (await dispatch(api, 'demo.start', { quick: true })) as {
      id: number;
      kind: string;
      params: { phase: string; quick: boolean };
    };
    assert.equal(job.kind, 'demo');
    assert.equal(job.params.phase, 'prepare');
    assert.equal(job.params.quick, true);

    // The prepare phase records the demo's settings and class rules before it writes images.
    let status: {
      canStart: boolean;
      demo: { classes: { wnid: string; eligible: boolean; reason: string | null }[]; archs: string[] } | null;
    };
    const deadline = Date.now() + 90000;
    do {
      await new Promise((r) => setTimeout(r, 500));
      status = (await dispatch(api, 'demo.status', {})) as typeof status;
    } while (!status.demo && Date.now() < deadline);
    assert.ok(status.demo, 'the demo job recorded its settings');
    assert.equal(status.canStart, false);
    assert.equal(status.demo.archs.length, 9);
    const excluded = status.demo.classes.filter((c) => !c.eligible);
    assert.deepEqual(excluded.map((c) => c.wnid).sort(), ['n03595614', 'n04133789']);
    assert.ok(excluded.every((c) => /ImageNet-1k/.test(c.reason ?? '')));

    runner.cancel(job.id);
    await runner.waitFor(job.id);
    await assert.rejects(dispatch(api, 'demo.start', {}), (err: Error & { status?: number }) => err.status === 409);
  } finally {
    await runner.stop();
    ws.cleanup();
  }
});
