/**
 * The registry of reporting systems (hệ thống nhận dữ liệu):
 *   csdl consumers list                                  every consumer, its state and last delivery
 *   csdl consumers add --name ... --scope 12 --method push|folder|pull [...]
 *                                                        registers one (state requested); a push's shared
 *                                                        secret is read from CSDL_CONSUMER_SECRET, never an argument
 *   csdl consumers approve <id> --until 2026-12-31       approves it (a pull consumer's key is printed once)
 *   csdl consumers suspend <id> [--reason ...]           it receives nothing more; its keys stop at once
 *   csdl consumers show <id>                             its registration and deliveries
 * Approving and suspending act as the admin account whose key is in CSDL_API_KEY, within that
 * account's subtree; on the warehouse file, or through the server's admin API when it holds it.
 */
import type { Command } from 'commander';
import type { DuckDBConnection } from '@duckdb/node-api';
import { CsdlError, UsageError } from '../../lib/errors.ts';
import { findConsumer, keysOfConsumer, listConsumers, listDeliveries, type Consumer, type Delivery } from '../../lib/meta-store/index.ts';
import { approveConsumer, CONSUMER_STATE_VI, registerConsumer, suspendConsumer, viDate } from '../../pipelines/delivery/index.ts';
import { findAccountByKey, type Account } from '../../server/accounts/accounts.store.ts';
import { canSee } from '../../server/auth/scope.ts';
import { issueSystemKey } from '../../server/consumers/consumer-keys.ts';
import { findUnit } from '../../server/units/units.queries.ts';
import { oneOf } from '../options.ts';
import { action } from '../run-action.ts';
import { onWarehouseOrServer, type ServerOption } from '../warehouse-or-server.ts';

const DELIVERY_VI: Record<string, string> = { pending: 'chờ gửi', sending: 'đang gửi', accepted: 'đã nhận', failed: 'lỗi' };
const METHOD_VI: Record<string, string> = { push: 'đẩy (HTTPS)', folder: 'thư mục', pull: 'lấy bằng khóa' };

function vnDateTime(iso: string | null): string {
  if (!iso) return '';
  // DuckDB writes '2026-12-05 07:31:33.86+00'; the API the same
  const ms = Date.parse(iso.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
  if (Number.isNaN(ms)) return iso;
  const t = new Date(ms + 7 * 3600_000).toISOString();
  return `${viDate(t.slice(0, 10))} ${t.slice(11, 16)}`;
}

type Row = Consumer & { last_deliveries?: Delivery[] };

function formatList(rows: Row[]): string {
  if (rows.length === 0) return 'Chưa có hệ thống nhận nào (đăng ký bằng csdl consumers add)\n';
  const table = rows.map((c) => {
    const last = c.last_deliveries?.[0];
    return [
      c.consumer_id,
      CONSUMER_STATE_VI[c.state] ?? c.state,
      METHOD_VI[c.method] ?? c.method,
      `${c.scope_unit_name ?? c.scope_unit_code} (${c.scope_unit_code})`,
      viDate(c.approved_until),
      last ? `${vnDateTime(last.created_at)} ${DELIVERY_VI[last.state] ?? last.state}` : '',
      c.name,
    ];
  });
  const head = ['Mã', 'Trạng thái', 'Cách nhận', 'Phạm vi', 'Duyệt đến', 'Lần gửi gần nhất', 'Tên'];
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(head), ...table.map(line)].join('\n') + '\n';
}

