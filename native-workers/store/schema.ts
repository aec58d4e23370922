// The workspace database's schema: the numbered SQL migrations (`migrations/NNN-name.sql`), applied in order, each in
// its own transaction. `PRAGMA user_version` holds the last applied number; `schema_migrations` holds each applied
// migration's sha256, so a migration file that changed after a workspace applied it is refused by name instead of
// silently leaving workspaces with different schemas. Workspaces from before checksums were kept get theirs recorded
// (from this version's files) on their first open.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { WorkspaceError } from './workspace-error.ts';
import { config } from '../config/settings.ts';

type Db = Database.Database;

export interface Migration {
  version: number;
  name: string;
  /** `NNN-name.sql` */
  file: string;
  sql: string;
  /** sha256 of the file with CRLF read as LF (a checkout's line endings do not change a migration). */
  sha256: string;
}

/** Migrations live next to this file, or where IMAGENOT_MIGRATIONS_DIR says (a packaged build). */
function migrationsDir(): string {
  const candidates = [config.migrationsDir, fileURLToPath(new URL('./migrations', import.meta.url))].filter(
    (p): p is string => !!p,
  );
  for (const dir of candidates) if (existsSync(dir)) return dir;
  throw new WorkspaceError(`migrations folder not found (looked in ${candidates.join(', ')})`);
}

function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}

const cache = new Map<string, Migration[]>();

export function loadMigrations(): Migration[] {
  const dir = migrationsDir();
  const cached = cache.get(dir);
  if (cached) return cached;
  const list: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    const m = /^(\d{3})-([\w-]+)\.sql$/.exec(file);
    if (!m) continue;
    const sql = readFileSync(join(dir, file), 'utf8');
    list.push({ version: Number(m[1]), name: m[2], file, sql, sha256: migrationChecksum(sql) });
  }
  list.sort((a, b) => a.version - b.version);
  for (let i = 1; i < list.length; i++) {
    if (list[i].version === list[i - 1].version) {
      throw new WorkspaceError(`two migrations share number ${list[i].version}: ${list[i - 1].file}, ${list[i].file}`);
    }
  }
  cache.set(dir, list);
  return list;
}

export function latestSchemaVersion(): number {
  const list = loadMigrations();
  return list.length ? list[list.length - 1].version : 0;
}

interface AppliedRow {
  version: number;
  name: string;
  sha256: string;
}

function tableExists(db: Db, name: string): boolean {
  return !!db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name);
}

const CREATE_CHECKSUMS = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  sha256     TEXT NOT NULL,
  -- NULL when the migration ran before checksums were kept (its checksum was recorded later, on an open)
  applied_at TEXT,
  recorded_at TEXT NOT NULL
)`;

/**
 * Refuse a database whose applied migrations do not match this version's files: one changed (checksum), one missing,
 * or one numbered below the applied version that never ran. Nothing is written before these checks pass.
 */
function verifyApplied(db: Db, dbPath: string, current: number, migrations: Migration[]): boolean {
  if (!tableExists(db, 'schema_migrations')) return false;
  const applied = db
    .prepare(`SELECT version, name, sha256 FROM schema_migrations ORDER BY version`)
    .all() as AppliedRow[];
  if (!applied.length) return false;
  const byVersion = new Map(migrations.map((m) => [m.version, m]));
  const untouched = 'The workspace was not changed.';
  for (const a of applied) {
    const m = byVersion.get(a.version);
    const appliedFile = `${String(a.version).padStart(3, '0')}-${a.name}.sql`;
    if (!m) {
      throw new WorkspaceError(
        `${dbPath}: migration ${appliedFile}, applied to this workspace, is missing from this ImageNot Studio. ${untouched}`,
      );
    }
    if (m.sha256 !== a.sha256) {
      throw new WorkspaceError(
        `${dbPath}: migration ${m.file} has changed since this workspace applied it (sha256 ${a.sha256.slice(0, 12)}... ` +
          `applied, ${m.sha256.slice(0, 12)}... now). A released migration must never change; schema changes go in a new ` +
          `migration. ${untouched}`,
      );
    }
  }
  const recorded = new Set(applied.map((a) => a.version));
  for (const m of migrations) {
    if (m.version <= current && !recorded.has(m.version)) {
      throw new WorkspaceError(
        `${dbPath}: migration ${m.file} is numbered below this workspace's schema version ${current} but was never applied ` +
          `to it; a new migration needs a number above the latest. ${untouched}`,
      );
    }
  }
  return true;
}

/** Bring the database to the latest schema. A readonly connection is only checked. */
export function migrate(db: Db, dbPath: string, opts: { readonly?: boolean } = {}): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const migrations = loadMigrations();
  const latest = latestSchemaVersion();
  if (current > latest) {
    throw new WorkspaceError(
      `${dbPath} was written by a newer ImageNot Studio (schema version ${current}; this version understands up to ` +
        `${latest}). Update ImageNot Studio to open it; the workspace was not changed.`,
    );
  }
  const hasChecksums = verifyApplied(db, dbPath, current, migrations);
  if (opts.readonly) return;
  const now = new Date().toISOString();
  const record = (m: Migration, appliedAt: string | null) =>
    db
      .prepare(`INSERT INTO schema_migrations (version, name, sha256, applied_at, recorded_at) VALUES (?, ?, ?, ?, ?)`)
      .run(m.version, m.name, m.sha256, appliedAt, now);
  // Each step runs in an IMMEDIATE transaction and re-reads the schema version under its write lock: several processes
  // (the CLI, serve, workers, a second window) may open one workspace at once, and only the first applies a migration.
  const versionNow = () => db.pragma('user_version', { simple: true }) as number;
  if (!hasChecksums && current > 0) {
    // A workspace from before checksums were kept: what it applied is taken to be this version's files.
    db.transaction(() => {
      if (tableExists(db, 'schema_migrations')) return;
      db.exec(CREATE_CHECKSUMS);
      const applied = versionNow();
      for (const m of migrations) if (m.version <= applied) record(m, null);
    }).immediate();
  }
  const apply = db.transaction((m: Migration) => {
    if (versionNow() >= m.version) return;
    db.exec(CREATE_CHECKSUMS);
    db.exec(m.sql);
    record(m, now);
    db.pragma(`user_version = ${m.version}`);
  });
  for (const m of migrations) if (m.version > current) apply.immediate(m);
}
