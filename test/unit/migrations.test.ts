// Migration checksums: a workspace records the sha256 of each migration it applied and refuses to open when one of
// those files changed; a workspace from before checksums were kept gains them on its first open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import {
  latestSchemaVersion,
  loadMigrations,
  openWorkspace,
  WorkspaceError,
} from '../../native-workers/store/workspace.ts';
import { runCli, tempDir } from '../helpers/workspace.ts';

const shipped = fileURLToPath(new URL('../../native-workers/store/migrations', import.meta.url));

/** Run `fn` with the migrations read from `dir` (as a packaged build does through IMAGENOT_MIGRATIONS_DIR). */
function withMigrations<T>(dir: string, fn: () => T): T {
  const before = process.env.IMAGENOT_MIGRATIONS_DIR;
  process.env.IMAGENOT_MIGRATIONS_DIR = dir;
  try {
    return fn();
  } finally {
    if (before == null) delete process.env.IMAGENOT_MIGRATIONS_DIR;
    else process.env.IMAGENOT_MIGRATIONS_DIR = before;
  }
}

function copyMigrations(to: string, edit?: (file: string, sql: string) => string): string {
  mkdirSync(to, { recursive: true });
  for (const f of readdirSync(shipped)) {
    const sql = readFileSync(join(shipped, f), 'utf8');
    writeFileSync(join(to, f), edit ? edit(f, sql) : sql);
  }
  return to;
}

interface Recorded {
  version: number;
  name: string;
  sha256: string;
  applied_at: string | null;
}
const recorded = (db: Database.Database) =>
  db.prepare(`SELECT version, name, sha256, applied_at FROM schema_migrations ORDER BY version`).all() as Recorded[];

test('a new workspace records the checksum of every migration it applied', () => {
  const dir = tempDir();
  try {
    const ws = openWorkspace(join(dir.path, 'ws'), { create: true });
    const rows = recorded(ws.db);
    assert.deepEqual(
      rows.map((r) => r.version),
      loadMigrations().map((m) => m.version),
    );
    for (const r of rows) assert.ok(r.applied_at, `${r.version} has its apply time`);
    const ingest = rows.find((r) => r.name === 'ingest')!;
    assert.match(ingest.sha256, /^[0-9a-f]{64}$/);
    assert.equal(
      ws.db.prepare(`SELECT name FROM sqlite_master WHERE name = 'selftest_rows'`).get(),
      undefined,
      'no test table in the product schema',
    );
    ws.close();
  } finally {
    dir.cleanup();
  }
});

test('a migration changed after a workspace applied it is refused, naming it, and the workspace is left as it was', () => {
  const dir = tempDir();
  try {
    const original = copyMigrations(join(dir.path, 'migrations-a'));
    const changed = copyMigrations(join(dir.path, 'migrations-b'), (f, sql) =>
      f === '010-ingest.sql' ? `${sql}\nCREATE INDEX later ON sources(path);\n` : sql,
    );
    const root = join(dir.path, 'ws');
    withMigrations(original, () => openWorkspace(root, { create: true }).close());
    for (const readonly of [false, true]) {
      assert.throws(
        () => withMigrations(changed, () => openWorkspace(root, { readonly })),
        (e: Error) =>
          e instanceof WorkspaceError &&
          /migration 010-ingest\.sql has changed since this workspace applied it/.test(e.message),
      );
    }
    const db = new Database(join(root, 'workspace.db'), { readonly: true });
    assert.equal(
      db.prepare(`SELECT name FROM sqlite_master WHERE name = 'later'`).get(),
      undefined,
      'the changed SQL never ran',
    );
    db.close();
    // The same files with Windows line endings are the same migrations.
    const crlf = copyMigrations(join(dir.path, 'migrations-crlf'), (_f, sql) => sql.replace(/\r?\n/g, '\r\n'));
    withMigrations(crlf, () => openWorkspace(root).close());

    // The CLI says which migration and exits 1.
    const r = runCli(['status', root], { env: { IMAGENOT_MIGRATIONS_DIR: changed } });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /migration 010-ingest\.sql has changed/);
  } finally {
    dir.cleanup();
  }
});

