// Each job's log on disk, under the workspace's logs/ folder, so a multi-hour run leaves a record after its process
// is gone. One line per entry: `<ISO time> <level> <message>` (levels info, warn, error; a multi-line message becomes
// several lines with the same time and level). The log is bounded and keeps both ends: `job-<id>.log` holds the
// first `headBytes`, then lines go to numbered segments `job-<id>.1.log`, `job-<id>.2.log`, ... of `segmentBytes`
// each, of which only the newest `tailSegments` are kept; the number of lines dropped in between is kept in
// `job-<id>.dropped`. Segments are only ever appended to, so a reader's cursor (segment, byte offset) stays valid.
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

export const LOG_LEVELS = ['info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LogLine {
  time: string;
  level: LogLevel;
  message: string;
}

export interface LogLimits {
  headBytes: number;
  segmentBytes: number;
  tailSegments: number;
}

/** At most 1 MiB of head and 3 MiB of tail per job. */
export const DEFAULT_LOG_LIMITS: LogLimits = { headBytes: 1 << 20, segmentBytes: 1 << 20, tailSegments: 3 };
/** A longer message line is cut (a library dumping a buffer must not fill the log in one line). */
const MAX_LINE_CHARS = 16 * 1024;

/** Where a reader stopped: a segment (0 = the head file) and a byte offset in it. */
export interface LogCursor {
  segment: number;
  offset: number;
}

const segmentName = (jobId: number, n: number) => (n === 0 ? `job-${jobId}.log` : `job-${jobId}.${n}.log`);
const droppedName = (jobId: number) => `job-${jobId}.dropped`;

/** The log file a user opens first (the head). */
export function jobLogPath(logsDir: string, jobId: number): string {
  return join(logsDir, segmentName(jobId, 0));
}

/** The job's segments present on disk, ascending. */
function segments(logsDir: string, jobId: number): number[] {
  if (!existsSync(logsDir)) return [];
  const pattern = new RegExp(`^job-${jobId}(?:\\.(\\d+))?\\.log$`);
  const found: number[] = [];
  for (const f of readdirSync(logsDir)) {
    const m = pattern.exec(f);
    if (m) found.push(m[1] ? Number(m[1]) : 0);
  }
  return found.sort((a, b) => a - b);
}

function droppedLines(logsDir: string, jobId: number): number {
  try {
    return Number(readFileSync(join(logsDir, droppedName(jobId)), 'utf8')) || 0;
  } catch {
    return 0;
  }
}

function formatEntry(time: string, level: LogLevel, message: string): string {
  const lines = message.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
  return lines
    .map((line) => {
      const cut =
        line.length > MAX_LINE_CHARS
          ? `${line.slice(0, MAX_LINE_CHARS)} ... (${line.length - MAX_LINE_CHARS} more characters)`
          : line;
      return `${time} ${level.padEnd(5)} ${cut}\n`;
    })
    .join('');
}

const LINE = /^(\S+) (info |warn |error) (.*)$/;

export function parseLogLine(text: string): LogLine {
  const m = LINE.exec(text);
  if (!m) return { time: '', level: 'info', message: text };
  return { time: m[1], level: m[2].trim() as LogLevel, message: m[3] };
}

/** Appends to one job's log. One writer per job at a time: the runner that runs it. */
export class JobLogWriter {
  private segment: number;
  private size: number;
  private fd: number | null = null;
  /** After close(), a late line (a worker's last output) is still written, without keeping the file open. */
  private closed = false;

  constructor(
    private readonly logsDir: string,
    private readonly jobId: number,
    private readonly limits: LogLimits = DEFAULT_LOG_LIMITS,
  ) {
    // A resumed job continues its log where the last attempt left it.
    const present = segments(logsDir, jobId);
    this.segment = present.length ? present[present.length - 1] : 0;
    const path = join(logsDir, segmentName(jobId, this.segment));
    this.size = existsSync(path) ? statSync(path).size : 0;
  }

  get path(): string {
    return jobLogPath(this.logsDir, this.jobId);
  }

