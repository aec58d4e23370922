// Every command of the `imagenot` program. Each module registers itself on the program; HELP_LAYOUT then places each
// top-level command in `imagenot --help`: grouped in pipeline order, each with a one-line summary (its own --help
// keeps the full description). A new command needs a line here (buildProgram throws otherwise).
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

/** Help groups in pipeline order; in each, command name -> one-line summary, in the order listed. */
export const HELP_LAYOUT: [group: string, commands: Record<string, string>][] = [
  [
    'Workspace:',
    {
      init: 'create a workspace folder (or check an existing one)',
      status: 'summarise a workspace',
      jobs: "list a workspace's jobs; cancel, resume, read logs",
      demo: 'build a demo workspace and run every stage on it',
    },
  ],
  [
    'Ingest and fetch:',
    {
      ingest: 'add samples: tables, img2dataset output, tars, folders',
      fetch: 'download the images of samples that have a URL',
      sources: 'list the ingested sources and what each gave',
    },
  ],
  [
    'Synsets and matching:',
    {
      wordnet: 'WordNet 3.0 noun synsets and ImageNot eligibility',
      match: "match captions to synsets with LAIONet's rules",
    },
  ],
  [
    'Filter and flags:',
    {
      models: 'import and list text/image encoders',
      filter: 'text filter: caption vs "<name> which is <definition>"',
      clipscore: 'image-caption similarity under a CLIP model',
      nsfw: 'flag NSFW candidates (metadata rule and classifier)',
      ocr: 'flag images whose own text spells the class name',
      candidates: 'write every candidate with its scores and flags',
    },
  ],
  [
    'Selection and export:',
    {
      select: 'choose the classes and the seeded train/test split',
      export: 'write the selected dataset (ImageFolder or WebDataset)',
    },
  ],
  [
    'Training and rankings:',
    {
      arch: 'the nine torchvision architectures',
      train: 'train an architecture on a dataset export',
      rankings: 'compare model rankings with ImageNet',
    },
  ],
  [
    'App:',
    {
      serve: 'browser mode: the app and its API over HTTP',
    },
  ],
  [
    'Utilities:',
    {
      bench: 'speed measurements of this installation',
    },
  ],
];

/** One-line summaries of subcommands, by `parent name`, for the parent's help. */
export const SUBCOMMAND_SUMMARIES: Record<string, string> = {
  'jobs cancel': 'cancel a queued or running job',
  'jobs resume': 'run stopped jobs again from where they stopped',
  'jobs log': "print a job's log, or follow it",
  'models add': 'check and import a model folder, or download one',
  'models list': "list a workspace's encoders",
  'wordnet eligible': 'list the synsets eligible as classes',
  'wordnet rules': "set a workspace's eligibility rules",
  'wordnet show': 'one synset and its eligibility',
  'wordnet manual': 'include or exclude a synset by hand',
  'arch list': 'the architectures, recipes and local profiles',
  'arch params': 'parameter counts as torchvision counts them',
  'bench train': 'training images/s of one architecture',
};

function arrangeHelp(program: Command): void {
  const place = new Map<string, { group: string; summary: string; order: number }>();
  for (const [group, commands] of HELP_LAYOUT) {
    for (const [name, summary] of Object.entries(commands)) place.set(name, { group, summary, order: place.size });
  }
  for (const cmd of program.commands) {
    const p = place.get(cmd.name());
    if (!p)
      throw new Error(`command '${cmd.name()}' has no place in HELP_LAYOUT (native-workers/cli/commands/index.ts)`);
    cmd.helpGroup(p.group).summary(p.summary);
  }
  for (const parent of program.commands) {
    for (const sub of parent.commands) {
      const summary = SUBCOMMAND_SUMMARIES[`${parent.name()} ${sub.name()}`];
      if (summary) sub.summary(summary);
    }
  }
  (program.commands as Command[]).sort((a, b) => place.get(a.name())!.order - place.get(b.name())!.order);
  program.commandsGroup('Utilities:').helpCommand(true);
}

export function registerAll(program: Command): void {
  for (const register of [
    workspace,
    jobs,
    ingest,
    serve,
    dataset,
    flags,
    candidates,
    demo,
    models,
    filter,
    arch,
    wordnet,
    match,
    train,
    rankings,
    bench,
  ])
    register(program);
  arrangeHelp(program);
}
