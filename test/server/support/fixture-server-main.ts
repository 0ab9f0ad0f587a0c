/**
 * A fixture server in a process of its own, for tests that kill it: builds the hand-built fixture
 * warehouse in the folder given as the first argument (unless it exists), creates a nation admin
 * account, serves it on a free port and prints `ready <url> <key>` on stdout.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openWarehouse } from '../../../lib/warehouse.ts';
import { createAccount } from '../../../server/accounts/accounts.store.ts';
import { startServer } from '../../../server/start-server.ts';
import { buildFixtureWarehouse } from './fixture-warehouse.ts';

const path = join(process.argv[2], 'warehouse.duckdb');
const fresh = !existsSync(path);
const warehouse = await openWarehouse(path, { memoryLimit: '512MB' });
const conn = await warehouse.connect();
if (fresh) await buildFixtureWarehouse(conn);
const { key } = await createAccount(conn, { unit: 'N:VN', kind: 'admin', name: 'Cục CNTT' });
conn.closeSync();
const server = await startServer({ warehouse, port: 0 });
process.stdout.write(`ready ${server.url} ${key}\n`);
