// The PyTorch engine end to end with real worker processes and Debian's CPU PyTorch, on Fashion-MNIST exports
// (ImageFolder and WebDataset): a torchvision model learns clearly above chance with its metrics in SQLite as tfjs
// runs have them; two gloo ranks (`--nproc 2`) keep identical weights after every step; cancel stops the trainer's
// whole process tree at once; SIGKILL of the CLI takes the trainer with it, and `jobs resume` continues the run from
// its last checkpoint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openWorkspace } from '../../native-workers/store/workspace.ts';
import { createRun, getRun, listRuns, runMetrics, updateRun } from '../../native-workers/store/runs.ts';
import { JobRunner } from '../../native-workers/jobs/runner.ts';
import { loadWorker } from '../../native-workers/workers/registry.ts';
import { listRejections } from '../../native-workers/store/rejections.ts';
import { shardName, writeShard } from '../../native-workers/io/dataset/webdataset.ts';
import { torchHyperparams } from '../../native-workers/core/training/torch-engine.ts';
import { learningRateAt } from '../../native-workers/core/training/schedule.ts';
import { runCli, tempDir } from '../helpers/workspace.ts';
import { writeFashionMnistExport } from '../helpers/fashion-mnist.ts';
import { killTrainingAfterCheckpoint, resumeKilledTraining } from '../helpers/resumed-run.ts';
import {
  binomialUpperTail,
  processesMentioning,
  torchPython,
  torchSkipReason,
  waitUntil,
  writeWebDatasetCopy,
} from '../helpers/torch.ts';

const skip = torchSkipReason();
const env = { IMAGENOT_PYTHON: torchPython };
process.env.IMAGENOT_PYTHON = torchPython; // for the in-process job runner's workers

/** Steps are numbered once: 1..n, nothing doubled or missing. */
function assertContiguousSteps(steps: number[]): void {
  assert.deepEqual(
    steps,
    Array.from({ length: steps.length }, (_, i) => i + 1),
  );
}

