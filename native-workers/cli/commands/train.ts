// `imagenot train WS|DATASET_DIR --arch A ...`: queue a training job and run it to the end in a worker process.
// WS: trains on the workspace's latest export (exports/<name>/ with the newest dataset.json). DATASET_DIR: an export
// folder anywhere; its runs go to the workspace given by --workspace (default DATASET_DIR/.imagenot-workspace,
// created on first use). Kill it and `imagenot jobs resume WS` continues from the last epoch checkpoint.
// --engine tfjs (default: TensorFlow.js, no Python needed) or torch (job `train-torch`: the PyTorch trainer with the
// user's Python, one rank or --nproc N ranks with DistributedDataParallel, CUDA when torch sees a GPU).
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DB_FILE } from '../../store/workspace.ts';
import { ARCH_NAMES } from '../../core/architectures/registry.ts';
import { ENGINES, runOfJob, type Engine } from '../../store/runs.ts';
import { TFJS_GPU_NOTICE, tfjsGpuBackendSelected } from '../../io/tf-engine/gpu-notice.ts';
import {
  choiceOption,
  EXIT_FAILED,
  parseFloatOption,
  parseIntOption,
  printJson,
  runJobsToEnd,
  UsageError,
  withWorkspace,
} from '../context.ts';

interface TrainOptions {
  arch: string;
  profile: string;
  epochs?: number;
  batch?: number;
  lr?: number;
  patience?: number;
  seed: number;
  inputSize?: number;
  valFraction?: number;
  maxTrainImages?: number;
  recipe?: string;
  workspace?: string;
  json?: boolean;
  engine: Engine;
  python?: string;
  nproc?: number;
  device?: string;
  amp?: string;
  channelsLast?: string;
  checkReplicas?: boolean;
}

const TORCH_ONLY = ['python', 'nproc', 'device', 'amp', 'channelsLast', 'checkReplicas'] as const;

/** The job kind and the engine's own parameters; refuses torch-only options on the tfjs engine. */
function engineJob(o: TrainOptions): { kind: string; params: Record<string, unknown> } {
  if (o.engine === 'tfjs') {
    const given = TORCH_ONLY.filter((k) => o[k] !== undefined);
    if (given.length)
      throw new UsageError(
        `${given.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')}: only with --engine torch`,
      );
    return { kind: 'train', params: {} };
  }
  if (o.nproc !== undefined && o.nproc < 1) throw new UsageError(`--nproc must be at least 1, got ${o.nproc}`);
  return {
    kind: 'train-torch',
    params: {
      python: o.python,
      nproc: o.nproc,
      device: o.device,
      amp: o.amp,
      channelsLast: o.channelsLast,
      checkReplicas: o.checkReplicas,
    },
  };
}

