/**
 * Sign-off per period and unit (duyệt số liệu):
 *   csdl approve --period 2025-DN --unit 48 [--comment ...]          a province's admin approves its province
 *   csdl approve --period 2025-DN --unit VN                          the nation's admin approves the nation
 *   csdl approve --period 2025-DN --unit 01,04 --not-reporting       the nation's admin marks provinces not reporting
 *   csdl unapprove --period 2025-DN --unit 48 [--comment ...]        withdraws an approval (or, with --not-reporting, a mark)
 *   csdl approvals [--period 2025-DN] [--unit 48 --history|--diff]   where sign-off stands; a unit's actions or changes
 * The account is the one whose key is in CSDL_API_KEY (admin for the actions), on the warehouse
 * file or, when `csdl serve` holds it, through the server's API.
 */
import type { Command } from 'commander';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Config } from '../../lib/config.ts';
import { CsdlError } from '../../lib/errors.ts';
import { queryRows } from '../../lib/warehouse.ts';
import {
  approvalOverview,
  approve,
  listActions,
  setNotReporting,
  unapprove,
  versionDiff,
  type Actor,
  type ApprovalOverview,
  type VersionDiff,
} from '../../pipelines/approval/index.ts';
import { findAccountByKey } from '../../server/accounts/accounts.store.ts';
import { action } from '../run-action.ts';
import { api, withWarehouse, type Via } from '../with-warehouse.ts';

type ActOpts = Via & { period: string; unit: string; comment?: string; notReporting?: boolean };

/** The account behind CSDL_API_KEY, looked up in meta.accounts. */
async function actorOf(conn: DuckDBConnection): Promise<Actor> {
  const key = process.env.CSDL_API_KEY;
  if (!key) {
    throw new CsdlError(
      'NO_ACCOUNT',
      'Cần khóa tài khoản quản trị: đặt CSDL_API_KEY là khóa của tài khoản quản trị ký duyệt (csdl accounts create --kind admin)',
    );
  }
  const a = await findAccountByKey(conn, key);
  if (!a) throw new CsdlError('NO_ACCOUNT', 'Khóa trong CSDL_API_KEY không khớp tài khoản nào đang hoạt động trong kho dữ liệu này');
  return a;
}

const vnDate = (d: string | null) => (d ? `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}` : '');
function vnDateTime(iso: string | null): string {
  if (!iso) return '';
  const t = new Date(Date.parse(iso) + 7 * 3600_000).toISOString();
  return `${vnDate(t.slice(0, 10))} ${t.slice(11, 16)}`;
}
const STATUS_VI: Record<string, string> = { approved: 'đã duyệt', not_reporting: 'không báo cáo', pending: 'chờ duyệt', no_data: 'không có dữ liệu' };

