/**
 * Every migration of the durable tables, in order. Add a new file `NNNN-what-it-does.ts` and list
 * it here; never edit one that has been released (the migrator refuses a changed checksum).
 */
import type { Migration } from '../migration.ts';
import { migration as m0001 } from './0001-baseline.ts';
import { migration as m0002 } from './0002-approvals.ts';
import { migration as m0004 } from './0004-quality-full-failures.ts';
import { migration as m0005 } from './0005-consumers-deliveries.ts';

export const MIGRATIONS: ReadonlyArray<{ migration: Migration; file: string }> = [
  { migration: m0001, file: '0001-baseline.ts' },
  { migration: m0002, file: '0002-approvals.ts' },
  { migration: m0004, file: '0004-quality-full-failures.ts' },
  { migration: m0005, file: '0005-consumers-deliveries.ts' },
];
