// The `imagenot` program: one commander tree, uniform errors and exit codes (0 ok, 1 failed/rejected, 2 usage,
// 130 stopped by Ctrl-C), global --verbose / --quiet. main.ts runs it.
import { type Argument, Command, CommanderError, Option } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { registerAll } from './commands/index.ts';
import { CommandFailed, EXIT_FAILED, EXIT_USAGE, UsageError } from './context.ts';
import { setVerbosity, signalExitCode, verbosity } from './output.ts';
import { WorkspaceError } from '../store/workspace.ts';

const VERBOSE = '--verbose';
const QUIET = '--quiet';

/**
 * --verbose and --quiet are the program's options; hidden copies on every subcommand let them go anywhere on the
 * line (`imagenot ingest WS x.parquet --quiet`), since options after a subcommand name belong to that subcommand.
 */
function addOutputOptions(program: Command): void {
  program
    .option(VERBOSE, "print more: times and levels on job log lines, each job's log file, stack traces of errors")
    .option(QUIET, 'print only results and errors: no progress, no info or warning lines');
  const copy = (cmd: Command) => {
    for (const sub of cmd.commands) {
      sub.addOption(new Option(VERBOSE).hideHelp()).addOption(new Option(QUIET).hideHelp());
      copy(sub);
    }
  };
  copy(program);
  program.hook('preAction', (_program, action) => {
    const o = action.optsWithGlobals() as { verbose?: boolean; quiet?: boolean };
    if (o.verbose && o.quiet) throw new UsageError('give --verbose or --quiet, not both');
    setVerbosity(o.quiet ? 'quiet' : o.verbose ? 'verbose' : 'normal');
  });
}

function argumentTerm(arg: Argument): string {
  const name = arg.name() + (arg.variadic ? '...' : '');
  return arg.required ? `<${name}>` : `[${name}]`;
}

export function buildProgram(): Command {
  const program = new Command('imagenot')
    .description(
      'ImageNot Studio: build a dataset unlike ImageNet from image-caption pairs and test model rankings on it',
    )
    .version(packageJson.version)
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({
      showGlobalOptions: true,
      // A command list shows names and arguments: `[options]` on every line would leave no room for one-line summaries.
      subcommandTerm: (cmd) => [cmd.name(), ...cmd.registeredArguments.map(argumentTerm)].join(' '),
    })
    // Options after a subcommand belong to it (`jobs resume WS --json` is resume's --json, not jobs').
    .enablePositionalOptions()
    .exitOverride();
  registerAll(program);
  addOutputOptions(program);
  // Every subcommand throws instead of exiting, so exit codes are decided in one place.
  const override = (cmd: Command) => {
    cmd.exitOverride();
    cmd.commands.forEach(override);
  };
  override(program);
  return program;
}

function errorText(err: Error): string {
  return verbosity() === 'verbose' && err.stack ? err.stack : err.message;
}

async function run(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode == null ? 0 : Number(process.exitCode);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
        return 0;
      return EXIT_USAGE;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`imagenot: ${errorText(err)}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof CommandFailed || err instanceof WorkspaceError) {
      process.stderr.write(`imagenot: ${errorText(err)}\n`);
      return EXIT_FAILED;
    }
    process.stderr.write(`imagenot: ${(err as Error)?.stack ?? String(err)}\n`);
    return EXIT_FAILED;
  }
}

/** The exit code: a command stopped by Ctrl-C (SIGINT) exits 130 (SIGTERM 143), whatever it did on the way out. */
export async function main(argv: string[]): Promise<number> {
  const code = await run(argv);
  return signalExitCode() ?? code;
}
