// The PyTorch trainer's pieces against their sources of truth: its own unit tests (recipe objects vs torchvision's
// references), the export listing and validation split bit for bit against the TypeScript ones (ImageFolder and
// WebDataset), the parameter counts of torchvision's nine models against the catalogue, the smallest inputs
// core/training/torch-engine.ts assumes, and the errors a user without a working PyTorch gets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDatasetExport, describeRef } from '../../native-workers/io/train-data/export-dataset.ts';
import { validationSplit } from '../../native-workers/core/training/split.ts';
import { spread } from '../../native-workers/workers/training-run.ts';
import { ARCHITECTURES } from '../../native-workers/core/architectures/registry.ts';
import { ARCH_NAMES } from '../../native-workers/core/architectures/registry.ts';
import { TORCHVISION_MIN_INPUT, torchHyperparams } from '../../native-workers/core/training/torch-engine.ts';
import { runTrainerCommand } from '../../native-workers/io/torch-engine/trainer-process.ts';
import { repoRoot, runCli, tempDir } from '../helpers/workspace.ts';
import { writeFashionMnistExport } from '../helpers/fashion-mnist.ts';
import { torchPython, torchSkipReason, writeWebDatasetCopy } from '../helpers/torch.ts';

const skip = torchSkipReason();
const trainerDir = join(repoRoot, 'native-workers', 'trainers', 'torch');

test("the trainer's own tests pass (recipe objects against torchvision's references)", { skip }, () => {
  const r = spawnSync(torchPython, ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.'], {
    cwd: trainerDir,
    encoding: 'utf8',
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /Ran \d+ tests/);
});

test('the trainer lists an export and splits it exactly as the tfjs engine does (ImageFolder and WebDataset)', {
  skip,
}, async () => {
  const dir = tempDir();
  try {
    const folder = join(dir.path, 'imagefolder');
    await writeFashionMnistExport(folder, { trainPerClass: 23, testPerClass: 4, classes: 6, format: 'jpg' });
    const shards = join(dir.path, 'webdataset');
    await writeWebDatasetCopy(folder, shards, { shardSize: 40, seed: 5 });
    const cases = [
      { root: folder, fraction: 0.1, seed: 0, max: undefined },
      { root: shards, fraction: 0.25, seed: 7, max: 61 },
    ];
    for (const c of cases) {
      const data = readDatasetExport(c.root);
      const pool = spread(data.train, c.max);
      const split = validationSplit(
        pool.map((x) => x.label),
        c.fraction,
        c.seed,
      );
      const rows = (idx: number[]) => idx.map((i) => [describeRef(pool[i].ref), pool[i].label]);
      const args = [
        'split',
        '--export',
        c.root,
        '--val-fraction',
        String(c.fraction),
        '--seed',
        String(c.seed),
        ...(c.max ? ['--max-train-images', String(c.max)] : []),
      ];
      const py = await runTrainerCommand(torchPython, args, 'split');
      assert.equal(py.format, data.format);
      assert.deepEqual(py.classes, data.classes);
      assert.deepEqual(py.train, rows(split.train), `${data.format}: training images`);
      assert.deepEqual(py.val, rows(split.val), `${data.format}: validation images`);
      assert.deepEqual(
        py.test,
        data.test.map((x) => [describeRef(x.ref), x.label]),
        `${data.format}: test images`,
      );
      assert.ok(py.val.length > 0 && py.train.length > py.val.length);
    }
  } finally {
    dir.cleanup();
  }
});

test("`arch params --engine torch --json` counts torchvision's nine models exactly as the catalogue records them", {
  skip,
}, () => {
  const r = runCli(['arch', 'params', '--engine', 'torch', '--json'], { env: { IMAGENOT_PYTHON: torchPython } });
  assert.equal(r.code, 0, r.stderr);
  const counts = JSON.parse(r.stdout) as Record<string, number>;
  const expected: Record<string, number> = Object.fromEntries(ARCHITECTURES.map((a) => [a.arch, a.torchvisionParams]));
  expected.inception_v3_without_aux = 23_834_568;
  assert.deepEqual(counts, expected);
});

