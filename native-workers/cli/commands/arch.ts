// `imagenot arch list` (the nine architectures, their recipes and local profiles), `imagenot arch params`
// (parameter counts as torchvision defines them, from the real tfjs models built with zero-initialized weights, or
// with --engine torch from torchvision's own models in the user's Python) and `imagenot arch recipe` (the resolved
// recipe a run would use, with each difference from torchvision's: what `train` stores with the run and, as JSON, the
// recipe file the PyTorch trainer takes, e.g. on a GPU machine without Node).
import type { Command } from 'commander';
import { ARCHITECTURES, paramCount, type Profile } from '../../core/architectures/index.ts';
import { ARCH_NAMES } from '../../core/architectures/registry.ts';
import { resolveHyperparams } from '../../core/training/hyperparams.ts';
import { torchHyperparams } from '../../core/training/torch-engine.ts';
import { pythonCommand, runTrainerCommand } from '../../io/torch-engine/trainer-process.ts';
import { RecipeOverrides } from '../../workers/training-run.ts';
import { ENGINES, type Engine } from '../../store/runs.ts';
import { choiceOption, CommandFailed, parseFloatOption, parseIntOption, printJson, UsageError } from '../context.ts';

function recipeSummary(r: (typeof ARCHITECTURES)[number]['recipe']): string {
  const schedule = r.schedule.kind === 'step' ? `step ${r.schedule.stepSize}x${r.schedule.gamma}` : 'cosine';
  return `${r.optimizer} lr ${r.lr} wd ${r.weightDecay} batch ${r.batchSize} ${r.epochs} ep ${schedule}${r.warmupEpochs ? ` warmup ${r.warmupEpochs}` : ''}${r.labelSmoothing ? ` ls ${r.labelSmoothing}` : ''}`;
}

