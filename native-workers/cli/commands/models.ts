// `imagenot models add WS DIR --kind clip|sentence [--name N]` (or `--download MODEL_ID`) and `imagenot models list WS`.
import type { Command } from 'commander';
import { listEncoders } from '../../api/handlers/encoders.ts';
import { importModel } from '../../workers/model-import.ts';
import { listModels } from '../../store/models.ts';
import { CommandFailed, printJson, UsageError, withWorkspace } from '../context.ts';

export function register(program: Command): void {
  const models = program.command('models').description('import and list text/image encoders (Hugging Face ONNX export folders)');

  models
    .command('add')
    .description(
      'check and import a Hugging Face ONNX export folder into the workspace (clip: config.json, tokenizer.json, ' +
        'tokenizer_config.json, preprocessor_config.json, onnx/text_model.onnx, onnx/vision_model.onnx; sentence: ' +
        'config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx)',
    )
    .argument('<ws>', 'workspace folder')
    .argument('[dir]', 'model folder (omit with --download)')
    .requiredOption('--kind <kind>', 'clip | sentence')
    .option('--name <name>', 'name to use with --encoder / --model (default: the folder or model name)')
    .option('--download <model-id>', 'fetch the files from the Hugging Face Hub first (needs network; never done at run time)')
    .option('--json', 'print the imported model as JSON')
    .action(async (ws: string, dir: string | undefined, o: { kind: string; name?: string; download?: string; json?: boolean }) => {
      if (o.kind !== 'clip' && o.kind !== 'sentence') throw new UsageError(`--kind must be clip or sentence, got '${o.kind}'`);
      if (!dir && !o.download) throw new UsageError('give a model folder or --download MODEL_ID');
      if (dir && o.download) throw new UsageError('give either a model folder or --download, not both');
      await withWorkspace(ws, async (w) => {
        let m;
        try {
          m = await importModel(w, { dir, download: o.download, kind: o.kind as 'clip' | 'sentence', name: o.name }, (msg) =>
            o.json ? undefined : process.stderr.write(msg + '\n'),
          );
        } catch (err) {
          throw new CommandFailed((err as Error).message);
        }
        if (o.json) printJson(m);
        else process.stdout.write(`imported ${m.kind} model '${m.name}' into ${m.path} (embedding size ${(m.info as { dim: number }).dim})\n`);
      });
    });

  models
    .command('list')
    .description('list the encoders of a workspace (the built-in glove and imported models)')
    .argument('<ws>', 'workspace folder')
    .option('--json', 'print JSON')
    .action(async (ws: string, o: { json?: boolean }) => {
      await withWorkspace(ws, (w) => {
        const encoders = listEncoders(w);
        const models = new Map(listModels(w.db).map((m) => [m.name, m]));
        const rows = encoders.map((e) => ({ ...e, path: models.get(e.name)?.path ?? null, filesHash: models.get(e.name)?.filesHash ?? null }));
        if (o.json) return printJson(rows);
        for (const r of rows) process.stdout.write(`${r.name}\t${r.kind}\tdefault threshold ${r.defaultThreshold}\t${r.path ?? '(built in)'}\n`);
      });
    });
}