test('a workspace from before checksums opens, gains them, loses the test table, and is checked from then on', () => {
  const dir = tempDir();
  try {
    const root = join(dir.path, 'ws');
    mkdirSync(root);
    // What the earlier migration runner left: migrations up to 040 applied, user_version only, no checksums. Its
    // 010 was the one from before the edit, so the sample indexes are full ones.
    const raw = new Database(join(root, 'workspace.db'));
    for (const m of loadMigrations().filter((m) => m.version <= 40)) raw.exec(m.sql);
    raw.exec(`DROP INDEX samples_image; CREATE INDEX samples_image ON samples(image_sha256);
              DROP INDEX samples_fetch; CREATE INDEX samples_fetch ON samples(fetch_status);
              INSERT INTO selftest_rows (job_id, n) VALUES (1, 0);`);
    raw.pragma('user_version = 40');
    raw.close();

    const ws = openWorkspace(root);
    assert.equal(ws.db.pragma('user_version', { simple: true }), latestSchemaVersion());
    const rows = recorded(ws.db);
    assert.deepEqual(
      rows.map((r) => r.version),
      loadMigrations().map((m) => m.version),
    );
    assert.deepEqual(
      rows.filter((r) => r.applied_at == null).map((r) => r.version),
      [1, 10, 20, 40],
      'recorded on this open, not applied now',
    );
    assert.deepEqual(
      rows.map((r) => r.sha256),
      loadMigrations().map((m) => m.sha256),
    );
    assert.equal(
      ws.db.prepare(`SELECT name FROM sqlite_master WHERE name = 'selftest_rows'`).get(),
      undefined,
      'test table dropped',
    );
    for (const index of ['samples_image', 'samples_fetch']) {
      const { sql } = ws.db.prepare(`SELECT sql FROM sqlite_master WHERE name = ?`).get(index) as { sql: string };
      assert.match(sql, /WHERE \w+ IS NOT NULL/, `${index} is partial as 010 now makes it`);
    }
    ws.close();

    const changed = copyMigrations(join(dir.path, 'migrations-b'), (f, sql) =>
      f === '040-dataset.sql' ? sql.replace('CREATE', 'create') : sql,
    );
    assert.throws(() => withMigrations(changed, () => openWorkspace(root)), /migration 040-dataset\.sql has changed/);
  } finally {
    dir.cleanup();
  }
});

test('a migration numbered below the applied version, or one missing, is refused', () => {
  const dir = tempDir();
  try {
    const original = copyMigrations(join(dir.path, 'migrations-a'));
    const root = join(dir.path, 'ws');
    withMigrations(original, () => openWorkspace(root, { create: true }).close());
    const inserted = copyMigrations(join(dir.path, 'migrations-b'));
    writeFileSync(join(inserted, '030-late.sql'), 'CREATE TABLE late (x INTEGER);\n');
    assert.throws(
      () => withMigrations(inserted, () => openWorkspace(root)),
      /migration 030-late\.sql is numbered below this workspace's schema version/,
    );

    const missing = join(dir.path, 'migrations-c');
    cpSync(original, missing, { recursive: true });
    rmSync(join(missing, '020-synsets.sql'));
    assert.throws(
      () => withMigrations(missing, () => openWorkspace(root)),
      /migration 020-synsets\.sql, applied to this workspace, is missing/,
    );
  } finally {
    dir.cleanup();
  }
});

test('several processes opening one new workspace at once migrate it once, without errors', async () => {
  const { spawn } = await import('node:child_process');
  const dir = tempDir('imagenot-migrate-race-');
  try {
    // An empty database file: every process sees schema version 0 and races to apply every migration.
    writeFileSync(join(dir.path, 'workspace.db'), '');
    const workspaceModule = new URL('../../native-workers/store/workspace.ts', import.meta.url).href;
    // Each child loads the code first, then waits for one shared start time, so the opens overlap.
    const script = `const { openWorkspace } = await import(${JSON.stringify(workspaceModule)});
      while (Date.now() < Number(process.argv[2]));
      openWorkspace(process.argv[1]).close();`;
    const startAt = String(Date.now() + 4000);
    const results = await Promise.all(
      Array.from(
        { length: 6 },
        () =>
          new Promise<{ code: number | null; stderr: string }>((resolveRun) => {
            const child = spawn(
              process.execPath,
              ['--import', 'tsx', '--input-type=module', '-e', script, dir.path, startAt],
              {
                stdio: ['ignore', 'ignore', 'pipe'],
              },
            );
            let stderr = '';
            child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
            child.on('close', (code) => resolveRun({ code, stderr }));
          }),
      ),
    );
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const db = new Database(join(dir.path, 'workspace.db'), { readonly: true });
    try {
      assert.equal(db.pragma('user_version', { simple: true }), latestSchemaVersion());
      const applied = db.prepare(`SELECT version FROM schema_migrations ORDER BY version`).all() as {
        version: number;
      }[];
      assert.deepEqual(
        applied.map((r) => r.version),
        loadMigrations().map((m) => m.version),
      );
    } finally {
      db.close();
    }
  } finally {
    dir.cleanup();
  }
});