export function register(program: Command): void {
  const arch = program.command('arch').description('the nine torchvision architectures (TensorFlow.js layers)');

  arch
    .command('list')
    .description('list the architectures with their torchvision parameter count, paper recipe and local profile')
    .option('--json', 'print JSON (the full catalogue, with local-profile parameter counts for 10 classes)')
    .action((o: { json?: boolean }) => {
      if (o.json) {
        printJson(
          ARCHITECTURES.map((a) => ({ ...a, localParams: paramCount(a.arch, { profile: 'local', numClasses: 10 }) })),
        );
        return;
      }
      for (const a of ARCHITECTURES) {
        const local = paramCount(a.arch, { profile: 'local', numClasses: 10 });
        process.stdout.write(
          `${a.arch.padEnd(19)} ${a.displayName.padEnd(18)} ${a.family.padEnd(18)} paper ${a.paperInput}px ${a.torchvisionParams.toLocaleString('en-US').padStart(11)} params` +
            ` | ${recipeSummary(a.recipe)}\n${''.padEnd(19)} local ${a.local.inputSize}px ${local.toLocaleString('en-US')} params (10 classes): ${a.local.description}\n`,
        );
      }
    });

  arch
    .command('params')
    .description(
      'parameter counts as torchvision counts them (trainable weights; BatchNorm running stats are buffers), from the ' +
        'real models; default full size, 1000 classes. Inception V3 includes its auxiliary classifier in the paper profile, ' +
        "like torchvision's published count; inception_v3_without_aux is listed too",
    )
    .addOption(choiceOption('--profile <profile>', 'size profile', ['paper', 'local'], 'paper'))
    .option('--classes <n>', 'number of classes', parseIntOption('classes'), 1000)
    .option('--input <px>', 'input side in pixels (matters for ViT position embeddings)', parseIntOption('input'))
    .addOption(
      choiceOption(
        '--engine <e>',
        "tfjs: our TensorFlow.js models; torch: torchvision's own, counted in your Python (paper profile only)",
        ENGINES,
        'tfjs',
      ),
    )
    .option('--python <path>', 'torch: the Python with torch and torchvision (default: IMAGENOT_PYTHON, else python3)')
    .option('--json', 'print {"alexnet": 61100840, ...}')
    .action(
      async (o: {
        profile: Profile;
        classes: number;
        input?: number;
        json?: boolean;
        engine: Engine;
        python?: string;
      }) => {
        if (o.classes < 1) throw new UsageError(`--classes must be at least 1, got ${o.classes}`);
        let counts: Record<string, number> = {};
        if (o.engine === 'torch') {
          // The torch engine trains torchvision's definitions at full structure: there is no scaled local model.
          if (o.profile !== 'paper')
            throw new UsageError(
              "--engine torch counts torchvision's models, which have no local profile (leave out --profile)",
            );
          const args = ['params', '--classes', String(o.classes), ...(o.input ? ['--input', String(o.input)] : [])];
          try {
            counts = (await runTrainerCommand(pythonCommand(o.python), args, 'params')).counts;
          } catch (err) {
            throw new CommandFailed((err as Error).message);
          }
        } else {
          const opts = { profile: o.profile, numClasses: o.classes, inputSize: o.input };
          for (const a of ARCHITECTURES)
            counts[a.arch] = paramCount(a.arch, {
              ...opts,
              auxLogits: a.arch === 'inception_v3' && o.profile === 'paper',
            });
          if (o.profile === 'paper') counts.inception_v3_without_aux = paramCount('inception_v3', opts);
        }
        if (o.json) return printJson(counts);
        for (const [name, n] of Object.entries(counts))
          process.stdout.write(`${name.padEnd(25)} ${n.toLocaleString('en-US').padStart(12)}\n`);
      },
    );

  arch
    .command('recipe')
    .description(
      "the recipe a run of ARCH uses (torchvision's reference recipe for --profile paper, the scaled one for local) with " +
        "the overrides given, every field explicit, with each difference from torchvision's recipe and why: the same " +
        'object `train` stores with the run; --json writes the recipe file of the PyTorch trainer ' +
        '(`python3 native-workers/trainers/torch/train.py train --recipe FILE ...`)',
    )
    .argument('<arch>', `architecture: ${ARCH_NAMES.join(', ')}`)
    .addOption(choiceOption('--profile <profile>', 'size profile', ['paper', 'local'], 'local'))
    .addOption(
      choiceOption(
        '--engine <e>',
        'torch: its local profile runs AlexNet at 63 px and Inception V3 at 75 px',
        ENGINES,
        'tfjs',
      ),
    )
    .option('--epochs <n>', 'epochs (default: the recipe)', parseIntOption('--epochs'))
    .option('--batch <n>', 'global batch size, over all ranks (default: the recipe)', parseIntOption('--batch'))
    .option('--lr <x>', 'peak learning rate (default: the recipe)', parseFloatOption('--lr'))
    .option('--patience <n>', 'early stopping patience in epochs (default: 5)', parseIntOption('--patience'))
    .option('--seed <n>', 'seed of weights, data order, augmentation and validation split', parseIntOption('--seed'))
    .option(
      '--input-size <n>',
      'training crop side; the evaluation sizes follow (default: the profile)',
      parseIntOption('--input-size'),
    )
    .option(
      '--val-fraction <x>',
      'part of train held out for early stopping (default: 0.1)',
      parseFloatOption('--val-fraction'),
    )
    .option('--recipe <json>', "recipe fields instead of the profile's, as `train --recipe` takes them")
    .option('--json', 'print JSON')
    .action(
      (
        name: string,
        o: {
          profile: Profile;
          engine: Engine;
          epochs?: number;
          batch?: number;
          lr?: number;
          patience?: number;
          seed?: number;
          inputSize?: number;
          valFraction?: number;
          recipe?: string;
          json?: boolean;
        },
      ) => {
        if (!(ARCH_NAMES as readonly string[]).includes(name))
          throw new UsageError(`unknown architecture '${name}' (one of ${ARCH_NAMES.join(', ')})`);
        const { profile, engine, json, recipe: recipeJson, ...overrides } = o;
        let recipe;
        if (recipeJson != null) {
          let parsed: unknown;
          try {
            parsed = JSON.parse(recipeJson);
          } catch (err) {
            throw new UsageError(`--recipe is not JSON: ${(err as Error).message}`);
          }
          const checked = RecipeOverrides.safeParse(parsed);
          if (!checked.success)
            throw new UsageError(
              `--recipe: ${checked.error.issues.map((i) => `${i.path.join('.') || 'recipe'}: ${i.message}`).join('; ')}`,
            );
          recipe = checked.data;
        }
        const hp = (engine === 'torch' ? torchHyperparams : resolveHyperparams)(name, profile, {
          ...overrides,
          recipe,
        });
        if (json) return printJson(hp);
        process.stdout.write(`${hp.arch} (${hp.profile}): ${JSON.stringify(hp.recipe)}\n`);
        for (const d of hp.differences)
          process.stdout.write(
            `  ${d.field}: ${JSON.stringify(d.run)} (torchvision ${JSON.stringify(d.paper)}): ${d.why}\n`,
          );
      },
    );
}
