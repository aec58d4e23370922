// Job logs with real worker processes: every attempt of a job leaves its lines in the workspace (start, worker
// lines, end), read back through `imagenot jobs log` (plain, --json, --level, --tail, --follow) and the `jobs.log`
// channel; the CLI's --quiet / --verbose; Ctrl-C on a command running a job exits 130 with the job cancelled;
// `serve --json` prints its URL and token as one JSON line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openWorkspace } from '../../native-workers/store/workspace.ts';
import { JobRunner } from '../../native-workers/jobs/runner.ts';
import { loadWorker } from '../../native-workers/workers/registry.ts';
import { createJob, finishJob, getJob, listJobs } from '../../native-workers/store/jobs.ts';
import { createHandlers } from '../../native-workers/api/handlers/index.ts';
import { dispatch } from '../../native-workers/api/dispatch.ts';
import { readJobLog } from '../../native-workers/store/job-logs.ts';
import { runCli, spawnCli, tempDir } from '../helpers/workspace.ts';
import { selftestRows, useSelftestWorker } from '../helpers/selftest-worker.ts';

useSelftestWorker();

/** A workspace with one interrupted selftest job that a CLI command can pick up with `jobs resume`. */
function workspaceWithJob(params: Record<string, unknown>) {
  const dir = tempDir();
  const wsDir = join(dir.path, 'ws');
  const ws = openWorkspace(wsDir, { create: true });
  const id = createJob(ws.db, 'selftest', params);
  finishJob(ws.db, id, 'interrupted');
  ws.close();
  return { dir, wsDir, id };
}

async function until(what: string, check: () => boolean, timeoutMs = 120000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('each attempt of a job is logged in the workspace and read back by the jobs.log channel', async () => {
  const dir = tempDir();
  const ws = openWorkspace(join(dir.path, 'ws'), { create: true });
  try {
    const runner = new JobRunner(ws, { workers: loadWorker }).start();
    const job = await runner.enqueue('selftest', { rows: 100000, batch: 20, delayMs: 10, logEvery: 100 });
    await new Promise<void>((resolve) =>
      runner.on('progress', (p) => p.jobId === job.id && p.done >= 300 && resolve()),
    );
    runner.cancel(job.id);
    assert.equal((await runner.waitFor(job.id)).state, 'cancelled');
    const crash = await runner.enqueue('selftest', { rows: 300, batch: 50, crashAt: 120, logEvery: 50 });
    assert.equal((await runner.waitFor(crash.id)).state, 'failed');

    const handlers = createHandlers({ ws, runner });
    const first = (await dispatch(handlers, 'jobs.log', { id: job.id })) as {
      lines: { level: string; message: string; time: string }[];
      ended: boolean;
      next: unknown;
    };
    assert.equal(first.ended, true);
    assert.match(
      first.lines[0].message,
      new RegExp(`^selftest job ${job.id} started, attempt 1, worker pid \\d+, params \\{"rows":100000`),
    );
    assert.match(first.lines[0].time, /^\d{4}-\d\d-\d\dT/);
    assert.ok(
      first.lines.some((l) => l.message === 'wrote rows up to 200'),
      'the worker lines are there',
    );
    assert.deepEqual(first.lines.at(-1)!.level, 'warn');
    assert.match(first.lines.at(-1)!.message, /^cancelled \(worker exit code 0\)/);

    const failed = (await dispatch(handlers, 'jobs.log', { id: crash.id, tail: 1 })) as {
      lines: { level: string; message: string }[];
    };
    assert.deepEqual(
      failed.lines.map((l) => l.level),
      ['error'],
    );
    assert.match(failed.lines[0].message, /^failed \(worker exit code 1\): selftest crashed on purpose at row 120/);

    // The second attempt continues the same log; a reader with the cursor of the first read gets only what is new.
    runner.resume(job.id);
    const rowsBefore = selftestRows(ws.db, job.id).length;
    await until('the second attempt to run', () => getJob(ws.db, job.id)!.state === 'running');
    runner.cancel(job.id);
    await runner.waitFor(job.id);
    const second = (await dispatch(handlers, 'jobs.log', { id: job.id, after: first.next })) as {
      lines: { message: string }[];
    };
    assert.match(second.lines[0].message, /started, attempt 2 \(continues from its last committed batch\)/);
    assert.match(second.lines.at(-1)!.message, /^cancelled/);
    assert.ok(selftestRows(ws.db, job.id).length >= rowsBefore);

    await assert.rejects(
      dispatch(handlers, 'jobs.log', { id: job.id, limit: 0 }),
      /invalid request for jobs\.log: limit/,
    );
    await assert.rejects(dispatch(handlers, 'jobs.log', { id: 9999 }), /no job 9999/);
    await runner.stop();
  } finally {
    ws.close();
    dir.cleanup();
  }
});

test('`jobs log`: plain, --json, --level, --tail, and --follow until the job ends', async () => {
  const { dir, wsDir, id } = workspaceWithJob({ rows: 600, batch: 20, delayMs: 20, logEvery: 100 });
  try {
    const running = spawnCli(['jobs', 'resume', wsDir, String(id)]);
    const exited = new Promise<number | null>((r) => running.once('exit', r));
    const ws = openWorkspace(wsDir, { readonly: true });
    await until('the job to start logging', () => readJobLog(ws.paths.logs, id).lines.length > 0);
    ws.close();
    const followed = runCli(['jobs', 'log', wsDir, String(id), '--follow']);
    assert.equal(followed.code, 0, followed.stderr);
    assert.equal(await exited, 0);
    const lines = followed.stdout.trim().split('\n');
    assert.match(lines[0], /^\d{4}-\d\d-\d\dT[\d:.]+Z info {2}selftest job \d+ started, attempt 1,/);
    assert.deepEqual(
      lines.filter((l) => l.includes('wrote rows up to')).map((l) => l.split(' ').at(-1)),
      ['100', '200', '300', '400', '500', '600'],
    );
    assert.match(
      lines.at(-1)!,
      /info {2}succeeded \(worker exit code 0\), result \{"rows":600\}$/,
      'follow read up to the last line',
    );

    const json = runCli(['jobs', 'log', wsDir, String(id), '--json']);
    const objects = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      objects.map((o) => o.message),
      lines.map((l) => l.replace(/^\S+ \w+ +/, '')),
    );
    assert.deepEqual(Object.keys(objects[0]), ['time', 'level', 'message']);

    const tail = runCli(['jobs', 'log', wsDir, String(id), '--tail', '2']);
    assert.deepEqual(tail.stdout.trim().split('\n'), lines.slice(-2));
    const errors = runCli(['jobs', 'log', wsDir, String(id), '--level', 'error']);
    assert.equal(errors.stdout, '');
    assert.equal(runCli(['jobs', 'log', wsDir, String(id), '--level', 'debug']).code, 2);
    assert.equal(runCli(['jobs', 'log', wsDir, '99']).code, 2);
  } finally {
    dir.cleanup();
  }
});

