// `npm run bench`: every bench/*.bench.ts module in turn (or those named on the command line), one line per figure.
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { formatBenchLine, type BenchLine } from './types.ts';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !only.length || only.some((o) => f.startsWith(o)))
  .sort();
let failed = 0;
for (const f of files) {
  console.log(`# ${f}`);
  try {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as { run: () => Promise<BenchLine[]> };
    for (const line of await mod.run()) console.log(formatBenchLine(line));
  } catch (err) {
    failed++;
    console.log(`${f}: failed: ${(err as Error).stack ?? err}`);
  }
}
process.exit(failed ? 1 : 0);
