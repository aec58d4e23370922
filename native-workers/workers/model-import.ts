// Importing an encoder as a job (kind `model-import`), so the app can do what `imagenot models add` does: check a
// Hugging Face ONNX export folder (or download one from the Hub first), copy it under models/, record it. Loading
// the ONNX files to check them takes seconds and a download minutes: a worker process, not the API server.
import { z } from 'zod';
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineWorker } from '../jobs/worker-context.ts';
import { GLOVE_ENCODER } from '../core/similarity/thresholds.ts';
import { checkModelFolder, copyModelFiles, type ModelKind } from '../io/encoders/model-folder.ts';
import { downloadModel } from '../io/encoders/download.ts';
import { getModel, insertModel, type ModelRow } from '../store/models.ts';
import type { Workspace } from '../store/workspace.ts';

const NAME = /^[A-Za-z0-9][\w.-]{0,63}$/;

/** Import (or download, then import) a model folder. Throws naming what is wrong; the workspace is unchanged then. */
export async function importModel(
  ws: Workspace,
  opts: { dir?: string; download?: string; kind: ModelKind; name?: string },
  log: (msg: string) => void = () => {},
): Promise<ModelRow> {
  const name = opts.name ?? (opts.download ?? opts.dir ?? '').replace(/\/+$/, '').split('/').pop()!;
  if (!NAME.test(name) || name === GLOVE_ENCODER) throw new Error(`'${name}' cannot be a model name (letters, digits, '.', '_', '-'; not 'glove'); choose another name (--name)`);
  if (getModel(ws.db, name)) throw new Error(`a model named '${name}' is already imported; choose another name (--name)`);
  const dest = join(ws.paths.models, name);
  if (existsSync(dest)) throw new Error(`${dest} already exists; remove it or choose another name (--name)`);
  const staging = mkdtempSync(join(ws.paths.models, `.import-${name}-`));
  try {
    let src = opts.dir && resolve(opts.dir);
    if (opts.download) {
      await downloadModel(opts.download, opts.kind, staging, log);
      src = staging;
    }
    if (!src) throw new Error('give a model folder or --download MODEL_ID');
    log(`checking ${src}`);
    const info = await checkModelFolder(src, opts.kind);
    const target = join(staging, 'model');
    const filesHash = copyModelFiles(src, target, opts.kind);
    renameSync(target, dest);
    return insertModel(ws.db, {
      name,
      kind: opts.kind,
      path: ws.relativePath(dest),
      filesHash,
      info: { ...info, source: opts.download ? `hf:${opts.download}` : opts.dir },
    });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

const Params = z
  .object({
    kind: z.enum(['clip', 'sentence']),
    dir: z.string().min(1).optional(),
    download: z.string().min(1).optional(),
    name: z.string().min(1).optional(),
  })
  .refine((p) => (p.dir == null) !== (p.download == null), { message: 'give either dir or download' });

export default defineWorker({
  kind: 'model-import',
  params: Params,
  async run(ctx, p) {
    ctx.progress(0, null, p.download ? `downloading ${p.download}` : `checking ${p.dir}`);
    const m = await importModel(ctx.ws, p, (msg) => {
      ctx.log(msg);
      ctx.progress(0, null, msg);
    });
    return { name: m.name, kind: m.kind, path: m.path, dim: (m.info as { dim?: number }).dim ?? null };
  },
});
