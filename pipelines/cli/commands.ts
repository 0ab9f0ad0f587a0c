/** The list of `csdl` commands; one import per command file. */
import type { Command } from 'commander';
import * as etl from './etl.command.ts';
import * as generate from './generate.command.ts';
import * as status from './status.command.ts';
import * as serve from './serve.command.ts';
import * as accounts from './accounts.command.ts';
import * as transform from './transform.command.ts';
import * as quality from './quality.command.ts';
import * as run from './run.command.ts';

const modules: Array<{ register(program: Command): void }> = [
  etl,
  generate,
  status,
  serve,
  accounts,
  transform,
  quality,
  run,
];

export function registerCommands(program: Command): void {
  for (const m of modules) m.register(program);
}
