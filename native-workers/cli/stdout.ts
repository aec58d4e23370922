// Writing large output to stdout completely before main.ts calls process.exit(): process.stdout.write on a pipe
// queues what the pipe cannot take yet, and process.exit drops that queue (e.g. `imagenot wordnet eligible | wc -l`).
import { writeSync } from 'node:fs';

const sleeper = new Int32Array(new SharedArrayBuffer(4));

export function writeStdoutSync(text: string): void {
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(1, buf, off, buf.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(sleeper, 0, 0, 5); // the reader is slower than us: wait a little, then write the rest
    }
  }
}
