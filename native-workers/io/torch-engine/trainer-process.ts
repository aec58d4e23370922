// Starting the PyTorch trainer (trainers/torch/train.py) with the user's Python and reading its events.
//
// The interpreter: the one named (`--python`, a job's `python` param), else IMAGENOT_PYTHON, else `python3` on PATH.
// The trainer runs in its own process group (with its ranks and DataLoader workers), so a cancel kills all of it at
// once; `--parent-watch` makes it stop by itself when this process dies (its stdin pipe closes).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { parseTrainerLine, type TrainerEvent, type TrainerEventOf } from './events.ts';
import { config } from '../../config/settings.ts';

const INSTALL =
  'Python 3 with PyTorch and torchvision (pip install torch torchvision; on Debian: apt-get install python3-torch ' +
  'python3-torchvision), or name an interpreter that has them with --python or IMAGENOT_PYTHON';

/** The interpreter to run: explicit, else IMAGENOT_PYTHON, else python3 on PATH. */
export function pythonCommand(explicit?: string): string {
  return explicit || config.python || 'python3';
}

/** trainers/torch next to the sources, or next to the bundle (dist/trainers/torch); IMAGENOT_TORCH_TRAINER wins. */
export function trainerScript(): string {
  const candidates = [
    config.torchTrainer,
    fileURLToPath(new URL('../../trainers/torch/train.py', import.meta.url)),
    fileURLToPath(new URL('./trainers/torch/train.py', import.meta.url)),
  ].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (!found)
    throw new Error(`the PyTorch trainer is missing from this installation (looked for ${candidates.join(', ')})`);
  return found;
}

export class TrainerError extends Error {
  override name = 'TrainerError';
}

function startError(python: string, err: NodeJS.ErrnoException): TrainerError {
  if (err.code === 'ENOENT') {
    return new TrainerError(
      `no Python interpreter '${python}' (not found${python.includes('/') ? '' : ' on PATH'}): install ${INSTALL}`,
    );
  }
  return new TrainerError(`could not start ${python}: ${err.message}`);
}

export interface TrainerRun {
  child: ChildProcess;
  /** Resolves with the exit code (or the signal's name) once the process and its output have ended. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderrTail: string[] }>;
  /** SIGKILL the trainer's whole process group (ranks, data workers). */
  kill(): void;
}

/**
 * Start `python train.py ...args`. Each stdout line is parsed and validated and handed to onEvent in order (a
 * thrown error stops the trainer and rejects `done`'s caller through `failure`); a line that is not an event goes to
 * onLog as a warning. stderr lines go to onLog.
 */
export function startTrainer(
  python: string,
  args: string[],
  handlers: {
    onEvent(e: TrainerEvent): void;
    onLog(line: string, level: 'info' | 'warn'): void;
    env?: NodeJS.ProcessEnv;
  },
): TrainerRun & { failure: () => unknown } {
  const child = spawn(python, [trainerScript(), ...args], {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1', ...handlers.env },
  });
  let failure: unknown;
  let spawnError: NodeJS.ErrnoException | undefined;
  const kill = () => {
    if (child.pid == null || child.exitCode != null || child.signalCode != null) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  };
  const stderrTail: string[] = [];
  const out = createInterface({ input: child.stdout!, crlfDelay: Infinity });
  const err = createInterface({ input: child.stderr!, crlfDelay: Infinity });
  out.on('line', (line) => {
    if (!line.trim() || failure) return;
    const parsed = parseTrainerLine(line);
    if ('error' in parsed) return handlers.onLog(parsed.error, 'warn');
    try {
      handlers.onEvent(parsed.event);
    } catch (e) {
      failure = e;
      kill();
    }
  });
  err.on('line', (line) => {
    if (!line.trim()) return;
    stderrTail.push(line);
    if (stderrTail.length > 20) stderrTail.shift();
    handlers.onLog(line, 'info');
  });
  child.stdin!.on('error', () => {
    /* the trainer exited; nothing more to write */
  });
  const outputEnded = Promise.all([out, err].map((lines) => new Promise<void>((r) => lines.once('close', () => r()))));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderrTail: string[] }>(
    (resolve, reject) => {
      child.once('error', (e) => {
        spawnError = e as NodeJS.ErrnoException;
        reject(startError(python, spawnError));
      });
      child.once('exit', (code, signal) => {
        void outputEnded.then(() => resolve({ code, signal, stderrTail }));
      });
    },
  );
  return { child, done, kill, failure: () => failure };
}

/** Run a one-shot trainer command (params, bench, split, check-input) and return its one event of `kind`. */
export async function runTrainerCommand<K extends TrainerEvent['event']>(
  python: string,
  args: string[],
  kind: K,
  opts: { env?: NodeJS.ProcessEnv; onLog?: (line: string) => void } = {},
): Promise<TrainerEventOf<K>> {
  let result: TrainerEventOf<K> | undefined;
  let error: string | undefined;
  const run = startTrainer(python, args, {
    env: opts.env,
    onEvent: (e) => {
      if (e.event === kind) result = e as TrainerEventOf<K>;
      else if (e.event === 'error') error ??= e.message;
    },
    onLog: (line) => opts.onLog?.(line),
  });
  run.child.stdin!.end();
  const exit = await run.done;
  if (error) throw new TrainerError(error);
  if (!result) {
    throw new TrainerError(
      `${python} ${args[0]} ended (${exit.signal ?? `code ${exit.code}`}) without a result:\n${exit.stderrTail.join('\n')}`,
    );
  }
  return result;
}
