// The workspace: a folder holding workspace.db (SQLite), media/, models/, exports/, runs/.
// This module is the only one that knows that layout and the only one that opens the database.
import Database from 'better-sqlite3';
import { sqliteNativeBinding } from './sqlite-binding.ts';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markDeadJobsInterrupted } from './jobs.ts';

export type Db = Database.Database;

export const DB_FILE = 'workspace.db';
const FOLDERS = ['media', 'media/thumbs', 'models', 'exports', 'runs'] as const;

export interface WorkspacePaths {
  root: string;
  db: string;
  media: string;
  thumbs: string;
  models: string;
  exports: string;
  runs: string;
}

export interface Workspace {
  readonly paths: WorkspacePaths;
  readonly db: Db;
  /** Absolute path of a workspace-relative path; throws if it would leave the workspace. */
  resolveInside(relPath: string): string;
  /** Workspace-relative form of an absolute path inside it. */
  relativePath(absPath: string): string;
  close(): void;
}

export class WorkspaceError extends Error {
  override name = 'WorkspaceError';
}

interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Migrations live next to this file (or next to the bundle in a packaged build). */
function migrationsDir(): string {
  const candidates = [
    process.env.IMAGENOT_MIGRATIONS_DIR,
    fileURLToPath(new URL('./migrations', import.meta.url)),
  ].filter((p): p is string => !!p);
  for (const dir of candidates) if (existsSync(dir)) return dir;
  throw new WorkspaceError(`migrations folder not found (looked in ${candidates.join(', ')})`);
}

let cachedMigrations: Migration[] | undefined;
export function loadMigrations(): Migration[] {
  if (cachedMigrations) return cachedMigrations;
  const dir = migrationsDir();
  const list: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    const m = /^(\d{3})-([\w-]+)\.sql$/.exec(file);
    if (!m) continue;
    list.push({ version: Number(m[1]), name: m[2], sql: readFileSync(join(dir, file), 'utf8') });
  }
  list.sort((a, b) => a.version - b.version);
  for (let i = 1; i < list.length; i++) {
    if (list[i].version === list[i - 1].version) {
      throw new WorkspaceError(`two migrations share number ${list[i].version}: ${list[i - 1].name}, ${list[i].name}`);
    }
  }
  cachedMigrations = list;
  return list;
}

export function latestSchemaVersion(): number {
  const list = loadMigrations();
  return list.length ? list[list.length - 1].version : 0;
}

function isWorkspaceFolder(dir: string): boolean {
  return existsSync(join(dir, DB_FILE));
}

/** Apply pending migrations in order, each in its own transaction. */
function migrate(db: Db, dbPath: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = latestSchemaVersion();
  if (current > latest) {
    throw new WorkspaceError(
      `${dbPath} was written by a newer ImageNot Studio (schema version ${current}; this version understands up to ` +
        `${latest}). Update ImageNot Studio to open it; the workspace was not changed.`,
    );
  }
  for (const m of loadMigrations()) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}

export interface OpenOptions {
  /** Create the workspace if the folder is missing or empty. */
  create?: boolean;
  readonly?: boolean;
}

export function openWorkspace(dir: string, opts: OpenOptions = {}): Workspace {
  const root = resolve(dir);
  if (!isWorkspaceFolder(root)) {
    if (!opts.create) {
      throw new WorkspaceError(`${root} is not an ImageNot workspace (no ${DB_FILE}); create one with \`imagenot init ${dir}\``);
    }
    if (existsSync(root)) {
      if (!statSync(root).isDirectory()) throw new WorkspaceError(`${root} exists and is not a folder`);
      const entries = readdirSync(root);
      if (entries.length > 0) {
        throw new WorkspaceError(
          `${root} is not empty and is not a workspace (found ${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}); ` +
            'choose an empty or new folder',
        );
      }
    }
    mkdirSync(root, { recursive: true });
  }
  for (const f of FOLDERS) mkdirSync(join(root, f), { recursive: true });

  const paths: WorkspacePaths = {
    root,
    db: join(root, DB_FILE),
    media: join(root, 'media'),
    thumbs: join(root, 'media', 'thumbs'),
    models: join(root, 'models'),
    exports: join(root, 'exports'),
    runs: join(root, 'runs'),
  };
  const db = new Database(paths.db, { readonly: opts.readonly ?? false, nativeBinding: sqliteNativeBinding() });
  try {
    db.pragma('busy_timeout = 10000');
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    if (!opts.readonly) {
      migrate(db, paths.db);
      // Jobs left `running` by a process that died become `interrupted`, ready to resume.
      markDeadJobsInterrupted(db);
    }
    else if ((db.pragma('user_version', { simple: true }) as number) > latestSchemaVersion()) migrate(db, paths.db);
  } catch (err) {
    db.close();
    throw err;
  }

  return {
    paths,
    db,
    resolveInside(relPath: string): string {
      const abs = resolve(root, relPath);
      if (!isInside(root, abs)) throw new WorkspaceError(`path ${relPath} leaves the workspace`);
      return abs;
    },
    relativePath(absPath: string): string {
      const abs = resolve(absPath);
      if (!isInside(root, abs)) throw new WorkspaceError(`path ${absPath} is not inside the workspace`);
      return relative(root, abs).split(sep).join('/');
    },
    close() {
      if (db.open) db.close();
    },
  };
}

/** True when `child` is `parent` or below it (no `..` escape, no other drive). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export function nowIso(): string {
  return new Date().toISOString();
}