test('a torchvision DenseNet-161 learns Fashion-MNIST clearly above chance on the torch engine, recorded like a tfjs run', {
  skip,
}, async (t) => {
  const dir = tempDir();
  try {
    const data = join(dir.path, 'fmnist');
    await writeFashionMnistExport(data, { trainPerClass: 60, testPerClass: 20, classes: 5 });
    const wsDir = join(dir.path, 'ws');
    const args = ['--arch', 'densenet161', '--engine', 'torch', '--epochs', '4', '--batch', '32', '--lr', '0.01'];
    const r = runCli(['train', data, '--workspace', wsDir, ...args, '--json'], { env });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.status, 'succeeded', out.error);
    assert.equal(out.engine, 'torch');
    assert.equal(out.backend, 'cpu');
    // 5 classes, 100 test images: is the number right a plausible draw at chance (20%)?
    const correct = Math.round(out.top1);
    const p = binomialUpperTail(correct, 100, 0.2);
    assert.ok(
      p < 1e-4,
      `test top-1 ${out.top1}% on 100 images: P(>= ${correct} right at chance) = ${p.toExponential(2)}`,
    );
    t.diagnostic(
      `test top-1 ${out.top1}% / top-5 ${out.top5}% on 100 images, chance 20%: P(>= ${correct} right at chance) = ${p.toExponential(2)}`,
    );
    assert.ok(out.top5 >= out.top1);

    const ws = openWorkspace(wsDir);
    try {
      const run = getRun(ws.db, out.runId)!;
      assert.equal(run.engine, 'torch');
      assert.equal(run.epoch, 4);
      assert.equal(run.profile, 'local');
      const params = run.params as {
        lr: number;
        dataset: { train: number; val: number; format: string };
        engine: { backend: string; torch: string; worldSize: number };
      };
      assert.equal(params.lr, 0.01);
      assert.equal(params.dataset.train + params.dataset.val, 300);
      assert.equal(params.dataset.format, 'imagefolder');
      assert.equal(params.engine.backend, 'cpu');
      assert.equal(params.engine.worldSize, 1);
      const names = new Set(runMetrics(ws.db, run.id).map((m) => m.name));
      for (const n of [
        'loss',
        'accuracy',
        'lr',
        'images_per_s',
        'train_loss',
        'train_accuracy',
        'epoch_images_per_s',
        'val_loss',
        'val_accuracy',
        'test_top1',
        'test_top5',
      ]) {
        assert.ok(names.has(n), `metric ${n}`);
      }
      assert.equal(runMetrics(ws.db, run.id, 'val_accuracy').length, 4, 'one validation point per epoch');
      assert.equal(runMetrics(ws.db, run.id, 'test_top1')[0].value, out.top1);
      assertContiguousSteps(runMetrics(ws.db, run.id, 'loss').map((m) => m.step));
      // The recipe came from the catalogue as data, and its schedule ran as the tfjs engine runs it: the local recipe
      // moves the lr every step (lrUpdate 'step'), step b of epoch e at learningRateAt(e + b / steps per epoch).
      const hp = torchHyperparams('densenet161', 'local', { epochs: 4, batch: 32, lr: 0.01 });
      assert.equal(hp.recipe.lrUpdate, 'step');
      const runDir = join(wsDir, 'runs', String(run.id));
      assert.deepEqual(JSON.parse(readFileSync(join(runDir, 'recipe.json'), 'utf8')), hp);
      const lrs = runMetrics(ws.db, run.id, 'lr');
      const stepsPerEpoch = lrs.length / 4;
      assert.equal(stepsPerEpoch, Math.ceil(params.dataset.train / 32));
      for (const m of lrs) {
        const at = m.epoch - 1 / stepsPerEpoch;
        assert.ok(
          Math.abs(m.value - learningRateAt(hp.recipe, at)) < 1e-9,
          `lr at step ${m.step}: ${m.value} vs ${learningRateAt(hp.recipe, at)}`,
        );
      }
      assert.ok(new Set(lrs.slice(0, stepsPerEpoch).map((m) => m.value)).size > 1, 'the lr moves within an epoch');
      assert.ok(existsSync(join(runDir, 'checkpoint.pt')) && existsSync(join(runDir, 'best.pt')));

      // The engine shows per run in `status --json` and `rankings --json` (beside a tfjs AlexNet baseline).
      // (on the same export: the rankings compare the runs of one export)
      const alex = createRun(ws.db, {
        jobId: null,
        arch: 'alexnet',
        profile: 'local',
        dataset: run.dataset,
        params: {},
      });
      updateRun(ws.db, alex, { status: 'succeeded', top1: 30, top5: 90, ended: true });
    } finally {
      ws.close();
    }
    // status --json: each run's engine, and the torch run's resolved recipe with its differences, as for a tfjs run.
    const status = JSON.parse(runCli(['status', wsDir, '--json']).stdout);
    assert.deepEqual(
      status.runs.map((x: { arch: string; engine: string }) => [x.arch, x.engine]),
      [
        ['densenet161', 'torch'],
        ['alexnet', 'tfjs'],
      ],
    );
    const torchStatus = status.runs[0] as { recipe: { lrUpdate: string; lr: number }; recipe_differences: string[] };
    assert.deepEqual([torchStatus.recipe.lrUpdate, torchStatus.recipe.lr], ['step', 0.01]);
    for (const f of ['lr', 'epochs', 'batchSize', 'lrUpdate', 'trainCropSize'])
      assert.ok(torchStatus.recipe_differences.includes(f), `difference ${f}`);
    const rankings = runCli(['rankings', wsDir, '--json']);
    assert.equal(rankings.code, 0, rankings.stderr);
    const ranked = JSON.parse(rankings.stdout) as {
      rankings: { models: { arch: string; run_id: number }[] };
      archs: { arch: string; runs: { id: number; engine: string }[] }[];
    };
    const engineOf = (id: number) => ranked.archs.flatMap((a) => a.runs).find((x) => x.id === id)!.engine;
    assert.deepEqual(ranked.rankings.models.map((m) => [m.arch, engineOf(m.run_id)]).sort(), [
      ['alexnet', 'tfjs'],
      ['densenet161', 'torch'],
    ]);
    assert.equal(ranked.rankings.models.find((m) => m.arch === 'densenet161')!.run_id, out.runId);
    assert.match(runCli(['rankings', wsDir]).stdout, new RegExp(`run #${out.runId} \\(torch\\)`));
    const torchOnly = runCli(['rankings', wsDir, '--engine', 'torch', '--json']);
    assert.equal(torchOnly.code, 1, 'no torch AlexNet baseline');
    assert.match(JSON.parse(torchOnly.stdout).unavailable, /alexnet/i);
    const pickOther = runCli(['rankings', wsDir, '--engine', 'torch', '--run', '2']);
    assert.equal(pickOther.code, 2);
    assert.match(pickOther.stderr, /--run 2 is a tfjs run, not torch/);
  } finally {
    dir.cleanup();
  }
});

