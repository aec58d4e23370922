// How the addon's idle OpenMP threads wait, chosen from the machine's load before libgomp loads with the addon.
import { busyCores } from './machine-load.ts';

/** How idle OpenMP threads wait, as chosen when the addon loaded (recorded in the engine's notes). */
export let threadWaitPolicy = '';

/**
 * libgomp reads its wait policy once, when it loads. Idle threads that spin briefly (GOMP_SPINCOUNT=3000) wake fastest
 * for a step's hundreds of short kernels: on a quiet machine MobileNetV3 went from 87 to 102 images/s, ResNet-152
 * from 14.6 to 16.0 (96 px, batch 8). With another process on a core, spinning threads take it from the wasm code
 * between kernels (MobileNetV3 78 images/s passive vs 48 spinning; PyTorch, which spins by default, 32), and libgomp's
 * default (300,000 spins) halved a step even on a quiet machine. So: a short spin when the machine is quiet as the
 * engine starts (under half a core busy over 100 ms; the load average would count our own previous runs), else
 * passive. OMP_WAIT_POLICY or GOMP_SPINCOUNT set by the user win.
 */
export function chooseThreadWaitPolicy(): void {
  const { OMP_WAIT_POLICY: policy, GOMP_SPINCOUNT: spins } = process.env;
  if (policy !== undefined || spins !== undefined) {
    threadWaitPolicy = `user's (OMP_WAIT_POLICY=${policy ?? ''} GOMP_SPINCOUNT=${spins ?? ''})`;
    return;
  }
  const quiet = busyCores(100) < 0.5;
  if (quiet) process.env.GOMP_SPINCOUNT = '3000';
  else process.env.OMP_WAIT_POLICY = 'PASSIVE';
  threadWaitPolicy = quiet ? 'short spin (quiet machine)' : 'passive (busy machine)';
}
