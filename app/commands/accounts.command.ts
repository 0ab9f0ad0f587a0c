/**
 * `csdl accounts create --unit <code|key> --kind admin|exploit --name <label>` prints the new
 * key once (only its SHA-256 is kept); `csdl accounts list` lists accounts (never keys).
 * When `csdl serve` holds the warehouse, the command cannot open it: with CSDL_API_KEY set to
 * an admin key it goes through the server's admin API instead, otherwise it says so and stops.
 */
import type { Command } from 'commander';
import { CsdlError } from '../../lib/errors.ts';
import { createAccount, listAccounts, UnknownUnitError, type Account, type AccountKind } from '../../server/accounts/accounts.store.ts';
import { oneOf } from '../options.ts';
import { action } from '../run-action.ts';
import { onWarehouseOrServer, type ServerOption } from '../warehouse-or-server.ts';

function formatAccounts(rows: Account[]): string {
  const lines = rows.map((a) =>
    [a.account_id, a.kind.padEnd(7), a.unit_key.padEnd(16), a.key_prefix + '…', a.revoked_at ? 'revoked' : 'active ', a.name].join('  '),
  );
  return ['account_id        kind     unit              key              status   name', ...lines].join('\n') + '\n';
}

export function register(program: Command): void {
  const accounts = program.command('accounts').description('Tài khoản quản trị và khai thác của API (admin, exploit)');
  accounts
    .command('create')
    .description('tạo một tài khoản và in khóa của nó một lần')
    .requiredOption('--unit <unit>', 'mã hoặc khóa đơn vị: VN, 48, P:48@2025, C:20194@2025, S:<ma_truong>@2025')
    .requiredOption(
      '--kind <kind>',
      'admin (quản lý tài khoản của đơn vị mình và cấp dưới) hoặc exploit (đọc số liệu trong phạm vi của mình)',
      oneOf(['admin', 'exploit'] as const),
    )
    .requiredOption('--name <label>', 'nhãn: ai hoặc hệ thống nào dùng khóa')
    .option('--server <url>', 'địa chỉ máy chủ khi `csdl serve` đang giữ kho dữ liệu')
    .action(
      action(async (config, opts: { unit: string; kind: AccountKind; name: string; server?: string }) => {
        const input = { unit: opts.unit, kind: opts.kind, name: opts.name };
        const created = await onWarehouseOrServer(
          config,
          opts,
          { readOnly: false },
          async (conn) => {
            try {
              return await createAccount(conn, input);
            } catch (err) {
              // the warehouse looked in is named: without a running server, --server is not used
              if (err instanceof UnknownUnitError) throw new CsdlError('UNKNOWN_UNIT', `${err.message}, trong kho ${config.warehousePath}`);
              throw err;
            }
          },
          (api) => api<{ account: Account; key: string }>('/api/admin/accounts', { method: 'POST', body: JSON.stringify(input) }),
        );
        const a = created.account;
        process.stdout.write(
          `Đã tạo tài khoản ${a.kind === 'admin' ? 'quản trị (admin)' : 'khai thác (exploit)'} ${a.account_id} cho ${a.unit_name ?? a.unit_code} (${a.unit_key}).\n`,
        );
        process.stdout.write(`Khóa API (chỉ hiện một lần, hãy lưu ngay):\n${created.key}\n`);
      }),
    );
  accounts
    .command('list')
    .description('liệt kê tài khoản (không bao giờ hiện khóa)')
    .option('--server <url>', 'địa chỉ máy chủ khi `csdl serve` đang giữ kho dữ liệu')
    .action(
      action(async (config, opts: ServerOption) => {
        const rows = await onWarehouseOrServer(
          config,
          opts,
          { readOnly: false },
          listAccounts,
          async (api) => (await api<{ rows: Account[] }>('/api/admin/accounts')).rows,
        );
        process.stdout.write(formatAccounts(rows));
      }),
    );
}
