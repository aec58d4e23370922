// What the CLI prints besides results, set once per command by the global --quiet / --verbose flags, and the exit
// code a signal asks for. Results (stdout, --json) never depend on the verbosity.
//   quiet:   errors only (no progress display, no info or warning lines)
//   normal:  progress, and job log lines as they come
//   verbose: also times and levels on job log lines, where each job's log file is, and stack traces of errors
export type Verbosity = 'quiet' | 'normal' | 'verbose';

let current: Verbosity = 'normal';
let signalled: NodeJS.Signals | undefined;

export function setVerbosity(v: Verbosity): void {
  current = v;
}

export function verbosity(): Verbosity {
  return current;
}

/** An informational line on stderr (dropped with --quiet). */
export function note(line: string): void {
  if (current !== 'quiet') process.stderr.write(`${line}\n`);
}

/** A command stopped because of this signal: the process exits 128 + its number (SIGINT 130, SIGTERM 143). */
export function recordSignal(signal: NodeJS.Signals): void {
  signalled ??= signal;
}

export function signalExitCode(): number | undefined {
  if (signalled === 'SIGINT') return 130;
  if (signalled === 'SIGTERM') return 143;
  return undefined;
}
