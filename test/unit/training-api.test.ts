// The training API handlers over a real workspace: arch.list, the launch form's options, runs.list with each
// run's config and validation accuracy, metrics with their time, runs.start (refused without an export, engine and
// export passed through), excluding and deleting runs, and the rankings with their stored run choice — which
// `imagenot rankings WS --json` (a real process) prints identically.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempWorkspace } from '../helpers/workspace.ts';
import { JobRunner } from '../../native-workers/jobs/runner.ts';
import { loadWorker } from '../../native-workers/workers/registry.ts';
import { createHandlers } from '../../native-workers/api/handlers/index.ts';
import { channels } from '../../native-workers/api/contract.ts';
import { createRun, insertMetrics, updateRun } from '../../native-workers/store/runs.ts';
import { getJob } from '../../native-workers/store/jobs.ts';
import type { Workspace } from '../../native-workers/store/workspace.ts';

function addRun(
  ws: Workspace,
  arch: string,
  o: {
    top1?: number;
    status?: 'succeeded' | 'failed' | 'running';
    dataset?: string;
    epochs?: number;
    test?: number;
  } = {},
) {
  const params = {
    epochs: o.epochs ?? 6,
    batch: 32,
    lr: 0.05,
    seed: 0,
    patience: 5,
    inputSize: 32,
    dataset: { classes: 10, train: 540, val: 60, test: o.test ?? 200 },
    job: { arch },
  };
  const id = createRun(ws.db, { jobId: null, arch, profile: 'local', dataset: o.dataset ?? 'exports/a', params });
  const status = o.status ?? 'succeeded';
  updateRun(ws.db, id, {
    status,
    top1: status === 'succeeded' ? o.top1 : undefined,
    top5: o.top1 == null ? undefined : o.top1 + 10,
    ended: status !== 'running',
    backend: 'wasm',
    epoch: 3,
  });
  return id;
}

function writeExport(ws: Workspace, name: string): void {
  const dir = join(ws.paths.exports, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'dataset.json'),
    JSON.stringify({
      layout: 'imagefolder',
      seed: 0,
      threshold: 0.74,
      counts: { classes: 10, train: 600, test: 200 },
      classes: [],
    }),
  );
}

