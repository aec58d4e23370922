// The `imagenot` entry point: run the program (program.ts), then exit with its code once output is flushed.
import { main } from './program.ts';

/** process.exit drops what a pipe has not taken yet: wait until stdout and stderr have handed everything over. */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => (stream.writableLength === 0 ? resolve() : stream.write('', () => resolve())));
}

const code = await main(process.argv.slice(2));
await Promise.all([drained(process.stdout), drained(process.stderr)]);
process.exit(code);
