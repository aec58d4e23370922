// `imagenot select WS ...`, `imagenot export WS OUT ...`: the dataset's classes and split, and its files.
import type { Command } from 'commander';
import { publicJob } from '../../store/jobs.ts';
import { selectionClasses } from '../../store/selection.ts';
import {
  choiceOption,
  CommandFailed,
  EXIT_FAILED,
  parseFloatOption,
  parseIntOption,
  printJson,
  runJobsToEnd,
  UsageError,
  withWorkspace,
} from '../context.ts';

const FLAG_NAMES = ['nsfw_meta', 'nsfw_classifier', 'ocr'];

function parseFlagList(value: string): string[] {
  const list =
    value === 'none'
      ? []
      : value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
  for (const f of list)
    if (!FLAG_NAMES.includes(f))
      throw new UsageError(`--exclude-flags: unknown flag '${f}' (known: ${FLAG_NAMES.join(', ')}, or none)`);
  return list;
}

export function register(program: Command): void {
  program
    .command('select')
    .description(
      'choose the dataset: classes with at least TRAIN + TEST kept images, the top K by score (mean image-caption ' +
        'similarity when a CLIP model scored them, else kept count), and a seeded train/test split per class',
    )
    .argument('<ws>', 'workspace folder')
    .option(
      '--threshold <t>',
      'text similarity threshold (default: the workspace setting)',
      parseFloatOption('--threshold'),
    )
    .option('--encoder <name>', 'text encoder whose similarities to use (default: the workspace setting)')
    .option('--classes <k>', 'number of classes', parseIntOption('--classes'), 1000)
    .option('--train <n>', 'train images per class', parseIntOption('--train'), 1000)
    .option('--test <m>', 'test images per class', parseIntOption('--test'), 100)
    .option('--seed <s>', 'seed of the split', parseIntOption('--seed'), 0)
    .addOption(
      choiceOption(
        '--score <mode>',
        'class ranking (auto: image when a CLIP model scored the images, else count)',
        ['auto', 'image', 'text', 'count'],
        'auto',
      ),
    )
    .option(
      '--exclude-flags <list>',
      `flags that drop a candidate (comma list of ${FLAG_NAMES.join(', ')}, or none)`,
      FLAG_NAMES.join(','),
    )
    .option('--json', 'print the job and the selected classes as JSON')
    .action(
      async (
        dir: string,
        o: {
          threshold?: number;
          encoder?: string;
          classes: number;
          train: number;
          test: number;
          seed: number;
          score: string;
          excludeFlags: string;
          json?: boolean;
        },
      ) => {
        for (const [k, v] of [
          ['--classes', o.classes],
          ['--train', o.train],
          ['--test', o.test],
        ] as const)
          if (v < 1) throw new UsageError(`${k} must be at least 1`);
        const params = {
          threshold: o.threshold,
          encoder: o.encoder,
          classes: o.classes,
          train: o.train,
          test: o.test,
          seed: o.seed,
          score: o.score,
          excludeFlags: parseFlagList(o.excludeFlags),
        };
        await withWorkspace(dir, async (ws) => {
          const out = await runJobsToEnd(ws, [{ kind: 'select', params }], { quiet: o.json });
          const job = out.jobs[0];
          if (job.state !== 'succeeded') {
            if (o.json) printJson(publicJob(job));
            throw new CommandFailed(`select failed: ${job.error ?? job.state}`);
          }
          const r = job.result as {
            selectionId: number;
            classes: number;
            train: number;
            test: number;
            scoreMode: string;
            classesEligible: number;
            keptCandidates: number;
          };
          const classes = selectionClasses(ws.db, r.selectionId);
          if (o.json) return printJson({ job: publicJob(job), selection: r, classes });
          process.stdout.write(
            `selection ${r.selectionId}: ${r.classes} classes (${r.classesEligible} eligible), ${r.train} train / ${r.test} test images; ` +
              `ranked by ${r.scoreMode === 'image' ? 'mean image-caption similarity' : r.scoreMode === 'text' ? 'mean text similarity' : 'kept count (no CLIP image scores)'}\n`,
          );
          for (const c of classes.slice(0, 20)) {
            process.stdout.write(
              `  ${String(c.rank).padStart(4)} ${c.wnid} ${c.name}\tscore ${c.score == null ? '-' : c.score.toFixed(4)}\tkept ${c.kept}\n`,
            );
          }
          if (classes.length > 20) process.stdout.write(`  ... ${classes.length - 20} more (--json)\n`);
          if (!out.ok) process.exitCode = EXIT_FAILED;
        });
      },
    );

  program
    .command('export')
    .description(
      'write the latest selection as a dataset: train/<wnid>/*.jpg and test/<wnid>/*.jpg (or webdataset tar shards), ' +
        'per-split metadata.jsonl (Hugging Face imagefolder), manifest.parquet, classes.tsv, dataset.json and a dataset card ' +
        "(README.md); class index = sorted wnid order, as torchvision's ImageFolder; resumable with `imagenot jobs resume`",
    )
    .argument('<ws>', 'workspace folder')
    .argument('[out]', 'output folder (default: WS/exports/selection-<id>-<format>-<size>)')
    .addOption(choiceOption('--format <f>', 'dataset layout', ['imagefolder', 'webdataset'], 'imagefolder'))
    .option(
      '--size <px>',
      'image size: short side resized to this, then centre-cropped square',
      parseIntOption('--size'),
      224,
    )
    .addOption(
      choiceOption(
        '--crop <mode>',
        'center: square size×size; none: short side = size, aspect kept',
        ['center', 'none'],
        'center',
      ),
    )
    .option('--selection <id>', 'export this selection instead of the latest', parseIntOption('--selection'))
    .option('--shard-size <n>', 'samples per webdataset shard', parseIntOption('--shard-size'), 1000)
    .option('--json', 'print the job as JSON')
    .action(
      async (
        dir: string,
        outDir: string | undefined,
        o: { format: string; size: number; crop: string; selection?: number; shardSize: number; json?: boolean },
      ) => {
        if (o.size < 16 || o.size > 4096) throw new UsageError(`--size must be between 16 and 4096, got ${o.size}`);
        if (o.shardSize < 1) throw new UsageError('--shard-size must be at least 1');
        const params = {
          out: outDir,
          format: o.format,
          size: o.size,
          crop: o.crop,
          selectionId: o.selection,
          shardSize: o.shardSize,
        };
        await withWorkspace(dir, async (ws) => {
          const out = await runJobsToEnd(ws, [{ kind: 'export', params }], { quiet: o.json });
          const job = out.jobs[0];
          if (o.json) printJson(publicJob(job));
          if (job.state !== 'succeeded')
            throw new CommandFailed(
              `export failed: ${job.error ?? job.state} (resume with \`imagenot jobs resume ${dir} ${job.id}\`)`,
            );
          const r = job.result as { out: string; classes: number; train: number; test: number };
          if (!o.json)
            process.stdout.write(
              `exported ${r.classes} classes, ${r.train} train / ${r.test} test images to ${r.out}\n`,
            );
          if (!out.ok) process.exitCode = EXIT_FAILED;
        });
      },
    );
}