test('training handlers answer from the workspace and match their schemas', async () => {
  const ws = tempWorkspace();
  const runner = new JobRunner(ws, { workers: loadWorker });
  await runner.stop(); // queue jobs without running them
  try {
    const h = createHandlers({ ws, runner });
    const archs = await h['arch.list']({});
    assert.equal(archs.length, 9);
    assert.deepEqual(
      archs.find((a) => a.arch === 'resnet152'),
      { arch: 'resnet152', params: 60192808, imagenetTop1: 78.312 },
    );
    channels['arch.list'].response.parse(archs);

    // No runs: a neutral reason, not an error.
    const noRuns = await h['rankings.get']({});
    channels['rankings.get'].response.parse(noRuns);
    assert.deepEqual([noRuns.rankings, noRuns.unavailable], [null, 'no training runs yet']);

    // Without an export the form has nothing to train on and the API refuses.
    const empty = await h['runs.options']({ profile: 'local', engine: 'tfjs' });
    assert.deepEqual([empty.exports, empty.latest], [[], null]);
    assert.equal(empty.defaults.length, 9);
    assert.ok(
      empty.defaults.every((d) => d.epochs >= 1 && d.batch >= 1 && d.lr > 0 && d.inputSize === 32),
      JSON.stringify(empty.defaults[0]),
    );
    await assert.rejects(
      h['runs.start']({ archs: ['alexnet'], profile: 'local', engine: 'tfjs' }),
      /no dataset export in this workspace yet/,
    );
    const paper = await h['runs.options']({ profile: 'paper', engine: 'tfjs' });
    assert.equal(paper.defaults.find((d) => d.arch === 'inception_v3')!.inputSize, 299);
    // The torch engine trains torchvision's full-size models: its local AlexNet and Inception V3 inputs are their smallest.
    const torchLocal = await h['runs.options']({ profile: 'local', engine: 'torch' });
    assert.deepEqual(
      [
        torchLocal.defaults.find((d) => d.arch === 'alexnet')!.inputSize,
        torchLocal.defaults.find((d) => d.arch === 'inception_v3')!.inputSize,
      ],
      [63, 75],
    );
    assert.equal(channels['runs.options'].request.parse({}).engine, 'tfjs');

    writeExport(ws, 'selection-1-imagefolder-64');
    const options = await h['runs.options']({ profile: 'local', engine: 'tfjs' });
    channels['runs.options'].response.parse(options);
    assert.equal(options.latest, 'exports/selection-1-imagefolder-64');
    assert.deepEqual(
      [options.exports[0].classes, options.exports[0].train, options.exports[0].test, options.exports[0].threshold],
      [10, 600, 200, 0.74],
    );
    const [job] = await h['runs.start']({
      archs: ['alexnet'],
      profile: 'local',
      engine: 'torch',
      dataset: 'exports/selection-1-imagefolder-64',
      epochs: 3,
    });
    channels['runs.start'].response.parse([job]);
    // The torch engine is its own job kind, with its own defaults (one rank, the recipe's mixed precision).
    assert.equal(job.kind, 'train-torch');
    assert.deepEqual(getJob(ws.db, job.id)!.params, {
      arch: 'alexnet',
      profile: 'local',
      dataset: 'exports/selection-1-imagefolder-64',
      epochs: 3,
      seed: 0,
      nproc: 1,
      device: 'auto',
      amp: 'recipe',
      channelsLast: 'auto',
      checkReplicas: false,
    });

    const alex = addRun(ws, 'alexnet', { top1: 30 });
    addRun(ws, 'vgg19', { top1: 35 });
    const rnOld = addRun(ws, 'resnet152', { top1: 20, epochs: 60 });
    const rn = addRun(ws, 'resnet152', { top1: 45 });
    addRun(ws, 'mobilenet_v3_large', { status: 'failed' }); // failed runs never count
    const live = addRun(ws, 'convnext_tiny', { status: 'running' });
    insertMetrics(ws.db, rn, [
      { step: 1, epoch: 0.5, name: 'loss', value: 2.3 },
      { step: 2, epoch: 1, name: 'loss', value: 2.1 },
      { step: 2, epoch: 1, name: 'val_accuracy', value: 40 },
    ]);
    insertMetrics(ws.db, live, [
      { step: 5, epoch: 1, name: 'val_accuracy', value: 31 },
      { step: 10, epoch: 2, name: 'val_accuracy', value: 38.5 },
    ]);

    const runs = await h['runs.list']({});
    channels['runs.list'].response.parse(runs);
    assert.equal(runs.length, 6);
    const rnView = runs.find((r) => r.id === rn)!;
    assert.deepEqual(rnView.config, { epochs: 6, batch: 32, lr: 0.05, seed: 0, patience: 5, inputSize: 32 });
    assert.deepEqual(rnView.images, { classes: 10, train: 540, val: 60, test: 200 });
    assert.deepEqual(
      [rnView.engine, rnView.dataset, rnView.latestVal, rnView.excluded],
      ['tfjs', 'exports/a', 40, false],
    );
    assert.equal(runs.find((r) => r.id === live)!.latestVal, 38.5);

    const losses = await h['runs.metrics']({ runId: rn, names: ['loss'] });
    channels['runs.metrics'].response.parse(losses);
    assert.deepEqual(
      losses.map((m) => m.value),
      [2.3, 2.1],
    );
    assert.ok(
      losses.every((m) => m.time != null && Math.abs(m.time - Date.now() / 1000) < 600),
      'points carry the time they were recorded',
    );
    assert.equal((await h['runs.metrics']({ runId: rn })).length, 3);

    // The default rule: the newest finished run per architecture, the running one provisional.
    const r = await h['rankings.get']({});
    channels['rankings.get'].response.parse(r);
    const models = Object.fromEntries(r.rankings!.models.map((m) => [m.arch, m]));
    assert.deepEqual(Object.keys(models).sort(), ['alexnet', 'convnext_tiny', 'resnet152', 'vgg19']);
    assert.deepEqual([models.resnet152.run_id, models.resnet152.top1, models.resnet152.n], [rn, 45, 200]);
    assert.deepEqual(
      [models.convnext_tiny.provisional, models.convnext_tiny.top1, models.convnext_tiny.n],
      [true, 38.5, 60],
    );
    assert.equal(r.rankings!.n_provisional, 1);

    await assert.rejects(
      h['runs.start']({ archs: ['lenet'], profile: 'local', engine: 'tfjs' }),
      /invalid parameters for train:/,
    );
    await assert.rejects(
      h['runs.start']({ archs: ['lenet'], profile: 'local', engine: 'torch' }),
      /invalid parameters for train-torch:/,
    );
    await assert.rejects(
      h['runs.start']({ archs: ['alexnet'], profile: 'local', engine: 'tfjs', nproc: 2 }),
      /options of the torch engine/,
    );
    assert.deepEqual(channels['runs.start'].request.parse({ archs: ['alexnet'] }), {
      archs: ['alexnet'],
      profile: 'local',
      engine: 'tfjs',
    });

    // Pick the 60-epoch run by hand, final runs only: stored, and the CLI (a separate process) prints the same object.
    const chosen = await h['rankings.choose']({ arch: 'resnet152', runId: rnOld, provisional: false });
    assert.deepEqual([chosen.choice.picks, chosen.choice.provisional], [{ resnet152: rnOld }, false]);
    assert.equal(chosen.rankings!.models.find((m) => m.arch === 'resnet152')!.top1, 20);
    assert.equal(chosen.rankings!.n, 3);
    const cli = runCli(['rankings', ws.paths.root, '--json']);
    assert.equal(cli.code, 0, cli.stderr);
    assert.deepEqual(JSON.parse(cli.stdout), JSON.parse(JSON.stringify(await h['rankings.get']({}))));
    // The CLI's own flags choose without storing.
    const override = JSON.parse(runCli(['rankings', ws.paths.root, '--json', '--run', String(rn)]).stdout);
    assert.equal(override.rankings.models.find((m: { arch: string }) => m.arch === 'resnet152').top1, 45);
    await assert.rejects(h['rankings.choose']({ arch: 'vgg19', runId: rn }), /trains resnet152, not vgg19/);

    // Excluding a run hands its architecture to the next run by the rule.
    await h['rankings.choose']({ arch: 'resnet152', runId: null });
    const excluded = await h['runs.setExcluded']({ runId: rn, excluded: true });
    assert.equal(excluded.excluded, true);
    const after = await h['rankings.get']({});
    assert.equal(after.rankings!.models.find((m) => m.arch === 'resnet152')!.run_id, rnOld);
    assert.equal(after.archs.find((a) => a.arch === 'resnet152')!.runs.find((x) => x.id === rn)!.excluded, true);

    // Deleting: refused while training; otherwise metrics, folder and any pick go.
    await assert.rejects(h['runs.delete']({ runId: live }), /still training .* cancel it first/);
    await h['rankings.choose']({ arch: 'alexnet', runId: alex });
    mkdirSync(join(ws.paths.runs, String(alex), 'checkpoint'), { recursive: true });
    assert.deepEqual(await h['runs.delete']({ runId: alex }), { deleted: alex });
    assert.ok(!existsSync(join(ws.paths.runs, String(alex))));
    await assert.rejects(h['runs.metrics']({ runId: alex }), /no run/);
    const noAlex = await h['rankings.get']({});
    assert.deepEqual(noAlex.choice.picks, {});
    assert.equal(noAlex.rankings, null);
    assert.match(noAlex.unavailable!, /no alexnet/);
  } finally {
    ws.cleanup();
  }
});
