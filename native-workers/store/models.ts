// Imported encoders (rows of `models`): name, kind (clip|sentence), workspace-relative folder, files hash, check info.
import type { Db, Workspace } from './workspace.ts';
import { nowIso } from './workspace.ts';
import { GLOVE_ENCODER, type EncoderKind } from '../core/similarity/thresholds.ts';

export interface ModelRow {
  name: string;
  kind: string;
  path: string | null;
  filesHash: string | null;
  info: unknown;
  addedAt: string;
}

interface RawModel {
  name: string;
  kind: string;
  path: string | null;
  files_hash: string | null;
  info: string | null;
  added_at: string;
}

const fromRaw = (r: RawModel): ModelRow => ({
  name: r.name,
  kind: r.kind,
  path: r.path,
  filesHash: r.files_hash,
  info: r.info ? JSON.parse(r.info) : null,
  addedAt: r.added_at,
});

export function insertModel(
  db: Db,
  m: { name: string; kind: string; path: string; filesHash: string; info: unknown },
): ModelRow {
  db.prepare(`INSERT INTO models (name, kind, path, files_hash, info, added_at) VALUES (?, ?, ?, ?, ?, ?)`).run(
    m.name,
    m.kind,
    m.path,
    m.filesHash,
    JSON.stringify(m.info),
    nowIso(),
  );
  return getModel(db, m.name)!;
}

export function getModel(db: Db, name: string): ModelRow | undefined {
  const r = db.prepare(`SELECT * FROM models WHERE name = ?`).get(name) as RawModel | undefined;
  return r && fromRaw(r);
}

export function listModels(db: Db): ModelRow[] {
  return (db.prepare(`SELECT * FROM models ORDER BY added_at, name`).all() as RawModel[]).map(fromRaw);
}

/** How to open a text encoder by name: 'glove' is built in; anything else must be an imported model. */
export function encoderSpec(ws: Workspace, name: string): { name: string; kind: EncoderKind; dir: string | null } {
  if (name === GLOVE_ENCODER) return { name, kind: 'glove', dir: null };
  const m = getModel(ws.db, name);
  if (!m) {
    const known = [GLOVE_ENCODER, ...listModels(ws.db).map((x) => x.name)].join(', ');
    throw new Error(`unknown encoder '${name}' (known: ${known}; import one with \`imagenot models add\`)`);
  }
  if (m.kind !== 'clip' && m.kind !== 'sentence')
    throw new Error(`model '${name}' has kind '${m.kind}', not clip or sentence`);
  return { name, kind: m.kind, dir: ws.resolveInside(m.path ?? `models/${name}`) };
}
