// Every command of the `imagenot` program. Each module registers itself on the program.
import type { Command } from 'commander';
import { register as workspace } from './workspace.ts';
import { register as jobs } from './jobs.ts';
import { register as ingest } from './ingest.ts';
import { register as serve } from './serve.ts';
import { register as dataset } from './dataset.ts';
import { register as flags } from './flags.ts';
import { register as candidates } from './candidates.ts';
import { register as demo } from './demo.ts';
import { register as models } from './models.ts';
import { register as filter } from './filter.ts';
import { register as wordnet } from './wordnet.ts';
import { register as match } from './match.ts';
import { register as arch } from './arch.ts';
import { register as train } from './train.ts';
import { register as rankings } from './rankings.ts';
import { register as bench } from './bench.ts';

export function registerAll(program: Command): void {
  for (const register of [workspace, jobs, ingest, serve, dataset, flags, candidates, demo, models, filter, arch, wordnet, match, train, rankings, bench]) register(program);
}
