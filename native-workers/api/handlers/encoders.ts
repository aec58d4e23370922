// Encoders of a workspace: the list (built-in glove + imported models) and importing a model folder (shared by the
// `imagenot models` command): check the folder, copy the needed files under models/<name>, record it.
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultThreshold, GLOVE_ENCODER, type EncoderKind } from '../../core/similarity/thresholds.ts';
import { checkModelFolder, copyModelFiles, type ModelKind } from '../../io/encoders/model-folder.ts';
import { downloadModel } from '../../io/encoders/download.ts';
import { getModel, insertModel, listModels, type ModelRow } from '../../store/models.ts';
import type { Workspace } from '../../store/workspace.ts';

export interface EncoderInfo {
  name: string;
  kind: EncoderKind;
  defaultThreshold: number;
}

export function listEncoders(ws: Workspace): EncoderInfo[] {
  const out: EncoderInfo[] = [{ name: GLOVE_ENCODER, kind: 'glove', defaultThreshold: defaultThreshold('glove') }];
  for (const m of listModels(ws.db)) {
    if (m.kind === 'clip' || m.kind === 'sentence') out.push({ name: m.name, kind: m.kind, defaultThreshold: defaultThreshold(m.kind) });
  }
  return out;
}

export function defaultThresholdOf(ws: Workspace, encoder: string): number {
  const e = listEncoders(ws).find((x) => x.name === encoder);
  if (!e) throw new Error(`unknown encoder '${encoder}' (known: ${listEncoders(ws).map((x) => x.name).join(', ')})`);
  return e.defaultThreshold;
}

const NAME = /^[A-Za-z0-9][\w.-]{0,63}$/;

/** Import (or download, then import) a model folder. Throws naming what is wrong; the workspace is unchanged then. */
export async function importModel(
  ws: Workspace,
  opts: { dir?: string; download?: string; kind: ModelKind; name?: string },
  log: (msg: string) => void = () => {},
): Promise<ModelRow> {
  const name = opts.name ?? (opts.download ?? opts.dir ?? '').replace(/\/+$/, '').split('/').pop()!;
  if (!NAME.test(name) || name === GLOVE_ENCODER) throw new Error(`'${name}' cannot be a model name (letters, digits, '.', '_', '-'; not 'glove'); pass --name`);
  if (getModel(ws.db, name)) throw new Error(`a model named '${name}' is already imported; pass another --name`);
  const dest = join(ws.paths.models, name);
  if (existsSync(dest)) throw new Error(`${dest} already exists; remove it or pass another --name`);
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
