// A job that succeeded but rejected inputs or produced nothing says so (the job list shows it amber), and a job that
// failed before committing any work is not offered for resume.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jobAttention } from '../../native-workers/core/jobs/outcome.ts';
import { createJob, finishJob, getJob, publicJob, setJobCursor } from '../../native-workers/store/jobs.ts';
import { recordRejection } from '../../native-workers/store/rejections.ts';
import { tempWorkspace } from '../helpers/workspace.ts';
import { JobSchema } from '../../native-workers/api/channels/jobs.ts';

test('jobAttention: rejections, empty results per kind, failed downloads; null when clean', () => {
  assert.equal(jobAttention('select', { classes: 8 }, 0), null);
  assert.equal(jobAttention('select', { classes: 0 }, 0), 'selected no classes');
  assert.equal(jobAttention('ingest', { samplesAdded: 120 }, 12), 'finished with 12 rejected');
  assert.equal(jobAttention('ingest', { samplesAdded: 0 }, 1), 'finished with 1 rejected; added no new samples');
  assert.equal(
    jobAttention('fetch', { attempted: 10, counts: { ok: 7, timeout: 2, http_error: 1 } }, 0),
    '7 downloaded, 3 failed',
  );
  assert.equal(jobAttention('fetch', { attempted: 10, counts: { ok: 9, opted_out: 1 } }, 0), null);
  assert.equal(jobAttention('clipscore', { scored: 10, failed: 2 }, 0), '2 images could not be scored');
  assert.equal(jobAttention('train', { top1: 40 }, 0), null);
  assert.equal(jobAttention('unknown-kind', null, 0), null);
});

test('finishJob stores the attention of a succeeded job; resumable only with committed work', () => {
  const ws = tempWorkspace();
  try {
    const sel = createJob(ws.db, 'select', {});
    finishJob(ws.db, sel, 'succeeded', { result: { classes: 0 } });
    const ing = createJob(ws.db, 'ingest', {});
    recordRejection(ws.db, { jobId: ing, source: 'a.csv', item: 'row 3', reason: 'no caption' });
    recordRejection(ws.db, { jobId: ing, source: 'a.csv', item: 'row 9', reason: 'no caption' });
    finishJob(ws.db, ing, 'succeeded', { result: { samplesAdded: 5 } });
    const clean = createJob(ws.db, 'select', {});
    finishJob(ws.db, clean, 'succeeded', { result: { classes: 3 } });
    assert.equal(getJob(ws.db, sel)!.attention, 'selected no classes');
    assert.equal(getJob(ws.db, ing)!.attention, 'finished with 2 rejected');
    assert.equal(getJob(ws.db, clean)!.attention, null);

    const noExport = createJob(ws.db, 'train', { arch: 'alexnet' }, 'train');
    finishJob(ws.db, noExport, 'failed', { error: 'no dataset export in exports/' });
    const midway = createJob(ws.db, 'train', { arch: 'alexnet' }, 'train');
    setJobCursor(ws.db, midway, { runId: 1, epoch: 2 });
    finishJob(ws.db, midway, 'failed', { error: 'loss became NaN' });
    const cancelled = createJob(ws.db, 'train', { arch: 'alexnet' }, 'train');
    finishJob(ws.db, cancelled, 'cancelled');
    const pub = (id: number) => JobSchema.parse(publicJob(getJob(ws.db, id)!));
    assert.deepEqual(
      [pub(noExport).resumable, pub(midway).resumable, pub(cancelled).resumable, pub(clean).resumable],
      [false, true, true, false],
    );
    assert.equal(pub(sel).attention, 'selected no classes');
  } finally {
    ws.cleanup();
  }
});