test("--profile paper runs a paper recipe's regularisation on the torch engine (ConvNeXt: RA sampler, TrivialAugmentWide, Mixup/CutMix, erasing, EMA, AdamW with norm groups)", {
  skip,
}, async () => {
  const dir = tempDir();
  try {
    const data = join(dir.path, 'fmnist');
    await writeFashionMnistExport(data, { trainPerClass: 60, testPerClass: 4, classes: 5 });
    const wsDir = join(dir.path, 'ws');
    // 64 px instead of 176 and two epochs, so a CPU runs it; 270 training images give the RA sampler 256 per epoch.
    const overrides = { epochs: 2, batch: 32, inputSize: 64 };
    const args = [
      '--arch',
      'convnext_tiny',
      '--profile',
      'paper',
      '--engine',
      'torch',
      '--epochs',
      '2',
      '--batch',
      '32',
      '--input-size',
      '64',
    ];
    const r = runCli(['train', data, '--workspace', wsDir, ...args, '--json'], { env });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.status, 'succeeded', out.error);
    const hp = torchHyperparams('convnext_tiny', 'paper', overrides);
    const rec = hp.recipe;
    assert.deepEqual(
      [
        rec.raReps,
        rec.autoAugment,
        rec.mixupAlpha,
        rec.cutmixAlpha,
        rec.randomErase,
        rec.normWeightDecay,
        rec.lrUpdate,
      ],
      [4, 'ta_wide', 0.2, 1, 0.1, 0, 'epoch'],
    );
    assert.ok(hp.ema);
    const ws = openWorkspace(wsDir);
    try {
      const run = getRun(ws.db, out.runId)!;
      const params = run.params as { recipe: typeof rec; differences: { field: string }[]; dataset: { train: number } };
      assert.deepEqual(params.recipe, rec, 'the run records the recipe that ran');
      assert.deepEqual(params.differences.map((d) => d.field).sort(), [
        'batchSize',
        'epochs',
        'trainCropSize',
        'valCropSize',
        'valResizeSize',
      ]);
      assert.equal(params.dataset.train, 270);
      // The RA sampler: floor(270 / 256) * 256 = 256 samples per epoch, 8 steps of 32; the lr moves once per epoch.
      const lrs = runMetrics(ws.db, run.id, 'lr');
      assert.equal(lrs.length, 16);
      for (const m of lrs)
        assert.ok(Math.abs(m.value - learningRateAt(rec, Math.ceil(m.epoch) - 1)) < 1e-12, `lr at step ${m.step}`);
      // The EMA is what is validated; the trained weights' accuracy is recorded beside it, as train.py reports both.
      assert.equal(runMetrics(ws.db, run.id, 'val_accuracy').length, 2);
      assert.equal(runMetrics(ws.db, run.id, 'val_accuracy_model').length, 2);
    } finally {
      ws.close();
    }
  } finally {
    dir.cleanup();
  }
});

