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
import { ARCHITECTURES } from '../../native-workers/core/architectures/recipes.ts';
import { ARCH_NAMES } from '../../native-workers/core/architectures/types.ts';
import { TORCHVISION_MIN_INPUT, torchHyperparams } from '../../native-workers/core/training/torch-engine.ts';
import { runTrainerCommand } from '../../native-workers/io/torch-engine/trainer-process.ts';
import { repoRoot, runCli, tempDir } from '../helpers/workspace.ts';
import { writeFashionMnistExport } from '../helpers/fashion-mnist.ts';
import { torchPython, torchSkipReason, writeWebDatasetCopy } from '../helpers/torch.ts';

const skip = torchSkipReason();
const trainerDir = join(repoRoot, 'native-workers', 'trainers', 'torch');

test("the trainer's own tests pass (recipe objects against torchvision's references)", { skip }, () => {
  const r = spawnSync(torchPython, ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.'], { cwd: trainerDir, encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /Ran \d+ tests/);
});

test('the trainer lists an export and splits it exactly as the tfjs engine does (ImageFolder and WebDataset)', { skip }, async () => {
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
      const split = validationSplit(pool.map((x) => x.label), c.fraction, c.seed);
      const rows = (idx: number[]) => idx.map((i) => [describeRef(pool[i].ref), pool[i].label]);
      const args = ['split', '--export', c.root, '--val-fraction', String(c.fraction), '--seed', String(c.seed), ...(c.max ? ['--max-train-images', String(c.max)] : [])];
      const py = await runTrainerCommand(torchPython, args, 'split');
      assert.equal(py.format, data.format);
      assert.deepEqual(py.classes, data.classes);
      assert.deepEqual(py.train, rows(split.train), `${data.format}: training images`);
      assert.deepEqual(py.val, rows(split.val), `${data.format}: validation images`);
      assert.deepEqual(py.test, data.test.map((x) => [describeRef(x.ref), x.label]), `${data.format}: test images`);
      assert.ok(py.val.length > 0 && py.train.length > py.val.length);
    }
  } finally {
    dir.cleanup();
  }
});

test("`arch params --engine torch --json` counts torchvision's nine models exactly as the catalogue records them", { skip }, () => {
  const r = runCli(['arch', 'params', '--engine', 'torch', '--json'], { env: { IMAGENOT_PYTHON: torchPython } });
  assert.equal(r.code, 0, r.stderr);
  const counts = JSON.parse(r.stdout) as Record<string, number>;
  const expected: Record<string, number> = Object.fromEntries(ARCHITECTURES.map((a) => [a.arch, a.torchvisionParams]));
  expected.inception_v3_without_aux = 23_834_568;
  assert.deepEqual(counts, expected);
});

test("the local profile's inputs on the torch engine run torchvision's models, and the raised minimums are the smallest", { skip }, async () => {
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
    writeFileSync(join(fake, 'torch', '__init__.py'), 'raise ImportError("libtorch_cpu.so: cannot open shared object file")\n');
    const broken = runCli(['arch', 'params', '--engine', 'torch'], { env: { IMAGENOT_PYTHON: torchPython, PYTHONPATH: fake } });
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /cannot import PyTorch\/torchvision \(ImportError: libtorch_cpu\.so: cannot open shared object file\)/);
    assert.match(broken.stderr, /pip install torch torchvision; on Debian: apt-get install python3-torch python3-torchvision/);
    assert.match(broken.stderr, /--python or IMAGENOT_PYTHON/);

    const missing = runCli(['arch', 'params', '--engine', 'torch', '--python', join(dir.path, 'no-python')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no Python interpreter '.*no-python' \(not found\): install Python 3 with PyTorch and torchvision/);

    const usage = runCli(['train', dir.path, '--arch', 'alexnet', '--nproc', '2']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--nproc: only with --engine torch/);
  } finally {
    dir.cleanup();
  }
});

test('`arch recipe` writes the catalogue as the trainer reads it', { skip }, () => {
  const r = runCli(['arch', 'recipe', 'vit_b_16', '--epochs', '3', '--batch', '64']);
  assert.equal(r.code, 0, r.stderr);
  const hp = JSON.parse(r.stdout);
  assert.deepEqual(hp, torchHyperparams('vit_b_16', 'paper', { epochs: 3, batch: 64 }));
  assert.equal(hp.recipe.source, ARCHITECTURES.find((a) => a.arch === 'vit_b_16')!.recipe.source);
  const local = JSON.parse(runCli(['arch', 'recipe', 'inception_v3', '--profile', 'local']).stdout);
  assert.equal(local.inputSize, 75);
});
