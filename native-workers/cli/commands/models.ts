// `imagenot models add WS DIR --kind clip|sentence [--name N]` (or `--download REPO [--revision REV]`) and
// `imagenot models list WS`.
import type { Command } from 'commander';
import { listEncoders } from '../../api/handlers/encoders.ts';
import { importModel } from '../../workers/model-import.ts';
import { listModels } from '../../store/models.ts';
import { choiceOption, CommandFailed, parseIntOption, printJson, UsageError, withWorkspace } from '../context.ts';
import { note } from '../output.ts';

export function register(program: Command): void {
  const models = program
    .command('models')
    .description('import and list text/image encoders (Hugging Face ONNX export folders)');

  models
    .command('add')
    .description(
      'check and import a Hugging Face ONNX export folder into the workspace (clip: config.json, tokenizer.json, ' +
        'tokenizer_config.json, preprocessor_config.json, onnx/text_model.onnx, onnx/vision_model.onnx; sentence: ' +
        'config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx); or download those files from the ' +
        'Hugging Face Hub first (--download: the revision pinned to its commit, sizes and hashes checked against the Hub, ' +
        'an interrupted download continued by running the command again; HF_TOKEN for gated models, HF_ENDPOINT for a mirror)',
    )
    .argument('<ws>', 'workspace folder')
    .argument('[dir]', 'model folder (omit with --download)')
    .addOption(
      choiceOption('--kind <kind>', 'what the folder holds: a CLIP model (both towers) or a sentence encoder', [
        'clip',
        'sentence',
      ]).makeOptionMandatory(),
    )
    .option('--name <name>', 'name to use with --encoder / --model (default: the folder or model name)')
    .option(
      '--download <repo>',
      'a Hugging Face model id (owner/name) to download and import (needs network; never done at run time)',
    )
    .option('--revision <rev>', 'with --download: branch, tag or commit (default: main)')
    .option(
      '--retries <n>',
      'with --download: new attempts after a transfer is cut off, each continuing where it stopped',
      parseIntOption('--retries'),
      3,
    )
    .option('--json', 'print the imported model as JSON')
    .action(
      async (
        ws: string,
        dir: string | undefined,
        o: {
          kind: 'clip' | 'sentence';
          name?: string;
          download?: string;
          revision?: string;
          retries: number;
          json?: boolean;
        },
      ) => {
        if (!dir && !o.download) throw new UsageError('give a model folder or --download REPO');
        if (dir && o.download) throw new UsageError('give either a model folder or --download, not both');
        if (o.revision && !o.download) throw new UsageError('--revision goes with --download');
        await withWorkspace(ws, async (w) => {
          let m;
          try {
            m = await importModel(
              w,
              { dir, download: o.download, revision: o.revision, retries: o.retries, kind: o.kind, name: o.name },
              (msg) => (o.json ? undefined : note(msg)),
            );
          } catch (err) {
            throw new CommandFailed((err as Error).message);
          }
          if (o.json) printJson(m);
          else
            process.stdout.write(
              `imported ${m.kind} model '${m.name}' into ${m.path} (embedding size ${(m.info as { dim: number }).dim})\n`,
            );
        });
      },
    );

  models
    .command('list')
    .description('list the encoders of a workspace (the built-in glove and imported models)')
    .argument('<ws>', 'workspace folder')
    .option('--json', 'print JSON')
    .action(async (ws: string, o: { json?: boolean }) => {
      await withWorkspace(ws, (w) => {
        const encoders = listEncoders(w);
        const models = new Map(listModels(w.db).map((m) => [m.name, m]));
        const rows = encoders.map((e) => {
          const m = models.get(e.name);
          const source = (m?.info as { source?: string } | null)?.source ?? null;
          return { ...e, path: m?.path ?? null, filesHash: m?.filesHash ?? null, source };
        });
        if (o.json) return printJson(rows);
        for (const r of rows)
          process.stdout.write(
            `${r.name}\t${r.kind}\tdefault threshold ${r.defaultThreshold}\t${r.path ?? '(built in)'}\n`,
          );
      });
    });
}
