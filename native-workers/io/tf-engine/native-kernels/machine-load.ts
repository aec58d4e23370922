// The machine's CPU load, sampled from the kernel's per-core counters (os.cpus()).
import { cpus } from 'node:os';

/** How many cores' worth of CPU time the whole machine used over the next `ms` milliseconds (this thread sleeps). */
export function busyCores(ms: number): number {
  const before = cpus();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  const after = cpus();
  let busy = 0;
  let total = 0;
  after.forEach((cpu, i) => {
    const sum = (t: typeof cpu.times) => t.user + t.nice + t.sys + t.irq + t.idle;
    const all = sum(cpu.times) - sum(before[i].times);
    busy += all - (cpu.times.idle - before[i].times.idle);
    total += all;
  });
  return total > 0 ? (busy / total) * after.length : 0;
}