function formatShow(c: Consumer, deliveries: Delivery[], keys: string[]): string {
  const lines = [
    `${c.name} (${c.consumer_id}): ${CONSUMER_STATE_VI[c.state] ?? c.state}`,
    `  Cơ quan chủ quản: ${c.owner_org}; liên hệ: ${c.contact}`,
    `  Mục đích: ${c.purpose}${c.cost ? `; chi phí: ${c.cost}` : ''}`,
    `  Căn cứ pháp lý: ${c.legal_basis_number} ngày ${viDate(c.legal_basis_date)}`,
    `  Phạm vi: ${c.scope_unit_name ?? c.scope_unit_code} (${c.scope_unit_key}); số liệu ${c.figures === 'exact' ? 'chính xác' : 'đã ẩn ô nhỏ'}${c.provisional ? ', nhận cả số liệu tạm thời' : ''}; tệp ${c.formats.join(', ')}`,
    `  Cách nhận: ${METHOD_VI[c.method] ?? c.method}${c.endpoint ? ` ${c.endpoint}` : ''}; lịch: ${c.schedule === 'deadline' ? 'vào hạn báo cáo của tỉnh (deadline)' : (c.schedule ?? 'sau mỗi lượt cập nhật')}`,
    c.approved_at
      ? `  Duyệt: ${c.approved_by_name ?? c.approved_by} (${c.approved_unit}) lúc ${vnDateTime(c.approved_at)}, đến hết ${viDate(c.approved_until)}`
      : '  Chưa duyệt',
    ...(keys.length ? [`  Khóa hệ thống: ${keys.join(', ')}`] : []),
    `  Lần gửi (${deliveries.length.toLocaleString('vi-VN')} gần nhất):`,
    ...deliveries.map(
      (d) =>
        `    ${vnDateTime(d.created_at)}  ${d.kind.padEnd(6)}  ${(DELIVERY_VI[d.state] ?? d.state).padEnd(8)}  ${d.version_id}  ${(d.rows ?? 0).toLocaleString('vi-VN')} dòng  ${(d.bytes ?? 0).toLocaleString('vi-VN')} byte  lần thử ${d.attempts}${d.receipt_id ? `  biên nhận ${d.receipt_id}` : ''}${d.error ? `  lỗi: ${d.error}` : ''}`,
    ),
  ];
  return lines.join('\n') + '\n';
}

/** The admin account behind CSDL_API_KEY, required to approve or suspend on the file. */
async function adminOf(conn: DuckDBConnection): Promise<Account> {
  const key = process.env.CSDL_API_KEY;
  if (!key)
    throw new CsdlError('NO_ACCOUNT', 'Cần khóa của tài khoản quản trị thực hiện thao tác trong CSDL_API_KEY (tạo bằng csdl accounts create --kind admin)');
  const a = await findAccountByKey(conn, key);
  if (!a || a.revoked_at) throw new CsdlError('NO_ACCOUNT', 'Khóa trong CSDL_API_KEY không khớp tài khoản nào đang hoạt động trong kho dữ liệu này');
  if (a.kind !== 'admin') throw new CsdlError('FORBIDDEN', 'Chỉ tài khoản quản trị được duyệt hoặc tạm dừng hệ thống nhận');
  return a;
}

/** The consumer if `admin` may act on it (its scope in the admin's subtree). */
async function ownConsumer(conn: DuckDBConnection, admin: Account, id: string): Promise<Consumer> {
  const c = await findConsumer(conn, id);
  const unit = c && (await findUnit(conn, c.scope_unit_key));
  if (!c || (admin.unit_level !== 'nation' && !(unit && (await canSee(conn, admin, unit))))) {
    throw new CsdlError('UNKNOWN_CONSUMER', `Không có hệ thống nhận ${id} trong phạm vi của ${admin.unit_key} (xem csdl consumers list)`);
  }
  return c;
}

/** A refused value (a bad field or date) is a usage error (exit 2), on the file or through the server. */
async function asUsage<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CsdlError && (err.code === 'BAD_CONSUMER' || err.code === 'BAD_PARAMETER')) throw new UsageError(err.message);
    throw err;
  }
}

type AddOpts = ServerOption & {
  name: string;
  owner: string;
  contact: string;
  purpose: string;
  cost?: string;
  legalBasis: string;
  legalBasisDate: string;
  scope: string;
  method: 'push' | 'folder' | 'pull';
  endpoint?: string;
  formats?: string;
  figures?: 'exact' | 'suppressed';
  provisional?: boolean;
  schedule?: string;
};

function addBody(o: AddOpts): Record<string, unknown> {
  return {
    name: o.name,
    owner_org: o.owner,
    contact: o.contact,
    purpose: o.purpose,
    ...(o.cost ? { cost: o.cost } : {}),
    legal_basis_number: o.legalBasis,
    legal_basis_date: o.legalBasisDate,
    scope_unit: o.scope,
    method: o.method,
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.formats ? { formats: o.formats.split(',').map((f) => f.trim()) } : {}),
    ...(o.figures ? { figures: o.figures } : {}),
    ...(o.provisional ? { provisional: true } : {}),
    ...(o.schedule ? { schedule: o.schedule } : {}),
    ...(process.env.CSDL_CONSUMER_SECRET ? { secret: process.env.CSDL_CONSUMER_SECRET } : {}),
  };
}

