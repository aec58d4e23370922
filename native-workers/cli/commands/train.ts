// `imagenot train WS|DATASET_DIR --arch A ...`: queue a training job and run it to the end in a worker process.
// WS: trains on the workspace's latest export (exports/<name>/ with the newest dataset.json). DATASET_DIR: an export
// folder anywhere; its runs go to the workspace given by --workspace (default DATASET_DIR/.imagenot-workspace,
// created on first use). Kill it and `imagenot jobs resume WS` continues from the last epoch checkpoint.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DB_FILE } from '../../store/workspace.ts';
import { ARCH_NAMES } from '../../core/architectures/registry.ts';
import { runOfJob } from '../../store/runs.ts';
import { choiceOption, EXIT_FAILED, parseFloatOption, parseIntOption, printJson, runJobsToEnd, UsageError, withWorkspace } from '../context.ts';

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
}

export function register(program: Command): void {
  program
    .command('train')
    .description("train an architecture on a dataset export (a workspace's latest export, or an export folder)")
    .argument('<target>', 'workspace folder, or a dataset export folder (ImageFolder or WebDataset)')
    .addOption(choiceOption('--arch <name>', 'architecture', ARCH_NAMES).makeOptionMandatory())
    .addOption(choiceOption('--profile <p>', 'local: scaled to train on a CPU in minutes; paper: full size, torchvision recipe', ['local', 'paper'], 'local'))
    .option('--epochs <n>', 'epochs (default: the recipe)', parseIntOption('--epochs'))
    .option('--batch <n>', 'batch size (default: the recipe)', parseIntOption('--batch'))
    .option('--lr <x>', 'peak learning rate (default: the recipe)', parseFloatOption('--lr'))
    .option('--patience <n>', 'early stopping: epochs without validation improvement (default: 5)', parseIntOption('--patience'))
    .option('--seed <n>', 'seed of weights, data order, augmentation and validation split', parseIntOption('--seed'), 0)
    .option('--input-size <n>', 'input side in pixels (default: the profile)', parseIntOption('--input-size'))
    .option('--val-fraction <x>', 'part of train held out for early stopping (default: 0.1)', parseFloatOption('--val-fraction'))
    .option('--max-train-images <n>', 'use at most this many training images', parseIntOption('--max-train-images'))
    .option('--recipe <json>', 'recipe fields instead of the profile\'s, e.g. \'{"mixupAlpha":0.2,"autoAugment":"ta_wide"}\' (see `imagenot arch recipe`)')
    .option('--workspace <dir>', 'workspace for runs when the target is a dataset folder (default: TARGET/.imagenot-workspace)')
    .option('--json', 'print the finished run as JSON')
    .action(async (target: string, o: TrainOptions) => {
      const abs = resolve(target);
      if (!existsSync(abs)) throw new UsageError(`${target} does not exist`);
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
      };
      await withWorkspace(
        wsDir,
        async (ws) => {
          const out = await runJobsToEnd(ws, [{ kind: 'train', params }], { quiet: o.json });
          const job = out.jobs[0];
          const run = runOfJob(ws.db, job.id);
          const summary = {
            runId: run?.id ?? null,
            jobId: job.id,
            workspace: ws.paths.root,
            arch: o.arch,
            profile: o.profile,
            status: job.state,
            epochs: run?.epoch ?? 0,
            top1: run?.top1 ?? null,
            top5: run?.top5 ?? null,
            backend: run?.backend ?? null,
            error: job.error,
          };
          if (o.json) printJson(summary);
          else if (job.state === 'succeeded') {
            process.stdout.write(`run ${summary.runId} (${o.arch}, ${o.profile}): test top-1 ${summary.top1?.toFixed(2)}%, top-5 ${summary.top5?.toFixed(2)}% after ${summary.epochs} epochs on ${summary.backend}\n`);
          } else process.stdout.write(`run ${summary.runId ?? '-'} (${o.arch}): ${job.state}${job.error ? `: ${job.error}` : ''}\n`);
          if (!out.ok) process.exitCode = EXIT_FAILED;
        },
        { create: !isWorkspace },
      );
    });
}
