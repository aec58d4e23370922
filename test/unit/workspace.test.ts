import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { latestSchemaVersion, openWorkspace, WorkspaceError } from '../../native-workers/store/workspace.ts';
import { tempDir } from '../helpers/workspace.ts';

test('init creates the layout and applies every migration', () => {
  const dir = tempDir();
  try {
    const ws = openWorkspace(join(dir.path, 'ws'), { create: true });
    for (const f of ['workspace.db', 'media', 'media/thumbs', 'models', 'exports', 'runs']) {
      assert.ok(existsSync(join(ws.paths.root, f)), `${f} exists`);
    }
    assert.equal(ws.db.pragma('user_version', { simple: true }), latestSchemaVersion());
    assert.equal(ws.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(ws.db.pragma('foreign_keys', { simple: true }), 1);
    ws.close();
    // Opening again is safe and changes nothing.
    const again = openWorkspace(join(dir.path, 'ws'));
    assert.equal(again.db.pragma('user_version', { simple: true }), latestSchemaVersion());
    again.close();
  } finally {
    dir.cleanup();
  }
});

test('a non-empty folder that is not a workspace is refused', () => {
  const dir = tempDir();
  try {
    writeFileSync(join(dir.path, 'notes.txt'), 'mine');
    assert.throws(
      () => openWorkspace(dir.path, { create: true }),
      (e: Error) => e instanceof WorkspaceError && /not empty/.test(e.message),
    );
    assert.throws(() => openWorkspace(join(dir.path, 'missing')), /not an ImageNot workspace/);
  } finally {
    dir.cleanup();
  }
});

test('a workspace from a newer schema is refused and left untouched', () => {
  const dir = tempDir();
  try {
    const ws = openWorkspace(join(dir.path, 'ws'), { create: true });
    ws.close();
    const raw = new Database(join(dir.path, 'ws', 'workspace.db'));
    raw.pragma(`user_version = ${latestSchemaVersion() + 5}`);
    raw.close();
    assert.throws(() => openWorkspace(join(dir.path, 'ws')), /newer ImageNot Studio/);
    const check = new Database(join(dir.path, 'ws', 'workspace.db'));
    assert.equal(check.pragma('user_version', { simple: true }), latestSchemaVersion() + 5);
    check.close();
  } finally {
    dir.cleanup();
  }
});

test('an older workspace is migrated on open', () => {
  const dir = tempDir();
  try {
    const root = join(dir.path, 'ws');
    mkdirSync(root);
    // A version-1 workspace: only the first migration applied.
    const raw = new Database(join(root, 'workspace.db'));
    const first = openWorkspaceSql(1);
    raw.exec(first);
    raw.pragma('user_version = 1');
    raw.close();
    const ws = openWorkspace(root);
    assert.equal(ws.db.pragma('user_version', { simple: true }), latestSchemaVersion());
    assert.ok(ws.db.prepare(`SELECT name FROM sqlite_master WHERE name = 'jobs'`).get());
    ws.close();
  } finally {
    dir.cleanup();
  }
});

import { loadMigrations } from '../../native-workers/store/workspace.ts';
function openWorkspaceSql(version: number): string {
  return loadMigrations().find((m) => m.version === version)!.sql;
}
