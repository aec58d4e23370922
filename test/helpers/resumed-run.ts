// Killing a training job and resuming it, whatever its engine. The kill: `imagenot train` in its own process group,
// SIGKILLed (CLI and worker at once) once its run has an epoch checkpoint, watched through a read-only connection
// (opening the workspace normally would race the CLI's own migrations). The resume must show: `jobs resume` says where
// it continues from (an epoch at or after the one it was killed after), the same job ran twice and finished, the run
// continued instead of a new one starting, and its metrics are whole (steps numbered once, one train_loss per epoch).
import assert from 'node:assert/strict';
import { openWorkspace } from '../../native-workers/store/workspace.ts';
import { listRuns, runMetrics, type RunRow } from '../../native-workers/store/runs.ts';
import { listJobs } from '../../native-workers/store/jobs.ts';
import { runCli } from './workspace.ts';
import { runCliUntil } from './kill-cli.ts';

/** `imagenot train ...args` into the workspace wsDir (created first), killed after its first checkpoint; returns that epoch. */
export async function killTrainingAfterCheckpoint(wsDir: string, args: string[]): Promise<number> {
  openWorkspace(wsDir, { create: true }).close();
  return runCliUntil(
    wsDir,
    ['train', ...args, '--workspace', wsDir],
    (db) => {
      const run = db.prepare(`SELECT epoch FROM runs ORDER BY id LIMIT 1`).get() as { epoch: number } | undefined;
      return run && run.epoch >= 1 ? run.epoch : undefined;
    },
    { what: 'training', timeoutMs: 240000, pollMs: 250 },
  );
}

export function resumeKilledTraining(
  wsDir: string,
  o: { epochs: number; killedAfter: number; env?: NodeJS.ProcessEnv },
): RunRow {
  const r = runCli(['jobs', 'resume', wsDir], { env: o.env });
  assert.equal(r.code, 0, r.stderr);
  const resumed = /resuming after epoch (\d+)/.exec(r.stderr);
  assert.ok(resumed, `the resumed job says where it continues from:\n${r.stderr}`);
  assert.ok(Number(resumed[1]) >= o.killedAfter && Number(resumed[1]) < o.epochs, `resumed after epoch ${resumed[1]}`);
  const ws = openWorkspace(wsDir);
  try {
    const job = listJobs(ws.db)[0];
    assert.equal(job.state, 'succeeded');
    assert.equal(job.attempts, 2, 'the same job ran twice');
    const runs = listRuns(ws.db);
    assert.equal(runs.length, 1, 'resume continues the run, it does not start another');
    const run = runs[0];
    assert.equal(run.status, 'succeeded');
    assert.equal(run.epoch, o.epochs);
    assert.ok(run.top1 != null);
    // Steps are numbered once: nothing duplicated, nothing missing.
    const steps = runMetrics(ws.db, run.id, 'loss').map((m) => m.step);
    assert.deepEqual(
      steps,
      Array.from({ length: steps.length }, (_, i) => i + 1),
    );
    assert.equal(runMetrics(ws.db, run.id, 'train_loss').length, o.epochs);
    assert.equal((job.result as { epochs: number }).epochs, o.epochs);
    return run;
  } finally {
    ws.close();
  }
}
