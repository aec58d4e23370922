// The filter job killed with SIGKILL mid-run and resumed: every candidate gets exactly one similarity, and nothing
// committed before the kill is computed again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openWorkspace, type Db } from '../../native-workers/store/workspace.ts';
import { getJob, listJobs } from '../../native-workers/store/jobs.ts';
import { runCli, tempDir } from '../helpers/workspace.ts';
import { runCliUntil } from '../helpers/kill-cli.ts';
import { TINY_VOCAB, writeTinySentence } from '../helpers/tiny-onnx.ts';

const N = 6000;

test('filter: SIGKILL mid-job, then `jobs resume` completes without recomputing', async () => {
  const dir = tempDir('imagenot-filter-resume-');
  try {
    const modelDir = join(dir.path, 'sent');
    writeTinySentence(modelDir, { hidden: 256, layers: 2 });
    const wsDir = join(dir.path, 'ws');
    const ws = openWorkspace(wsDir, { create: true });
    ws.db.transaction(() => {
      ws.db.prepare(`INSERT INTO sources (id, path, kind, content_hash) VALUES (1, 'x.csv', 'csv', 'h')`).run();
      ws.db
        .prepare(
          `INSERT INTO synsets (wnid, name, lemmas, definition, lexname, depth) VALUES ('n02084071', 'dog', 'dog', 'a domestic animal', 'noun.animal', 3)`,
        )
        .run();
      const sample = ws.db.prepare(`INSERT INTO samples (id, source_id, row, caption) VALUES (?, 1, ?, ?)`);
      const match = ws.db.prepare(
        `INSERT INTO matches (sample_id, wnids, lemmas, status) VALUES (?, 'n02084071', 'dog', 'matched')`,
      );
      for (let i = 1; i <= N; i++) {
        sample.run(i, i - 1, `dog ${TINY_VOCAB[i % TINY_VOCAB.length]} ${TINY_VOCAB[(i * 7) % TINY_VOCAB.length]}`);
        match.run(i);
      }
    })();
    ws.close();
    assert.equal(runCli(['models', 'add', wsDir, modelDir, '--kind', 'sentence', '--name', 'sent']).code, 0);

    const similarities = (db: Db) =>
      (db.prepare(`SELECT COUNT(*) n FROM text_similarities WHERE encoder = 'sent'`).get() as { n: number }).n;
    await runCliUntil(wsDir, ['filter', wsDir, '--encoder', 'sent', '--batch', '4'], (db) => similarities(db) > 0, {
      timeoutMs: 120000,
      pollMs: 20,
    });

    const ws2 = openWorkspace(wsDir);
    const killed = listJobs(ws2.db)[0];
    assert.equal(killed.kind, 'filter');
    assert.equal(killed.state, 'interrupted');
    const before = similarities(ws2.db);
    assert.ok(before > 0 && before < N, `partial progress before resume (${before})`);
    ws2.close();

    const resumed = runCli(['jobs', 'resume', wsDir, String(killed.id)]);
    assert.equal(resumed.code, 0, resumed.stderr);
    const ws3 = openWorkspace(wsDir);
    const job = getJob(ws3.db, killed.id)!;
    assert.equal(job.state, 'succeeded');
    assert.equal((job.result as { computed: number }).computed, N - before, 'only the candidates left are computed');
    const rows = ws3.db
      .prepare(`SELECT COUNT(*) n, COUNT(DISTINCT sample_id) d FROM text_similarities WHERE encoder = 'sent'`)
      .get() as { n: number; d: number };
    assert.deepEqual(rows, { n: N, d: N });
    ws3.close();
  } finally {
    dir.cleanup();
  }
});