test("the local profile's inputs on the torch engine run torchvision's models, and the raised minimums are the smallest", {
  skip,
}, async () => {
  const pairs: string[] = [];
  for (const arch of ARCH_NAMES) {
    const size = torchHyperparams(arch, 'local', {}).inputSize;
    pairs.push(`${arch}:${size}`);
    const min = TORCHVISION_MIN_INPUT[arch];
    if (min) {
      assert.equal(size, min, `${arch}: the local input is raised to the minimum`);
      pairs.push(`${arch}:${min - 1}`);
    }
  }
  const { results } = await runTrainerCommand(torchPython, ['check-input', ...pairs], 'input');
  for (const r of results) {
    const tooSmall = TORCHVISION_MIN_INPUT[r.arch as keyof typeof TORCHVISION_MIN_INPUT] === r.size + 1;
    assert.equal(r.ok, !tooSmall, `${r.arch} at ${r.size} px: ${r.error ?? 'runs'}`);
  }
  assert.equal(torchHyperparams('alexnet', 'local', { inputSize: 96 }).inputSize, 96, 'an explicit input is kept');
  assert.equal(torchHyperparams('alexnet', 'paper', {}).inputSize, 224);
});

test('without a working PyTorch the error names what to install', { skip }, () => {
  const dir = tempDir();
  try {
    // A broken install: `import torch` fails inside the package.
    const fake = join(dir.path, 'site');
    mkdirSync(join(fake, 'torch'), { recursive: true });
    writeFileSync(
      join(fake, 'torch', '__init__.py'),
      'raise ImportError("libtorch_cpu.so: cannot open shared object file")\n',
    );
    const broken = runCli(['arch', 'params', '--engine', 'torch'], {
      env: { IMAGENOT_PYTHON: torchPython, PYTHONPATH: fake },
    });
    assert.equal(broken.code, 1);
    assert.match(
      broken.stderr,
      /cannot import PyTorch\/torchvision \(ImportError: libtorch_cpu\.so: cannot open shared object file\)/,
    );
    assert.match(
      broken.stderr,
      /pip install torch torchvision; on Debian: apt-get install python3-torch python3-torchvision/,
    );
    assert.match(broken.stderr, /--python or IMAGENOT_PYTHON/);

    const missing = runCli(['arch', 'params', '--engine', 'torch', '--python', join(dir.path, 'no-python')]);
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      /no Python interpreter '.*no-python' \(not found\): install Python 3 with PyTorch and torchvision/,
    );

    const usage = runCli(['train', dir.path, '--arch', 'alexnet', '--nproc', '2']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--nproc: only with --engine torch/);
  } finally {
    dir.cleanup();
  }
});

