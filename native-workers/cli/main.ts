// The `imagenot` program: one commander tree, uniform errors and exit codes (0 ok, 1 failed/rejected, 2 usage).
import { Command, CommanderError } from 'commander';
import { registerAll } from './commands/index.ts';
import { CommandFailed, EXIT_FAILED, EXIT_USAGE, UsageError } from './context.ts';
import { WorkspaceError } from '../store/workspace.ts';

export function buildProgram(): Command {
  const program = new Command('imagenot')
    .description('ImageNot Studio: build a dataset unlike ImageNet from image-caption pairs and test model rankings on it')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    // Options after a subcommand belong to it (`jobs resume WS --json` is resume's --json, not jobs').
    .enablePositionalOptions()
    .exitOverride();
  registerAll(program);
  // Every subcommand throws instead of exiting, so exit codes are decided in one place.
  const override = (cmd: Command) => {
    cmd.exitOverride();
    cmd.commands.forEach(override);
  };
  override(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode == null ? 0 : Number(process.exitCode);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return EXIT_USAGE;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`imagenot: ${err.message}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof CommandFailed || err instanceof WorkspaceError) {
      process.stderr.write(`imagenot: ${err.message}\n`);
      return EXIT_FAILED;
    }
    process.stderr.write(`imagenot: ${(err as Error)?.stack ?? String(err)}\n`);
    return EXIT_FAILED;
  }
}

/** process.exit drops what a pipe has not taken yet: wait until stdout and stderr have handed everything over. */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => (stream.writableLength === 0 ? resolve() : stream.write('', () => resolve())));
}

const code = await main(process.argv.slice(2));
await Promise.all([drained(process.stdout), drained(process.stderr)]);
process.exit(code);
