// Ingest killed with SIGKILL and continued (by `jobs resume`, or by running the same command again): every row and
// every image exactly once.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Db } from '../../native-workers/store/workspace.ts';
import { runCli, tempDir } from '../helpers/workspace.ts';
import { runCliUntil } from '../helpers/kill-cli.ts';
import { cocoDir, metaRows, writeParquet } from '../helpers/ingest-fixtures.ts';

const dir = tempDir('imagenot-ingest-resume-');
after(() => dir.cleanup());

function db(ws: string) {
  return new Database(join(ws, 'workspace.db'), { readonly: true });
}

/** Start `imagenot ingest WS PATH` and SIGKILL it as soon as the source has committed its first batch: its resume point and state then. */
function ingestAndKill(ws: string, path: string): Promise<{ n: number; state: string }> {
  const firstBatch = (db: Db) => {
    const s = db.prepare(`SELECT next_row n, state FROM sources`).get() as { n: number; state: string } | undefined;
    return s && s.n > 0 ? s : undefined;
  };
  return runCliUntil(ws, ['ingest', ws, path], firstBatch, { what: 'ingest', pollMs: 10 });
}

test('SIGKILL mid-ingest, then `jobs resume`: every row exactly once', async () => {
  const ws = join(dir.path, 'ws-kill');
  const big = join(dir.path, 'big.parquet');
  const N = 250_000;
  writeParquet(big, metaRows(N, 'big'), { rowGroupSize: 50_000 });
  assert.equal(runCli(['init', ws]).code, 0);
  const at = await ingestAndKill(ws, big);
  assert.equal(at.state, 'ingesting', 'killed before the end (make N bigger if this fails)');
  assert.ok(at.n > 0 && at.n < N);
  const resumed = runCli(['jobs', 'resume', ws]);
  assert.equal(resumed.code, 0, resumed.stderr);
  const d = db(ws);
  try {
    const r = d.prepare(`SELECT COUNT(*) n, COUNT(DISTINCT row) d, MIN(row) lo, MAX(row) hi FROM samples`).get() as any;
    assert.deepEqual(r, { n: N, d: N, lo: 0, hi: N - 1 });
    assert.deepEqual(d.prepare(`SELECT state, rows, next_row FROM sources`).get(), {
      state: 'done',
      rows: N,
      next_row: N,
    });
  } finally {
    d.close();
  }
  // Ingesting the same file again, even under another name, adds nothing.
  const copy = join(dir.path, 'big-copy.parquet');
  writeFileSync(copy, readFileSync(big));
  const again = runCli(['ingest', ws, copy]);
  assert.equal(again.code, 0);
  assert.match(again.stdout, /already ingested/);
});

test('SIGKILL mid-way through an image folder, then the same ingest again: every photo exactly once', async () => {
  const ws = join(dir.path, 'ws-kill-images');
  assert.equal(runCli(['init', ws]).code, 0);
  const at = await ingestAndKill(ws, cocoDir);
  assert.ok(at.n < 239, 'killed before the end');
  // Not `jobs resume`: running the same command again continues the half-read source from its resume point.
  const again = runCli(['ingest', ws, cocoDir]);
  assert.equal(again.code, 0, again.stderr);
  const d = db(ws);
  try {
    assert.deepEqual(d.prepare(`SELECT COUNT(*) n, COUNT(DISTINCT row) d, MAX(row) hi FROM samples`).get(), {
      n: 239,
      d: 239,
      hi: 238,
    });
    assert.equal((d.prepare(`SELECT COUNT(*) n FROM images`).get() as { n: number }).n, 239);
    assert.deepEqual(d.prepare(`SELECT COUNT(*) n, MIN(state) state FROM sources`).get(), { n: 1, state: 'done' });
  } finally {
    d.close();
  }
});
