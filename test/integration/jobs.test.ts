// The job system with real worker processes: success, crash, cancel, SIGKILL and resume, and a CLI following the
// jobs a `serve` in the same workspace picked up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openWorkspace } from '../../native-workers/store/workspace.ts';
import { JobRunner } from '../../native-workers/jobs/runner.ts';
import { loadWorker } from '../../native-workers/workers/registry.ts';
import { createJob, finishJob, getJob, listJobs } from '../../native-workers/store/jobs.ts';
import { selftestRows, useSelftestWorker } from '../helpers/selftest-worker.ts';
import { runCli, spawnCli, tempDir } from '../helpers/workspace.ts';
import { runCliUntil } from '../helpers/kill-cli.ts';

useSelftestWorker();

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

test('a crashing worker marks its job failed and the next job still runs', async () => {
  const dir = tempDir();
  const ws = openWorkspace(join(dir.path, 'ws'), { create: true });
  try {
    const runner = new JobRunner(ws, { workers: loadWorker }).start();
    const bad = await runner.enqueue('selftest', { rows: 300, batch: 50, crashAt: 120 });
    const good = await runner.enqueue('selftest', { rows: 200, batch: 50 });
    const badEnd = await runner.waitFor(bad.id);
    const goodEnd = await runner.waitFor(good.id);
    assert.equal(badEnd.state, 'failed');
    assert.match(badEnd.error!, /crashed on purpose at row 120/);
    assert.deepEqual(selftestRows(ws.db, bad.id), range(100), 'batches before the crash were committed');
    assert.equal(goodEnd.state, 'succeeded');
    assert.deepEqual(selftestRows(ws.db, good.id), range(200));
    await runner.stop();
  } finally {
    ws.close();
    dir.cleanup();
  }
});

test('cancel stops a running job and marks it cancelled', async () => {
  const dir = tempDir();
  const ws = openWorkspace(join(dir.path, 'ws'), { create: true });
  try {
    const runner = new JobRunner(ws, { workers: loadWorker }).start();
    const job = await runner.enqueue('selftest', { rows: 100000, batch: 10, delayMs: 20 });
    await new Promise<void>((resolve) => {
      runner.on('progress', (p) => {
        if (p.jobId === job.id && p.done >= 50) resolve();
      });
    });
    runner.cancel(job.id);
    const end = await runner.waitFor(job.id);
    assert.equal(end.state, 'cancelled');
    const rows = selftestRows(ws.db, job.id);
    assert.ok(rows.length < 100000 && rows.length >= 50, `partial rows kept (${rows.length})`);
    await runner.stop();
  } finally {
    ws.close();
    dir.cleanup();
  }
});

test('SIGKILL mid-job, then `jobs resume`: every row exactly once', async () => {
  const dir = tempDir();
  const wsDir = join(dir.path, 'ws');
  try {
    assert.equal(runCli(['init', wsDir]).code, 0);
    // A job that never ran, handed to a CLI process (`jobs resume` runs it from its start).
    const fresh = openWorkspace(wsDir);
    const id = createJob(fresh.db, 'selftest', { rows: 3000, batch: 25, delayMs: 10 });
    finishJob(fresh.db, id, 'interrupted');
    fresh.close();
    await runCliUntil(wsDir, ['jobs', 'resume', wsDir, String(id)], (db) => (listJobs(db)[0]?.done ?? 0) >= 300, {
      what: 'selftest',
      pollMs: 100,
    });
    const ws = openWorkspace(wsDir);
    const killed = listJobs(ws.db)[0];
    assert.equal(killed.state, 'interrupted', 'a job whose process died is interrupted on open');
    const before = selftestRows(ws.db, killed.id).length;
    assert.ok(before > 0 && before < 3000, `partial progress before resume (${before})`);
    ws.close();

    const resumed = runCli(['jobs', 'resume', wsDir, String(killed.id), '--json']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const ws2 = openWorkspace(wsDir);
    assert.deepEqual(selftestRows(ws2.db, killed.id), range(3000));
    assert.equal(getJob(ws2.db, killed.id)!.state, 'succeeded');
    ws2.close();
  } finally {
    dir.cleanup();
  }
});

test('CLI: init, status --json shape, usage errors exit 2', () => {
  const dir = tempDir();
  try {
    const ws = join(dir.path, 'ws');
    assert.equal(runCli(['init', ws]).code, 0);
    const st = runCli(['status', ws, '--json']);
    assert.equal(st.code, 0);
    const s = JSON.parse(st.stdout);
    for (const k of [
      'samples',
      'images',
      'rejected',
      'matched',
      'ambiguous',
      'above_threshold',
      'classes_selected',
      'train_images',
      'test_images',
      'runs',
      'jobs',
    ]) {
      assert.ok(k in s, `status has ${k}`);
    }
    assert.equal(runCli(['no-such-command']).code, 2);
    assert.equal(runCli(['jobs', 'cancel', ws, 'x']).code, 2);
    assert.equal(runCli(['status', join(dir.path, 'nowhere')]).code, 1);
  } finally {
    dir.cleanup();
  }
});

test('`jobs resume` while a serve runs in the same workspace: the CLI follows the job the serve took and exits with its outcome', async () => {
  const dir = tempDir();
  const wsDir = join(dir.path, 'ws');
  assert.equal(runCli(['init', wsDir]).code, 0);
  let serve: ReturnType<typeof spawnCli> | undefined;
  try {
    // Two interrupted jobs: a short one, and a longer one that fails on purpose.
    const ws = openWorkspace(wsDir);
    const short = createJob(ws.db, 'selftest', { rows: 200, batch: 20, delayMs: 100 });
    const failing = createJob(ws.db, 'selftest', { rows: 800, batch: 20, delayMs: 100, crashAt: 600 });
    for (const id of [short, failing]) finishJob(ws.db, id, 'interrupted', { error: 'the process running it stopped' });
    ws.close();
    // The serve leaves interrupted jobs alone; it runs what gets queued.
    serve = spawnCli(['serve', wsDir, '--port', '0']);
    let served = '';
    serve.stdout.on('data', (d) => (served += d));
    serve.stderr.on('data', (d) => (served += d));
    const deadline = Date.now() + 120000;
    while (!/token=/.test(served)) {
      if (Date.now() > deadline || serve.exitCode != null) throw new Error(`serve did not start:\n${served}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    // The CLI starts one job itself; the serve (polling its queue) takes the other while the first runs.
    const r = runCli(['jobs', 'resume', wsDir], { timeoutMs: 300000 });
    assert.equal(r.code, 1, `exit code: ${r.code}\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /\[job #\d+\] running in another process \(pid \d+\): following it here/);
    assert.match(r.stdout, new RegExp(`job ${short} \\(selftest\\): succeeded`));
    assert.match(r.stdout, new RegExp(`job ${failing} \\(selftest\\): failed`));
    assert.match(r.stderr, /failed: selftest crashed on purpose at row 600/);

    const after = openWorkspace(wsDir);
    try {
      assert.deepEqual(selftestRows(after.db, short), range(200));
      assert.deepEqual(selftestRows(after.db, failing), range(600));
      assert.equal(getJob(after.db, short)!.state, 'succeeded');
      assert.equal(getJob(after.db, failing)!.state, 'failed');
    } finally {
      after.close();
    }
  } finally {
    if (serve && serve.exitCode == null) {
      const exited = new Promise((r) => serve!.once('exit', r));
      serve.kill('SIGTERM');
      await exited;
    }
    dir.cleanup();
  }
});
