// The training room's API handlers over a real workspace: arch.list, runs.list/metrics from stored runs,
// rankings.get (error without AlexNet, statistics with it), runs.start validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempWorkspace } from '../helpers/workspace.ts';
import { JobRunner } from '../../native-workers/jobs/runner.ts';
import { createHandlers } from '../../native-workers/api/handlers/index.ts';
import { channels } from '../../native-workers/api/contract.ts';
import { createRun, insertMetrics, updateRun } from '../../native-workers/store/runs.ts';

test('training handlers answer from the workspace and match their schemas', async () => {
  const ws = tempWorkspace();
  try {
    const h = createHandlers({ ws, runner: new JobRunner(ws) });
    const archs = await h['arch.list']({});
    assert.equal(archs.length, 9);
    assert.deepEqual(archs.find((a) => a.arch === 'resnet152'), { arch: 'resnet152', params: 60192808, imagenetTop1: 78.312 });
    channels['arch.list'].response.parse(archs);

    const noRuns = await h['rankings.get']({});
    assert.match((noRuns as { error: string }).error, /no alexnet/);

    const add = (arch: string, top1: number, status: 'succeeded' | 'failed' = 'succeeded') => {
      const id = createRun(ws.db, { jobId: null, arch, profile: 'local', dataset: 'exports/x', params: { lr: 0.1 } });
      updateRun(ws.db, id, { status, top1, top5: top1 + 10, ended: true, backend: 'wasm', epoch: 3 });
      return id;
    };
    add('alexnet', 30);
    add('vgg19', 35);
    const rn = add('resnet152', 20);
    add('resnet152', 45); // the latest finished run of an architecture counts
    add('mobilenet_v3_large', 99, 'failed'); // failed runs never count
    insertMetrics(ws.db, rn, [
      { step: 1, epoch: 0.5, name: 'loss', value: 2.3 },
      { step: 2, epoch: 1, name: 'loss', value: 2.1 },
    ]);
    const runs = await h['runs.list']({});
    assert.equal(runs.length, 5);
    channels['runs.list'].response.parse(runs);
    assert.deepEqual((await h['runs.metrics']({ runId: rn })).map((m) => m.value), [2.3, 2.1]);

    const r = await h['rankings.get']({});
    channels['rankings.get'].response.parse(r);
    const ok = r as { n: number; models: { arch: string; top1: number }[]; spearman_rho: number };
    assert.equal(ok.n, 3);
    assert.equal(ok.models.find((m) => m.arch === 'resnet152')!.top1, 45);
    assert.equal(ok.spearman_rho, 1);

    await assert.rejects(h['runs.start']({ archs: ['lenet'], profile: 'local', engine: 'tfjs' }), /invalid parameters for train:/);
    await assert.rejects(h['runs.start']({ archs: ['lenet'], profile: 'local', engine: 'torch' }), /invalid parameters for train-torch:/);
    await assert.rejects(h['runs.start']({ archs: ['alexnet'], profile: 'local', engine: 'tfjs', nproc: 2 }), /options of the torch engine/);
    assert.deepEqual(channels['runs.start'].request.parse({ archs: ['alexnet'] }), { archs: ['alexnet'], profile: 'local', engine: 'tfjs' });
  } finally {
    ws.cleanup();
  }
});
