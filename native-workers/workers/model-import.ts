// Importing an encoder as a job (kind `model-import`), so the app can do what `imagenot models add` does: check a
// Hugging Face ONNX export folder (or download one from the Hub first), copy it under models/, record it. Loading
// the ONNX files to check them takes seconds and a download minutes: a worker process, not the API server.
import { z } from 'zod';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { defineWorker } from '../jobs/worker-context.ts';
import { GLOVE_ENCODER } from '../core/similarity/thresholds.ts';
import { checkModelFolder, copyModelFiles, MODEL_FILES, type ModelKind } from '../io/encoders/model-folder.ts';
import { downloadFromHub, type HubDownload } from '../io/encoders/download.ts';
import { getModel, insertModel, type ModelRow } from '../store/models.ts';
import type { Workspace } from '../store/workspace.ts';

const NAME = /^[A-Za-z0-9][\w.-]{0,63}$/;

/** Partial downloads, kept between runs so an interrupted `--download` continues (removed once imported). */
const DOWNLOADS = '.downloads';

/** Remove a finished download, and the downloads folder once empty. */
function removeDownload(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  const root = dirname(dir);
  if (existsSync(root) && !readdirSync(root).length) rmSync(root, { recursive: true, force: true });
}

/**
 * Import a model folder, or download one from the Hugging Face Hub (`download`: the model id, at `revision`, default
 * main) and import that. Throws naming what is wrong; the workspace's models are unchanged then (an interrupted
 * download keeps its partial files under models/.downloads to continue next time).
 */
export async function importModel(
  ws: Workspace,
  opts: { dir?: string; download?: string; revision?: string; retries?: number; kind: ModelKind; name?: string },
  log: (msg: string) => void = () => {},
): Promise<ModelRow> {
  const name = opts.name ?? (opts.download ?? opts.dir ?? '').replace(/\/+$/, '').split('/').pop()!;
  if (!NAME.test(name) || name === GLOVE_ENCODER)
    throw new Error(`'${name}' cannot be a model name (letters, digits, '.', '_', '-'; not 'glove'); pass --name`);
  if (getModel(ws.db, name)) throw new Error(`a model named '${name}' is already imported; pass another --name`);
  const dest = join(ws.paths.models, name);
  if (existsSync(dest)) throw new Error(`${dest} already exists; remove it or pass another --name`);
  const staging = mkdtempSync(join(ws.paths.models, `.import-${name}-`));
  try {
    let src = opts.dir && resolve(opts.dir);
    let fetched: HubDownload | undefined;
    if (opts.download) {
      const root = join(ws.paths.models, DOWNLOADS);
      mkdirSync(root, { recursive: true });
      fetched = await downloadFromHub({
        repo: opts.download,
        revision: opts.revision,
        retries: opts.retries,
        files: MODEL_FILES[opts.kind],
        root,
        log,
      });
      src = fetched.dir;
    }
    if (!src) throw new Error('give a model folder or --download MODEL_ID');
    log(`checking ${src}`);
    let info;
    try {
      info = await checkModelFolder(src, opts.kind);
    } catch (err) {
      // Complete, verified files that do not make a usable model: downloading them again would not help.
      if (fetched) removeDownload(fetched.dir);
      throw err;
    }
    const target = join(staging, 'model');
    const filesHash = copyModelFiles(src, target, opts.kind);
    renameSync(target, dest);
    const row = insertModel(ws.db, {
      name,
      kind: opts.kind,
      path: ws.relativePath(dest),
      filesHash,
      info: {
        ...info,
        source: fetched ? `hf:${fetched.repo}@${fetched.commit}` : opts.dir,
        ...(fetched && {
          download: { repo: fetched.repo, revision: fetched.revision, commit: fetched.commit, files: fetched.files },
        }),
      },
    });
    if (fetched) removeDownload(fetched.dir);
    return row;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

const Params = z
  .object({
    kind: z.enum(['clip', 'sentence']),
    dir: z.string().min(1).optional(),
    download: z.string().min(1).optional(),
    revision: z.string().min(1).optional(),
    retries: z.number().int().min(0).optional(),
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