test('`arch recipe` writes the catalogue as the trainer reads it', { skip }, () => {
  const r = runCli([
    'arch',
    'recipe',
    'vit_b_16',
    '--profile',
    'paper',
    '--engine',
    'torch',
    '--epochs',
    '3',
    '--batch',
    '64',
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const hp = JSON.parse(r.stdout);
  assert.deepEqual(hp, torchHyperparams('vit_b_16', 'paper', { epochs: 3, batch: 64 }));
  assert.equal(hp.recipe.source, ARCHITECTURES.find((a) => a.arch === 'vit_b_16')!.recipe.source);
  assert.deepEqual(
    hp.differences.map((d: { field: string }) => d.field),
    ['batchSize', 'epochs'],
  );
  const local = JSON.parse(
    runCli(['arch', 'recipe', 'inception_v3', '--profile', 'local', '--engine', 'torch', '--json']).stdout,
  );
  assert.deepEqual([local.inputSize, local.evalSize], [75, 75]);
  assert.match(
    local.differences.find((d: { field: string }) => d.field === 'trainCropSize').why,
    /torchvision's full-size inception_v3, which needs at least 75 px/,
  );
  assert.equal(
    JSON.parse(runCli(['arch', 'recipe', 'inception_v3', '--json']).stdout).inputSize,
    32,
    'tfjs by default',
  );
  // --recipe sets fields as `train --recipe` does, each recorded with its reason; a field no recipe has is refused.
  const ta = JSON.parse(
    runCli(['arch', 'recipe', 'convnext_tiny', '--recipe', '{"autoAugment":"ta_wide","taTranslatePixels":4}', '--json'])
      .stdout,
  );
  assert.deepEqual([ta.recipe.autoAugment, ta.recipe.taTranslatePixels], ['ta_wide', 4]);
  assert.match(ta.differences.find((d: { field: string }) => d.field === 'taTranslatePixels').why, /set for this run/);
  const bad = runCli(['arch', 'recipe', 'convnext_tiny', '--recipe', '{"augmix":1}']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--recipe: .*augmix/);
  const text = runCli(['arch', 'recipe', 'alexnet']);
  assert.match(text.stdout, /^alexnet \(local\): \{/);
  assert.match(text.stdout, /\n {2}lrUpdate: "step" \(torchvision "epoch"\): /);
});

test('the trainer accepts every recipe of the catalogue (nine architectures, both profiles) and builds each of its pieces', {
  skip,
}, () => {
  const dir = tempDir();
  try {
    const files: string[] = [];
    for (const profile of ['paper', 'local'] as const) {
      for (const arch of ARCH_NAMES) {
        const file = join(dir.path, `${arch}-${profile}.json`);
        writeFileSync(file, JSON.stringify(torchHyperparams(arch, profile, {})));
        files.push(file);
      }
    }
    // Each piece as the trainer builds it: the transforms (run on an image), optimizer, scheduler, sampler, batch mix, EMA.
    const script = [
      'import json, sys, torch',
      'from PIL import Image',
      'from imagenot_torch import pipeline, recipe',
      'out = []',
      'for path in sys.argv[1:]:',
      '    hp = recipe.load_hyperparams(path)',
      '    image = Image.new("RGB", (hp["evalResize"] + 9, hp["evalResize"] + 5), (120, 60, 30))',
      '    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4))',
      '    opt = recipe.make_optimizer(model, hp)',
      '    sched = recipe.make_scheduler(opt, hp, 10)',
      '    sampler = recipe.make_sampler(hp, 1024, 1, 0)',
      '    policy = pipeline.auto_augment(hp)',
      '    out.append({"arch": hp["arch"], "profile": hp["profile"], "train": list(pipeline.train_transform(hp)(image).shape),',
      '                "eval": list(pipeline.eval_transform(hp)(image).shape), "optimizer": type(opt).__name__,',
      '                "groups": len(opt.param_groups), "sampler": type(sampler).__name__, "samples": len(sampler),',
      '                "policy": type(policy).__name__ if policy else None, "mix": recipe.make_batch_mix(hp, 10) is not None,',
      '                "ema": recipe.make_ema(model, hp, 1, hp["batch"], "cpu") is not None, "perStep": recipe.updates_per_epoch(hp, 10) > 1})',
      'print(json.dumps(out))',
    ].join('\n');
    const r = spawnSync(torchPython, ['-c', script, ...files], {
      cwd: trainerDir,
      encoding: 'utf8',
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    assert.equal(r.status, 0, r.stderr);
    const built = JSON.parse(r.stdout) as {
      arch: string;
      profile: string;
      train: number[];
      eval: number[];
      optimizer: string;
      groups: number;
      sampler: string;
      samples: number;
      policy: string | null;
      mix: boolean;
      ema: boolean;
      perStep: boolean;
    }[];
    assert.equal(built.length, 18);
    const policies: Record<string, string> = {
      imagenet: 'AutoAugment',
      ra: 'RandAugment',
      ta_wide: 'TrivialAugmentWide',
    };
    for (const b of built) {
      const hp = torchHyperparams(b.arch, b.profile as 'paper' | 'local', {});
      const r = hp.recipe;
      const what = `${b.arch} (${b.profile})`;
      assert.deepEqual(b.train, [3, hp.inputSize, hp.inputSize], `${what}: training crop`);
      assert.deepEqual(b.eval, [3, hp.evalSize, hp.evalSize], `${what}: evaluation crop`);
      assert.equal(b.optimizer, { sgd: 'SGD', rmsprop: 'RMSprop', adamw: 'AdamW' }[r.optimizer], what);
      assert.equal(b.groups, r.normWeightDecay == null ? 1 : 2, `${what}: weight decay groups`);
      assert.deepEqual(
        [b.sampler, b.samples],
        r.raReps > 0 ? ['RASampler', 1024] : ['DistributedSampler', 1024],
        `${what}: sampler`,
      );
      assert.equal(b.policy, r.autoAugment ? policies[r.autoAugment] : null, `${what}: auto-augment`);
      assert.equal(b.mix, r.mixupAlpha > 0 || r.cutmixAlpha > 0, `${what}: mixup/cutmix`);
      assert.equal(b.ema, r.ema != null, `${what}: EMA`);
      assert.equal(b.perStep, r.lrUpdate === 'step', `${what}: lr updates`);
    }
    // The paper recipes exercise what the local ones leave out.
    assert.ok(built.some((b) => b.profile === 'paper' && b.sampler === 'RASampler' && b.mix && b.ema));
  } finally {
    dir.cleanup();
  }
});
