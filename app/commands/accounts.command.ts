/**
 * `csdl accounts create --unit <code|key> --kind admin|exploit --name <label>` prints the new
 * key once (only its SHA-256 is kept); `csdl accounts list` lists accounts (never keys).
 * When `csdl serve` holds the warehouse, the command cannot open it: with CSDL_API_KEY set to
 * an admin key it goes through the server's admin API instead, otherwise it says so and stops.
 */
import type { Command } from 'commander';
import type { Config } from '../../lib/config.ts';
import { CsdlError, LockHeldError } from '../../lib/errors.ts';
import { openWarehouse } from '../../lib/warehouse.ts';
import { createAccount, listAccounts, UnknownUnitError, type Account, type AccountKind } from '../../server/accounts/accounts.store.ts';
import { oneOf } from '../options.ts';
import { action } from '../run-action.ts';
import type { DuckDBConnection } from '@duckdb/node-api';

type Via = { server?: string };

/** Runs `local` on the warehouse file, or `remote` through the server when the file is held. */
async function withWarehouse<T>(
  config: Config,
  via: Via,
  local: (conn: DuckDBConnection) => Promise<T>,
  remote: (base: string, key: string) => Promise<T>,
): Promise<T> {
  let warehouse;
  try {
    warehouse = await openWarehouse(config.warehousePath, { memoryLimit: '256MB' });
  } catch (err) {
    if (!(err instanceof LockHeldError)) throw err;
    const key = process.env.CSDL_API_KEY;
    if (!key) {
      throw new CsdlError(
        'WAREHOUSE_LOCKED',
        `cannot open ${config.warehousePath}: \`csdl serve\` (or another process) holds it. ` +
          "Set CSDL_API_KEY to an admin key to go through the server's admin API (--server, default http://127.0.0.1:PORT), or stop the server first.",
        { transient: true },
      );
    }
    return remote(via.server ?? `http://127.0.0.1:${config.port}`, key);
  }
  try {
    const conn = await warehouse.connect();
    try {
      return await local(conn);
    } finally {
      conn.closeSync();
    }
  } finally {
    warehouse.close();
  }
}

async function api<T>(base: string, key: string, path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(base + path, { ...init, headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' } });
  const body = (await res.json()) as T & { error?: { code: string; message: string } };
  if (!res.ok) throw new CsdlError(body.error?.code ?? 'HTTP_' + res.status, `${base}${path}: ${body.error?.message ?? res.statusText}`);
  return body;
}

function formatAccounts(rows: Account[]): string {
  const lines = rows.map((a) =>
    [a.account_id, a.kind.padEnd(7), a.unit_key.padEnd(16), a.key_prefix + '…', a.revoked_at ? 'revoked' : 'active ', a.name].join('  '),
  );
  return ['account_id        kind     unit              key              status   name', ...lines].join('\n') + '\n';
}

export function register(program: Command): void {
  const accounts = program.command('accounts').description('Tài khoản quản trị và khai thác — API accounts (admin, exploit)');
  accounts
    .command('create')
    .description('create an account and print its key once')
    .requiredOption('--unit <unit>', 'unit code or key: VN, 48, P:48@2025, C:20194@2025, S:<ma_truong>@2025')
    .requiredOption('--kind <kind>', 'admin (manages the accounts of its unit and below) or exploit (reads its subtree)', oneOf(['admin', 'exploit'] as const))
    .requiredOption('--name <label>', 'a label: who or what uses the key')
    .option('--server <url>', 'server URL when `csdl serve` holds the warehouse')
    .action(
      action(async (config, opts: { unit: string; kind: AccountKind; name: string; server?: string }) => {
        const input = { unit: opts.unit, kind: opts.kind, name: opts.name };
        const created = await withWarehouse(
          config,
          opts,
          async (conn) => {
            try {
              return await createAccount(conn, input);
            } catch (err) {
              if (err instanceof UnknownUnitError) throw new CsdlError('UNKNOWN_UNIT', err.message);
              throw err;
            }
          },
          (base, key) => api<{ account: Account; key: string }>(base, key, '/api/admin/accounts', { method: 'POST', body: JSON.stringify(input) }),
        );
        const a = created.account;
        process.stdout.write(`Created ${a.kind} account ${a.account_id} for ${a.unit_name ?? a.unit_code} (${a.unit_key}).\n`);
        process.stdout.write(`API key (shown once, store it now):\n${created.key}\n`);
      }),
    );
  accounts
    .command('list')
    .description('list accounts (keys are never shown)')
    .option('--server <url>', 'server URL when `csdl serve` holds the warehouse')
    .action(
      action(async (config, opts: Via) => {
        const rows = await withWarehouse(
          config,
          opts,
          listAccounts,
          async (base, key) => (await api<{ rows: Account[] }>(base, key, '/api/admin/accounts')).rows,
        );
        process.stdout.write(formatAccounts(rows));
      }),
    );
}