test('--nproc 2 (two gloo ranks, WebDataset export with an unreadable image): identical weights after every step', {
  skip,
}, async (t) => {
  const dir = tempDir();
  try {
    const folder = join(dir.path, 'fmnist');
    await writeFashionMnistExport(folder, { trainPerClass: 20, testPerClass: 4, classes: 5, format: 'jpg' });
    const shards = join(dir.path, 'shards');
    await writeWebDatasetCopy(folder, shards, { shardSize: 30, seed: 1 });
    // One more training sample whose "JPEG" is not an image: it is reported and left out; the run goes on.
    await writeShard(shards, shardName('train', 99), [
      { key: 'broken', jpeg: Buffer.from('not a jpeg at all'), classIndex: 0, json: {} },
    ]);
    const wsDir = join(dir.path, 'ws');
    const r = runCli(
      [
        'train',
        shards,
        '--workspace',
        wsDir,
        '--arch',
        'mobilenet_v3_large',
        '--engine',
        'torch',
        '--nproc',
        '2',
        '--check-replicas',
        '--epochs',
        '1',
        '--batch',
        '16',
        '--val-fraction',
        '0.2',
        '--json',
      ],
      { env },
    );
    assert.equal(r.code, 1, `a rejected image makes the command exit 1:\n${r.stderr}`);
    const out = JSON.parse(r.stdout);
    assert.equal(out.status, 'succeeded', out.error);
    const ws = openWorkspace(wsDir);
    try {
      const rejected = listRejections(ws.db);
      assert.equal(rejected.length, 1, JSON.stringify(rejected));
      assert.equal(rejected[0].item, `${join(shards, shardName('train', 99))}#broken`);
      assert.match(rejected[0].reason, /cannot identify image/);
      const run = getRun(ws.db, out.runId)!;
      const params = run.params as {
        dataset: { format: string; train: number; val: number };
        engine: { worldSize: number };
      };
      assert.equal(params.dataset.format, 'webdataset');
      assert.equal(params.dataset.train + params.dataset.val, 101);
      assert.equal(params.engine.worldSize, 2);
      const losses = runMetrics(ws.db, run.id, 'loss');
      const diffs = runMetrics(ws.db, run.id, 'replica_max_abs_diff');
      // About 81 training images over 2 ranks, 8 per rank and step: 5 steps (a last batch of one is skipped).
      assert.equal(losses.length, 5);
      assert.deepEqual(
        diffs.map((d) => d.step),
        losses.map((l) => l.step),
        'checked after every step',
      );
      for (const d of diffs) assert.equal(d.value, 0, `step ${d.step}: ranks differ by ${d.value}`);
      t.diagnostic(
        `2 gloo ranks, ${diffs.length} steps: largest weight difference between the ranks ${Math.max(...diffs.map((d) => d.value))}`,
      );
    } finally {
      ws.close();
    }
  } finally {
    dir.cleanup();
  }
});

test("cancel stops the trainer's whole process tree at once", { skip }, async () => {
  const dir = tempDir();
  const ws = openWorkspace(join(dir.path, 'ws'), { create: true });
  try {
    const data = join(dir.path, 'fmnist');
    await writeFashionMnistExport(data, { trainPerClass: 30, testPerClass: 2, classes: 4 });
    const runner = new JobRunner(ws, { workers: loadWorker }).start();
    const job = await runner.enqueue('train-torch', {
      arch: 'mobilenet_v3_large',
      dataset: data,
      epochs: 50,
      batch: 8,
      decodeWorkers: 1,
    });
    await new Promise<void>((resolve) =>
      runner.on('event', (e) => e.jobId === job.id && e.name === 'run.metric' && resolve()),
    );
    const runDir = join(ws.paths.runs, String(listRuns(ws.db)[0].id));
    assert.ok(processesMentioning(runDir).length >= 2, 'the trainer and its data worker are running');
    runner.cancel(job.id);
    const end = await runner.waitFor(job.id);
    assert.equal(end.state, 'cancelled');
    assert.equal(listRuns(ws.db)[0].status, 'cancelled');
    assert.ok(
      await waitUntil(() => processesMentioning(runDir).length === 0, 3000),
      `still running: ${processesMentioning(runDir).join(', ')}`,
    );
    await runner.stop();
  } finally {
    ws.close();
    dir.cleanup();
  }
});

test('SIGKILL of the CLI takes the trainer with it; `jobs resume` continues from the checkpoint and finishes', {
  skip,
}, async () => {
  const dir = tempDir();
  try {
    const data = join(dir.path, 'fmnist');
    await writeFashionMnistExport(data, { trainPerClass: 20, testPerClass: 4, classes: 4 });
    const wsDir = join(dir.path, 'ws');
    const epochs = 3;
    const killedAfter = await killTrainingAfterCheckpoint(wsDir, [
      data,
      '--arch',
      'mobilenet_v3_large',
      '--engine',
      'torch',
      '--epochs',
      String(epochs),
      '--batch',
      '16',
      '--val-fraction',
      '0.2',
    ]);
    assert.ok(killedAfter >= 1 && killedAfter < epochs, `killed after epoch ${killedAfter}`);
    // The trainer is in its own process group: it notices its parent is gone and stops by itself.
    assert.ok(
      await waitUntil(() => processesMentioning(wsDir).length === 0, 10000),
      `orphaned: ${processesMentioning(wsDir).join(', ')}`,
    );

    const run = resumeKilledTraining(wsDir, { epochs, killedAfter, env });
    const ws = openWorkspace(wsDir);
    try {
      assert.equal(run.engine, 'torch');
      assert.equal(runMetrics(ws.db, run.id, 'test_top1').length, 1);
    } finally {
      ws.close();
    }
  } finally {
    dir.cleanup();
  }
});
