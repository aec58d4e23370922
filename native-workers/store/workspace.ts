// The workspace: a folder holding workspace.db (SQLite), media/, models/, exports/, runs/, logs/.
// This module is the only one that knows that layout and the only one that opens the database.
import Database from 'better-sqlite3';
import { sqliteNativeBinding } from './sqlite-binding.ts';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { markDeadJobsInterrupted } from './jobs.ts';
import { migrate } from './schema.ts';
import { WorkspaceError } from './workspace-error.ts';

export { WorkspaceError } from './workspace-error.ts';
export { latestSchemaVersion, loadMigrations } from './schema.ts';

export type Db = Database.Database;

export const DB_FILE = 'workspace.db';
const FOLDERS = ['media', 'media/thumbs', 'models', 'exports', 'runs', 'logs'] as const;

export interface WorkspacePaths {
  root: string;
  db: string;
  media: string;
  thumbs: string;
  models: string;
  exports: string;
  runs: string;
  /** One log per job (job-logs.ts). */
  logs: string;
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

function isWorkspaceFolder(dir: string): boolean {
  return existsSync(join(dir, DB_FILE));
}

export interface OpenOptions {
  /** Create the workspace if the folder is missing or empty. */
  create?: boolean;
  readonly?: boolean;
}

/**
 * Switch to WAL. The switch needs an exclusive lock, and SQLite answers SQLITE_BUSY at once (without the busy handler)
 * when another process holds a lock on a database still in rollback mode, as when several processes open a new
 * workspace together; so it is retried for up to the busy timeout. A database already in WAL mode returns at once.
 */
function enableWal(db: Db, timeoutMs = 10_000): void {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw err;
      Atomics.wait(pause, 0, 0, 20);
    }
  }
}

export function openWorkspace(dir: string, opts: OpenOptions = {}): Workspace {
  const root = resolve(dir);
  if (!isWorkspaceFolder(root)) {
    if (!opts.create) {
      throw new WorkspaceError(
        `${root} is not an ImageNot workspace (no ${DB_FILE}); create one with \`imagenot init ${dir}\``,
      );
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
    logs: join(root, 'logs'),
  };
  const db = new Database(paths.db, { readonly: opts.readonly ?? false, nativeBinding: sqliteNativeBinding() });
  try {
    db.pragma('busy_timeout = 10000');
    if (!opts.readonly) {
      enableWal(db);
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    migrate(db, paths.db, { readonly: opts.readonly });
    // Jobs left `running` by a process that died become `interrupted`, ready to resume.
    if (!opts.readonly) markDeadJobsInterrupted(db);
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