export function register(program: Command): void {
  program
    .command('train')
    .description("train an architecture on a dataset export (a workspace's latest export, or an export folder)")
    .argument('<target>', 'workspace folder, or a dataset export folder (ImageFolder or WebDataset)')
    .addOption(choiceOption('--arch <name>', 'architecture', ARCH_NAMES).makeOptionMandatory())
    .addOption(
      choiceOption(
        '--profile <p>',
        'local: scaled to train on a CPU in minutes; paper: full size, torchvision recipe',
        ['local', 'paper'],
        'local',
      ),
    )
    .option('--epochs <n>', 'epochs (default: the recipe)', parseIntOption('--epochs'))
    .option('--batch <n>', 'batch size (default: the recipe)', parseIntOption('--batch'))
    .option('--lr <x>', 'peak learning rate (default: the recipe)', parseFloatOption('--lr'))
    .option(
      '--patience <n>',
      'early stopping: epochs without validation improvement (default: 5)',
      parseIntOption('--patience'),
    )
    .option('--seed <n>', 'seed of weights, data order, augmentation and validation split', parseIntOption('--seed'), 0)
    .option('--input-size <n>', 'input side in pixels (default: the profile)', parseIntOption('--input-size'))
    .option(
      '--val-fraction <x>',
      'part of train held out for early stopping (default: 0.1)',
      parseFloatOption('--val-fraction'),
    )
    .option('--max-train-images <n>', 'use at most this many training images', parseIntOption('--max-train-images'))
    .option(
      '--recipe <json>',
      'recipe fields instead of the profile\'s, e.g. \'{"mixupAlpha":0.2,"autoAugment":"ta_wide"}\' (see `imagenot arch recipe`)',
    )
    .option(
      '--workspace <dir>',
      'workspace for runs when the target is a dataset folder (default: TARGET/.imagenot-workspace)',
    )
    .addOption(
      choiceOption(
        '--engine <e>',
        'tfjs: TensorFlow.js, built in; torch: PyTorch + torchvision with your Python (GPUs, several ranks)',
        ENGINES,
        'tfjs',
      ),
    )
    .option(
      '--python <path>',
      'torch: the Python with torch and torchvision (default: IMAGENOT_PYTHON, else python3 on PATH)',
    )
    .option(
      '--nproc <n>',
      'torch: ranks on this machine, DistributedDataParallel with NCCL on GPUs, gloo on CPU (default: 1)',
      parseIntOption('--nproc'),
    )
    .addOption(
      choiceOption('--device <d>', 'torch: auto is CUDA when torch sees a GPU (default: auto)', [
        'auto',
        'cpu',
        'cuda',
      ]),
    )
    .addOption(
      choiceOption(
        '--amp <when>',
        "torch on CUDA: mixed precision; recipe: where the recipe's reference command uses it (default: recipe)",
        ['recipe', 'on', 'off'],
      ),
    )
    .addOption(
      choiceOption(
        '--channels-last <when>',
        'torch on CUDA: channels-last layout; auto: for convolutional models (default: auto)',
        ['auto', 'off'],
      ),
    )
    .option(
      '--check-replicas',
      "torch with --nproc: after every step, record how far any rank's weights are from rank 0's (replica_max_abs_diff)",
    )
    .option('--json', 'print the finished run as JSON')
    .action(async (target: string, o: TrainOptions) => {
      const abs = resolve(target);
      if (!existsSync(abs)) throw new UsageError(`${target} does not exist`);
      const engineRun = engineJob(o);
      if (engineRun.kind === 'train' && tfjsGpuBackendSelected()) process.stderr.write(`${TFJS_GPU_NOTICE}\n`);
      const isWorkspace = existsSync(join(abs, DB_FILE));
      let recipe: unknown;
      if (o.recipe != null) {
        try {
          recipe = JSON.parse(o.recipe);
        } catch (err) {
          throw new UsageError(`--recipe is not JSON: ${(err as Error).message}`);
        }
      }
      const wsDir = isWorkspace ? abs : resolve(o.workspace ?? join(abs, '.imagenot-workspace'));
      const params = {
        arch: o.arch,
        profile: o.profile,
        dataset: isWorkspace ? undefined : abs,
        epochs: o.epochs,
        batch: o.batch,
        lr: o.lr,
        patience: o.patience,
        seed: o.seed,
        inputSize: o.inputSize,
        valFraction: o.valFraction,
        maxTrainImages: o.maxTrainImages,
        recipe,
        ...engineRun.params,
      };
      await withWorkspace(
        wsDir,
        async (ws) => {
          const out = await runJobsToEnd(ws, [{ kind: engineRun.kind, params }], { quiet: o.json });
          const job = out.jobs[0];
          const run = runOfJob(ws.db, job.id);
          const summary = {
            runId: run?.id ?? null,
            jobId: job.id,
            workspace: ws.paths.root,
            arch: o.arch,
            profile: o.profile,
            engine: run?.engine ?? o.engine,
            status: job.state,
            epochs: run?.epoch ?? 0,
            top1: run?.top1 ?? null,
            top5: run?.top5 ?? null,
            backend: run?.backend ?? null,
            error: job.error,
          };
          if (o.json) printJson(summary);
          else if (job.state === 'succeeded') {
            process.stdout.write(
              `run ${summary.runId} (${o.arch}, ${o.profile}): test top-1 ${summary.top1?.toFixed(2)}%, top-5 ${summary.top5?.toFixed(2)}% after ${summary.epochs} epochs on ${summary.engine} (${summary.backend})\n`,
            );
          } else
            process.stdout.write(
              `run ${summary.runId ?? '-'} (${o.arch}): ${job.state}${job.error ? `: ${job.error}` : ''}\n`,
            );
          if (!out.ok) process.exitCode = EXIT_FAILED;
        },
        { create: !isWorkspace },
      );
    });
}
