/** The list of `csdl` commands; one import per command file. */
import type { Command } from 'commander';
import * as etl from './commands/etl.command.ts';
import * as generate from './commands/generate.command.ts';
import * as status from './commands/status.command.ts';
import * as serve from './commands/serve.command.ts';
import * as accounts from './commands/accounts.command.ts';
import * as transform from './commands/transform.command.ts';
import * as quality from './commands/quality.command.ts';
import * as run from './commands/run.command.ts';
import * as approvals from './commands/approvals.command.ts';
import * as exportCommand from './commands/export.command.ts';
import * as consumers from './commands/consumers.command.ts';

const modules: Array<{ register(program: Command): void }> = [
  etl,
  generate,
  status,
  serve,
  accounts,
  transform,
  quality,
  run,
  approvals,
  exportCommand,
  consumers,
];

export function registerCommands(program: Command): void {
  for (const m of modules) m.register(program);
}