export function register(program: Command): void {
  const consumers = program.command('consumers').description('Hệ thống nhận dữ liệu đã đăng ký (consumers) và các lần gửi cho chúng');

  consumers
    .command('list')
    .description('liệt kê hệ thống nhận cùng trạng thái và lần gửi gần nhất')
    .option('--server <url>', 'địa chỉ máy chủ khi `csdl serve` đang giữ kho dữ liệu')
    .action(
      action(async (config, opts: ServerOption) => {
        const rows = await onWarehouseOrServer(
          config,
          opts,
          { readOnly: false },
          async (conn) =>
            Promise.all(
              (await listConsumers(conn)).map(async (x) => ({ ...x, last_deliveries: await listDeliveries(conn, { consumerId: x.consumer_id, limit: 1 }) })),
            ),
          async (api) => (await api<{ rows: Row[] }>('/api/admin/consumers')).rows,
        );
        process.stdout.write(formatList(rows));
      }),
    );

  consumers
    .command('add')
    .description('đăng ký một hệ thống nhận (trạng thái chờ duyệt); khóa bí mật của push đọc từ CSDL_CONSUMER_SECRET')
    .requiredOption('--name <name>', 'tên hệ thống')
    .requiredOption('--owner <org>', 'cơ quan chủ quản')
    .requiredOption('--contact <contact>', 'đầu mối liên hệ (một phòng, ban; không ghi thông tin cá nhân)')
    .requiredOption('--purpose <text>', 'mục đích sử dụng dữ liệu')
    .option('--cost <text>', 'chi phí trao đổi và bên chịu chi phí')
    .requiredOption('--legal-basis <number>', 'căn cứ pháp lý: số văn bản, ví dụ 123/QĐ-SGDĐT')
    .requiredOption('--legal-basis-date <date>', 'căn cứ pháp lý: ngày văn bản, dạng YYYY-MM-DD')
    .requiredOption('--scope <unit>', 'tỉnh (mã hoặc khóa) hoặc VN mà hệ thống nhận gói số liệu')
    .requiredOption('--method <method>', 'push (đẩy qua HTTPS), folder (thư mục) hoặc pull (tự lấy bằng khóa)', oneOf(['push', 'folder', 'pull'] as const))
    .option('--endpoint <url-or-folder>', 'URL nhận push (https://...) hoặc thư mục (đường dẫn tuyệt đối)')
    .option('--formats <list>', 'các tệp của gói: xlsx,csv,parquet,arrow,json,sdmx (mặc định csv,json)')
    .option('--figures <kind>', 'exact (số liệu chính xác) hoặc suppressed (ẩn ô nhỏ; mặc định)', oneOf(['exact', 'suppressed'] as const))
    .option('--provisional', 'nhận cả số liệu chưa duyệt, ghi rõ là tạm thời (chỉ với số liệu chính xác)')
    .option('--schedule <cron>', 'lịch cron riêng, hoặc "deadline" (06:00 vào các hạn báo cáo của tỉnh); mặc định: sau mỗi lượt cập nhật')
    .option('--server <url>', 'địa chỉ máy chủ khi `csdl serve` đang giữ kho dữ liệu')
    .action(
      action(async (config, opts: AddOpts) => {
        const body = addBody(opts);
        const consumer = await asUsage(() =>
          onWarehouseOrServer(
            config,
            opts,
            { readOnly: false },
            async (conn) => {
              const key = process.env.CSDL_API_KEY;
              const by = key ? await findAccountByKey(conn, key) : undefined;
              return registerConsumer(conn, body, { deliveryKey: config.delivery.key, requestedBy: by?.account_id ?? null });
            },
            async (api) => (await api<{ consumer: Consumer }>('/api/admin/consumers', { method: 'POST', body: JSON.stringify(body) })).consumer,
          ),
        );
        process.stdout.write(
          `Đã đăng ký ${consumer.name} (${consumer.consumer_id}), chờ duyệt: csdl consumers approve ${consumer.consumer_id} --until YYYY-MM-DD\n`,
        );
      }),
    );

  consumers
    .command('approve <id>')
    .description('duyệt một hệ thống nhận đến hết một ngày (quản trị thực hiện là tài khoản của CSDL_API_KEY); in khóa của hệ thống pull một lần')
    .requiredOption('--until <date>', 'ngày cuối cùng duyệt còn hiệu lực, dạng YYYY-MM-DD')
    .option('--comment <text>', 'văn bản chấp thuận làm căn cứ')
    .option('--server <url>', 'địa chỉ máy chủ khi `csdl serve` đang giữ kho dữ liệu')
    .action(
      action(async (config, id: string, opts: ServerOption & { until: string; comment?: string }) => {
        const out = await asUsage(() =>
          onWarehouseOrServer(
            config,
            opts,
            { readOnly: false },
            async (conn) => {
              const admin = await adminOf(conn);
              await ownConsumer(conn, admin, id);
              const consumer = await approveConsumer(conn, id, { actor: admin, until: opts.until, comment: opts.comment ?? null });
              const key =
                consumer.method === 'pull' && (await keysOfConsumer(conn, id)).length === 0
                  ? (await issueSystemKey(conn, consumer, admin.account_id)).key
                  : undefined;
              return { consumer, key };
            },
            (api) =>
              api<{ consumer: Consumer; key?: string }>(`/api/admin/consumers/${encodeURIComponent(id)}/approve`, {
                method: 'POST',
                body: JSON.stringify({ until: opts.until, ...(opts.comment ? { comment: opts.comment } : {}) }),
              }),
          ),
        );
        process.stdout.write(`Đã duyệt ${out.consumer.name} (${out.consumer.consumer_id}) đến hết ngày ${viDate(out.consumer.approved_until)}.\n`);
        if (out.key) process.stdout.write(`Khóa hệ thống (chỉ hiện một lần, hãy lưu ngay):\n${out.key}\n`);
      }),
    );

  consumers
    .command('suspend <id>')
    .description('tạm dừng một hệ thống nhận: không nhận thêm gì và khóa của nó ngừng ngay')
    .option('--reason <text>', 'lý do')
    .option('--server <url>', 'địa chỉ máy chủ khi `csdl serve` đang giữ kho dữ liệu')
    .action(
      action(async (config, id: string, opts: ServerOption & { reason?: string }) => {
        const consumer = await onWarehouseOrServer(
          config,
          opts,
          { readOnly: false },
          async (conn) => {
            const admin = await adminOf(conn);
            await ownConsumer(conn, admin, id);
            return suspendConsumer(conn, id, { actor: admin, reason: opts.reason ?? null });
          },
          async (api) =>
            (
              await api<{ consumer: Consumer }>(`/api/admin/consumers/${encodeURIComponent(id)}/suspend`, {
                method: 'POST',
                body: JSON.stringify(opts.reason ? { reason: opts.reason } : {}),
              })
            ).consumer,
        );
        process.stdout.write(`Đã tạm dừng ${consumer.name} (${consumer.consumer_id}).\n`);
      }),
    );

  consumers
    .command('show <id>')
    .description('thông tin đăng ký, duyệt và các lần gửi của một hệ thống nhận')
    .option('--server <url>', 'địa chỉ máy chủ khi `csdl serve` đang giữ kho dữ liệu')
    .action(
      action(async (config, id: string, opts: ServerOption) => {
        const shown = await onWarehouseOrServer(
          config,
          opts,
          { readOnly: false },
          async (conn) => {
            const consumer = await findConsumer(conn, id);
            if (!consumer) throw new CsdlError('UNKNOWN_CONSUMER', `Không có hệ thống nhận ${id} (xem csdl consumers list)`);
            return { consumer, deliveries: await listDeliveries(conn, { consumerId: id, limit: 20 }), keys: await keysOfConsumer(conn, id) };
          },
          (api) => api<{ consumer: Consumer; deliveries: Delivery[]; keys: string[] }>(`/api/admin/consumers/${encodeURIComponent(id)}`),
        );
        process.stdout.write(formatShow(shown.consumer, shown.deliveries.slice(0, 20), shown.keys));
      }),
    );
}
