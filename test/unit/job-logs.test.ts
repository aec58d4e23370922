// Job logs on disk: the line format, multi-line messages, the head + tail bound with a count of dropped lines, and
// cursors that keep working while the log grows and rotates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  JobLogWriter,
  readJobLog,
  readJobLogTail,
  jobLogPath,
  parseLogLine,
} from '../../native-workers/store/job-logs.ts';
import { tempDir } from '../helpers/workspace.ts';

test('lines carry an ISO time and a level; a multi-line message becomes several lines; a resumed writer appends', () => {
  const dir = tempDir();
  try {
    const w = new JobLogWriter(dir.path, 7);
    const t = new Date('2026-03-01T10:00:00.000Z');
    w.write('info', 'started', t);
    w.write('warn', 'first\r\nsecond\n', t);
    w.write('error', '  indented', t);
    w.close();
    assert.equal(
      readFileSync(jobLogPath(dir.path, 7), 'utf8'),
      '2026-03-01T10:00:00.000Z info  started\n2026-03-01T10:00:00.000Z warn  first\n2026-03-01T10:00:00.000Z warn  second\n' +
        '2026-03-01T10:00:00.000Z error   indented\n',
    );
    const again = new JobLogWriter(dir.path, 7);
    again.write('info', 'attempt 2', t);
    again.close();
    const read = readJobLog(dir.path, 7);
    assert.deepEqual(
      read.lines.map((l) => [l.level, l.message]),
      [
        ['info', 'started'],
        ['warn', 'first'],
        ['warn', 'second'],
        ['error', '  indented'],
        ['info', 'attempt 2'],
      ],
    );
    assert.equal(read.lines[0].time, '2026-03-01T10:00:00.000Z');
    assert.equal(read.dropped, 0);
    assert.deepEqual(parseLogLine('not a log line'), { time: '', level: 'info', message: 'not a log line' });
    assert.equal(readJobLog(dir.path, 8).exists, false);
  } finally {
    dir.cleanup();
  }
});

test('a long log keeps its head and its tail, bounded on disk, and says how many lines it dropped', () => {
  const dir = tempDir();
  try {
    const limits = { headBytes: 2000, segmentBytes: 1000, tailSegments: 2 };
    const w = new JobLogWriter(dir.path, 3, limits);
    const n = 5000;
    for (let i = 0; i < n; i++) w.write(i % 100 === 0 ? 'warn' : 'info', `line ${i}`);
    w.close();
    const bytes = readdirSync(dir.path)
      .filter((f) => f.endsWith('.log'))
      .reduce((sum, f) => sum + statSync(join(dir.path, f)).size, 0);
    assert.ok(bytes <= limits.headBytes + limits.tailSegments * limits.segmentBytes, `${bytes} bytes on disk`);

    const { lines, dropped } = readJobLog(dir.path, 3);
    const numbers = lines.filter((l) => l.time).map((l) => Number(l.message.slice(5)));
    assert.equal(numbers[0], 0, 'the head starts at the first line');
    assert.equal(numbers[numbers.length - 1], n - 1, 'the tail ends at the last line');
    const marker = lines.findIndex((l) => !l.time);
    assert.match(lines[marker].message, new RegExp(`${dropped} lines dropped here`));
    assert.equal(numbers.length + dropped, n, 'kept + dropped = written');
    // Kept lines are contiguous on each side of the marker.
    const head = numbers.slice(0, marker);
    const tail = numbers.slice(marker);
    assert.deepEqual(
      head,
      head.map((_, i) => i),
    );
    assert.deepEqual(
      tail,
      tail.map((_, i) => n - tail.length + i),
    );

    assert.deepEqual(
      readJobLogTail(dir.path, 3, 3).lines.map((l) => l.message),
      [`line ${n - 3}`, `line ${n - 2}`, `line ${n - 1}`],
    );
  } finally {
    dir.cleanup();
  }
});

test('a cursor continues where the last read stopped, across rotation', () => {
  const dir = tempDir();
  try {
    const limits = { headBytes: 600, segmentBytes: 600, tailSegments: 3 };
    const w = new JobLogWriter(dir.path, 1, limits);
    const seen: string[] = [];
    let cursor;
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 7; i++) w.write('info', `r${round} i${i}`);
      const read = readJobLog(dir.path, 1, { from: cursor, limit: 5 });
      seen.push(...read.lines.map((l) => l.message));
      cursor = read.next;
    }
    w.close();
    for (;;) {
      const read = readJobLog(dir.path, 1, { from: cursor, limit: 5 });
      if (!read.lines.length) break;
      seen.push(...read.lines.map((l) => l.message));
      cursor = read.next;
    }
    const written = Array.from({ length: 20 }, (_, r) => Array.from({ length: 7 }, (_, i) => `r${r} i${i}`)).flat();
    // A reader slower than the writer may find a segment gone: it is told so, and otherwise sees lines in order.
    const real = seen.filter((m) => !m.includes('dropped'));
    let last = -1;
    for (const m of real) {
      const at = written.indexOf(m);
      assert.ok(at > last, `${m} after the previous line`);
      last = at;
    }
    assert.equal(real[real.length - 1], 'r19 i6');
    if (real.length < written.length)
      assert.ok(
        seen.some((m) => m.includes('dropped')),
        'a gap is announced',
      );
  } finally {
    dir.cleanup();
  }
});