  write(level: LogLevel, message: string, time = new Date()): void {
    const iso = time.toISOString();
    for (const line of formatEntry(iso, level, message).split(/(?<=\n)/)) {
      const bytes = Buffer.from(line);
      const cap = this.segment === 0 ? this.limits.headBytes : this.limits.segmentBytes;
      if (this.size > 0 && this.size + bytes.length > cap) this.rotate();
      this.fd ??= openSync(join(this.logsDir, segmentName(this.jobId, this.segment)), 'a');
      writeSync(this.fd, bytes);
      this.size += bytes.length;
    }
    if (this.closed) this.closeFile();
  }

  /** Start the next segment; the one that falls out of the kept tail is deleted and its lines counted as dropped. */
  private rotate(): void {
    this.closeFile();
    this.segment++;
    this.size = 0;
    const gone = this.segment - this.limits.tailSegments;
    if (gone >= 1) {
      const path = join(this.logsDir, segmentName(this.jobId, gone));
      if (existsSync(path)) {
        const data = readFileSync(path);
        let lines = 0;
        for (const b of data) if (b === 0x0a) lines++;
        writeFileSync(
          join(this.logsDir, droppedName(this.jobId)),
          String(droppedLines(this.logsDir, this.jobId) + lines),
        );
        rmSync(path);
      }
    }
  }

  private closeFile(): void {
    if (this.fd != null) closeSync(this.fd);
    this.fd = null;
  }

  close(): void {
    this.closed = true;
    this.closeFile();
  }
}

export interface LogRead {
  lines: LogLine[];
  /** Where to continue reading (for following a running job). */
  next: LogCursor;
  /** Lines dropped between the head and the kept tail (0 when nothing was dropped). */
  dropped: number;
  /** Whether the job has a log at all. */
  exists: boolean;
}

function readFrom(path: string, offset: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = statSync(path).size;
    if (offset >= size) return Buffer.alloc(0);
    const buf = Buffer.alloc(size - offset);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/**
 * Read a job's log from `from` (default: the start), at most `limit` lines. Only complete lines are returned, so a
 * line being written is read whole on the next call. Where lines were dropped, one `warn` line says how many.
 */
export function readJobLog(logsDir: string, jobId: number, opts: { from?: LogCursor; limit?: number } = {}): LogRead {
  const present = segments(logsDir, jobId);
  const dropped = droppedLines(logsDir, jobId);
  const limit = opts.limit ?? Infinity;
  let cursor: LogCursor = opts.from ?? { segment: 0, offset: 0 };
  const lines: LogLine[] = [];
  for (const seg of present) {
    if (seg < cursor.segment) continue;
    if (lines.length >= limit) break;
    if (seg > cursor.segment) {
      // Moving on to a later segment: anything between was dropped (only ever between the head and the kept tail).
      const skipped = seg > cursor.segment + 1 || (cursor.segment > 0 && !present.includes(cursor.segment));
      if (skipped && dropped > 0) {
        lines.push({
          time: '',
          level: 'warn',
          message: `... ${dropped} lines dropped here (a job log keeps its first and its last lines) ...`,
        });
      }
      cursor = { segment: seg, offset: 0 };
    }
    const data = readFrom(join(logsDir, segmentName(jobId, seg)), cursor.offset);
    let start = 0;
    for (let i = 0; i < data.length && lines.length < limit; i++) {
      if (data[i] !== 0x0a) continue;
      lines.push(parseLogLine(data.toString('utf8', start, i)));
      start = i + 1;
    }
    cursor = { segment: seg, offset: cursor.offset + start };
  }
  return { lines, next: cursor, dropped, exists: present.length > 0 };
}

/** The last `count` lines (a cursor at the end, to follow from). */
export function readJobLogTail(logsDir: string, jobId: number, count: number): LogRead {
  const all = readJobLog(logsDir, jobId);
  return { ...all, lines: all.lines.slice(Math.max(0, all.lines.length - count)) };
}