/** The overview as a table a person reads. */
export function formatOverview(o: ApprovalOverview): string {
  const rows = [o.nation, ...o.provinces].map((r) => [
    `${r.unit_name} (${r.unit_code})`,
    STATUS_VI[r.status] + (r.late ? ', trễ hạn' : ''),
    vnDate(r.deadline),
    vnDateTime(r.approved_at),
    r.approved_by ?? '',
    r.version_id ?? '',
    r.changed_since_approval === null ? '' : r.changed_since_approval ? 'có thay đổi' : 'không đổi',
  ]);
  const head = ['Đơn vị', 'Trạng thái', 'Hạn', 'Duyệt lúc', 'Người duyệt', 'Phiên bản', 'So với hiện tại'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const counts = Object.entries(STATUS_VI)
    .map(([k, v]) => `${o.provinces.filter((p) => p.status === k).length.toLocaleString('vi-VN')} ${v}`)
    .join(', ');
  return `Kỳ ${o.period} (${o.label}), ngày ${vnDate(o.today)}: ${o.provinces.length.toLocaleString('vi-VN')} tỉnh: ${counts}\n${line(head)}\n${rows.map(line).join('\n')}\n`;
}

const ACTION_VI: Record<string, string> = {
  approve: 'duyệt',
  unapprove: 'hủy duyệt',
  mark_not_reporting: 'đánh dấu không báo cáo',
  unmark_not_reporting: 'bỏ đánh dấu không báo cáo',
  approve_refused: 'bị từ chối duyệt',
};

type HistoryRow = { acted_at: string; unit_code: string; action: string; account_name: string | null; version_id: string | null; comment: string | null };

/** A unit's actions, newest first, one line each. */
function formatHistory(rows: HistoryRow[]): string {
  if (rows.length === 0) return 'Chưa có thao tác nào\n';
  return (
    rows
      .map((r) =>
        [vnDateTime(r.acted_at), r.unit_code, ACTION_VI[r.action] ?? r.action, r.account_name ?? '', r.version_id ?? '', r.comment ?? ''].join('  ').trimEnd(),
      )
      .join('\n') + '\n'
  );
}

function formatDiff(d: VersionDiff): string {
  const lines = [`${d.unit.unit_name} kỳ ${d.period}: phiên bản ${d.version.version_id} ${d.changed ? 'khác số liệu hiện tại' : 'trùng số liệu hiện tại'}`];
  for (const p of d.parts) {
    lines.push(`  ${p.part}: ${p.changed.toLocaleString('vi-VN')} dòng đổi, ${p.added.toLocaleString('vi-VN')} thêm, ${p.removed.toLocaleString('vi-VN')} bớt`);
    for (const r of p.rows.slice(0, 20)) {
      const where = Object.entries(r)
        .filter(([k]) => !['change', 'field', 'old', 'new', 'delta'].includes(k))
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      lines.push(`    ${r.change} ${r.field}: ${r.old ?? '∅'} -> ${r.new ?? '∅'} (${where})`);
    }
  }
  return lines.join('\n') + '\n';
}

async function act(config: Config, opts: ActOpts, kind: 'approve' | 'unapprove'): Promise<void> {
  const units = opts.unit
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  if (units.length > 1 && !opts.notReporting) throw new CsdlError('BAD_ARGUMENT', '--unit nhận một đơn vị, hoặc một danh sách khi có --not-reporting');
  for (const unit of units) {
    const req = { period: opts.period, unit, comment: opts.comment ?? null };
    const outcome = await withWarehouse(
      config,
      opts,
      async (conn) => {
        const actor = await actorOf(conn);
        if (opts.notReporting) return setNotReporting(conn, { ...req, actor, notReporting: kind === 'approve' });
        return kind === 'approve' ? approve(conn, { ...req, actor, gate: config.approvalGate }) : unapprove(conn, { ...req, actor });
      },
      (base, key) =>
        opts.notReporting
          ? api<{ message: string }>(base, key, '/api/approvals/not-reporting', {
              method: 'POST',
              body: JSON.stringify({ ...req, not_reporting: kind === 'approve' }),
            })
          : api<{ message: string }>(base, key, kind === 'approve' ? '/api/approvals' : '/api/approvals/unapprove', {
              method: 'POST',
              body: JSON.stringify(req),
            }),
    );
    process.stdout.write(`${outcome.message}\n`);
  }
}

export function register(program: Command): void {
  for (const kind of ['approve', 'unapprove'] as const) {
    program
      .command(kind)
      .description(kind === 'approve' ? 'Duyệt số liệu của một tỉnh hoặc toàn quốc trong một kỳ (chốt một phiên bản)' : 'Hủy duyệt số liệu đã duyệt')
      .requiredOption('--period <period>', 'kỳ báo cáo, ví dụ 2025-DN')
      .requiredOption('--unit <unit>', 'mã hoặc khóa tỉnh (48, P:48@2025) hoặc VN; danh sách cách nhau bởi dấu phẩy khi có --not-reporting')
      .option('--comment <text>', 'ghi chú lưu cùng thao tác')
      .option('--not-reporting', kind === 'approve' ? 'quản trị cấp Bộ đánh dấu các tỉnh không báo cáo' : 'bỏ dấu không báo cáo')
      .option('--server <url>', 'địa chỉ máy chủ khi `csdl serve` đang giữ kho dữ liệu')
      .action(action(async (config, opts: ActOpts) => act(config, opts, kind)));
  }
  program
    .command('approvals')
    .description('Tình hình duyệt số liệu trong một kỳ; lịch sử của một đơn vị hoặc thay đổi từ khi duyệt')
    .option('--period <period>', 'kỳ báo cáo (mặc định: kỳ mới nhất)')
    .option('--unit <unit>', 'mã tỉnh hoặc VN, dùng với --history hoặc --diff')
    .option('--history', 'mọi thao tác trên đơn vị trong kỳ')
    .option('--diff', 'những gì thay đổi so với phiên bản đã duyệt của đơn vị')
    .option('--server <url>', 'địa chỉ máy chủ khi `csdl serve` đang giữ kho dữ liệu')
    .action(
      action(async (config, opts: Via & { period?: string; unit?: string; history?: boolean; diff?: boolean }) => {
        if ((opts.history || opts.diff) && !opts.unit) throw new CsdlError('BAD_ARGUMENT', '--history và --diff cần có --unit');
        const text = await withWarehouse(
          config,
          opts,
          async (conn) => {
            const period =
              opts.period ?? (await queryRows<{ p: string }>(conn, `select period as p from core.dim_periods order by census_day desc limit 1`))[0]?.p;
            if (!period) throw new CsdlError('NOT_READY', 'Kho dữ liệu chưa có kỳ báo cáo nào: hãy chạy csdl etl và csdl transform');
            if (opts.diff) return formatDiff(await versionDiff(conn, { period, unit: opts.unit! }));
            if (opts.history) return formatHistory((await listActions(conn, { period })).filter((r) => r.unit_code === opts.unit || r.unit_key === opts.unit));
            return formatOverview(await approvalOverview(conn, { period }));
          },
          async (base, key) => {
            const q = opts.period ? `?period=${encodeURIComponent(opts.period)}` : '';
            const unit = opts.unit ? `${q ? '&' : '?'}unit=${encodeURIComponent(opts.unit)}` : '';
            if (opts.diff) return formatDiff(await api<VersionDiff>(base, key, `/api/approvals/diff${q}${unit}`));
            if (opts.history) return formatHistory((await api<{ rows: HistoryRow[] }>(base, key, `/api/approvals/history${q}${unit}`)).rows);
            return formatOverview(await api<ApprovalOverview>(base, key, `/api/approvals${q}`));
          },
        );
        process.stdout.write(text);
      }),
    );
}