test('--quiet prints no progress or log lines, --verbose adds times, levels and the log file', () => {
  const params = { rows: 300, batch: 50, delayMs: 5, logEvery: 100 };
  const quiet = workspaceWithJob(params);
  const normal = workspaceWithJob(params);
  const verbose = workspaceWithJob(params);
  try {
    const q = runCli(['--quiet', 'jobs', 'resume', quiet.wsDir, String(quiet.id)]);
    assert.equal(q.code, 0, q.stderr);
    assert.equal(q.stderr, '');
    assert.match(q.stdout, /succeeded/, 'results still print');

    const n = runCli(['jobs', 'resume', normal.wsDir, String(normal.id)]);
    assert.match(n.stderr, new RegExp(`\\[job #${normal.id}\\] wrote rows up to 100\\n`));

    // Placed after the subcommand's arguments, as users type it.
    const v = runCli(['jobs', 'resume', verbose.wsDir, String(verbose.id), '--verbose']);
    assert.equal(v.code, 0, v.stderr);
    assert.match(
      v.stderr,
      new RegExp(`\\[job #${verbose.id}\\] \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z info wrote rows up to 100`),
    );
    assert.match(v.stderr, new RegExp(`running; its log: .*logs/job-${verbose.id}\\.log`));
  } finally {
    for (const w of [quiet, normal, verbose]) w.dir.cleanup();
  }
});

test('Ctrl-C on a command running a job cancels the job and exits 130', async () => {
  const { dir, wsDir, id } = workspaceWithJob({ rows: 100000, batch: 10, delayMs: 20 });
  try {
    const cli = spawnCli(['jobs', 'resume', wsDir, String(id)]);
    let stderr = '';
    cli.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => cli.once('exit', r));
    const ws = openWorkspace(wsDir, { readonly: true });
    try {
      await until('the job to progress', () => (listJobs(ws.db)[0]?.done ?? 0) >= 50);
    } finally {
      ws.close();
    }
    cli.kill('SIGINT');
    assert.equal(await exited, 130, stderr);
    assert.match(stderr, /SIGINT: cancelling this command's jobs/);
    const after = openWorkspace(wsDir);
    try {
      assert.equal(getJob(after.db, id)!.state, 'cancelled');
      assert.match(readJobLog(after.paths.logs, id).lines.at(-1)!.message, /^cancelled/);
    } finally {
      after.close();
    }
  } finally {
    dir.cleanup();
  }
});

test('`serve --json` prints {url, token, workspace} on one line once listening; Ctrl-C exits 130', async () => {
  const dir = tempDir();
  try {
    const wsDir = join(dir.path, 'ws');
    assert.equal(runCli(['init', wsDir]).code, 0);
    const serve = spawnCli(['serve', wsDir, '--port', '0', '--json']);
    let out = '';
    serve.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => serve.once('exit', r));
    await until('serve to listen', () => out.includes('\n'));
    const info = JSON.parse(out.split('\n')[0]);
    assert.deepEqual(Object.keys(info), ['url', 'token', 'workspace']);
    assert.equal(info.url, `${info.url.split('?')[0]}?token=${info.token}`);
    const res = await fetch(new URL('/api/jobs.list', info.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${info.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(res.status, 200);
    serve.kill('SIGINT');
    assert.equal(await exited, 130);
  } finally {
    dir.cleanup();
  }
});
