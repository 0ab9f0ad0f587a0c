/** The list of `csdl` commands; one import per command file. */
import type { Command } from 'commander';

const modules: Array<{ register(program: Command): void }> = [
];

export function registerCommands(program: Command): void {
  for (const m of modules) m.register(program);
}
