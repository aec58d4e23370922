// torchvision / torch references for the training tests: runs test/helpers/torchvision_reference.py with Debian's
// python3 (python3-torch, python3-torchvision; `.ci/run` installs them) and returns its JSON answer.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../../native-workers/core/stats/bootstrap.ts';
import { config } from '../../native-workers/config/settings.ts';

const SCRIPT = fileURLToPath(new URL('./torchvision_reference.py', import.meta.url));
/** The interpreter with torch (IMAGENOT_TORCH_PYTHON, else the torch engine's IMAGENOT_PYTHON, else Debian's). */
export const TORCH_PYTHON = config.torchPython;

export function torchvisionReference<T>(command: string, request: unknown): T {
  const r = spawnSync(TORCH_PYTHON, [SCRIPT, command], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (r.error)
    throw new Error(`cannot run ${TORCH_PYTHON} (${r.error.message}); install python3-torch and python3-torchvision`);
  if (r.status !== 0) {
    const hint = /No module named '(torch|torchvision)'/.test(r.stderr)
      ? ' (apt-get install python3-torch python3-torchvision)'
      : '';
    throw new Error(`torchvision reference '${command}' failed${hint}:\n${r.stderr.slice(-3000)}`);
  }
  return JSON.parse(r.stdout) as T;
}

/** A recorded stream of uniform draws: the values handed out, so they can be replayed to torchvision. */
export function recordingRand(seed: number): { rand: () => number; draws: number[] } {
  const source = mulberry32(seed);
  const draws: number[] = [];
  return {
    draws,
    rand: () => {
      const v = source();
      draws.push(v);
      return v;
    },
  };
}
