/**
 * The quality gate an approval must pass (configuration `approvalGate`): each listed rule, read
 * from the published rule results at the unit's own level (quality.dq_rule_results), may fail at
 * most `max_failed` records (default 0) or the share `max_failed_share`. The results must be
 * newer than the last transform, so a gate is never judged on figures that have changed since.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Config } from '../../lib/config.ts';
import { queryRows } from '../../lib/warehouse.ts';
import type { ApprovalUnit } from './approval-target.ts';

/** One rule of the gate that the unit fails (or that cannot be judged). */
export type GateFailure = {
  rule: string;
  description_vi: string | null;
  checked: number;
  failed: number;
  allowed: string;
};

export type GateResult = { passed: boolean; failures: GateFailure[]; qualityRunId: string | null; transformRunId: string | null; stale: boolean };

/** Evaluates the gate for `unit` in `period`. */
export async function evaluateGate(conn: DuckDBConnection, gate: Config['approvalGate'], period: string, unit: ApprovalUnit): Promise<GateResult> {
  const [runs] = await queryRows<{ quality_run: string | null; quality_at: string | null; transform_run: string | null; transform_at: string | null }>(
    conn,
    `select
       (select run_id from meta.quality_runs where status = 'succeeded' order by finished_at desc limit 1) as quality_run,
       (select cast(max(finished_at) as varchar) from meta.quality_runs where status = 'succeeded') as quality_at,
       (select run_id from meta.transform_runs where status = 'succeeded' and run_id not like '%.%' order by finished_at desc limit 1) as transform_run,
       (select cast(max(finished_at) as varchar) from meta.transform_runs where status = 'succeeded' and run_id not like '%.%') as transform_at`,
  );
  const stale = runs.quality_at === null || (runs.transform_at !== null && runs.transform_at > runs.quality_at);
  const results = await queryRows<{ rule_id: string; checked: number | string; failed: number | string }>(
    conn,
    `select rule_id, checked, failed from quality.dq_rule_results where period = ? and unit_level = ? and unit_code = ?`,
    [period, unit.unit_level, unit.unit_code],
  );
  const catalog = await queryRows<{ rule_id: string; description_vi: string }>(conn, `select rule_id, description_vi from quality.dq_rule_catalog`);
  const failures: GateFailure[] = [];
  for (const g of gate) {
    const description = catalog.find((c) => c.rule_id === g.rule)?.description_vi ?? null;
    const allowed =
      g.max_failed_share !== undefined ? `≤ ${(g.max_failed_share * 100).toLocaleString('vi-VN')} %` : `≤ ${(g.max_failed ?? 0).toLocaleString('vi-VN')}`;
    if (description === null) {
      failures.push({ rule: g.rule, description_vi: 'quy tắc không có trong danh mục quy tắc chất lượng', checked: 0, failed: 0, allowed });
      continue;
    }
    const r = results.find((x) => x.rule_id === g.rule);
    const checked = Number(r?.checked ?? 0);
    const failed = Number(r?.failed ?? 0);
    const ok = g.max_failed_share !== undefined ? checked === 0 || failed / checked <= g.max_failed_share : failed <= (g.max_failed ?? 0);
    if (!ok) failures.push({ rule: g.rule, description_vi: description, checked, failed, allowed });
  }
  return { passed: failures.length === 0 && !stale, failures, qualityRunId: runs.quality_run, transformRunId: runs.transform_run, stale };
}

/** The gate's failures as lines a person reads: rule, what it checks, failing / checked, allowed. */
export function describeGateFailures(result: GateResult): string[] {
  const lines = result.failures.map(
    (f) =>
      `${f.rule} (${f.description_vi}): ${f.failed.toLocaleString('vi-VN')} / ${f.checked.toLocaleString('vi-VN')} bản ghi không đạt, cho phép ${f.allowed}`,
  );
  if (result.stale) {
    lines.unshift('kết quả kiểm tra chất lượng cũ hơn lần biến đổi dữ liệu gần nhất, hãy chạy `csdl quality`');
  }
  return lines;
}
