/**
 * What changed between an approved version and the current figures of the same unit and period:
 * per part (indicator values, form cells, quality scores) how many rows were added, removed or
 * changed, and the changed rows themselves, largest change first, with old value, new value and
 * the difference. A Sở reads it to decide whether to re-approve.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../../lib/warehouse.ts';
import { ApprovalError } from './approval-errors.ts';
import { approvalStates, findVersion, type VersionRecord } from './approval-log.ts';
import { assertReady, findApprovalPeriod, findApprovalUnit, type ApprovalUnit } from './approval-target.ts';
import { currentPartSql, frozenPartSql, PART_NAMES, PARTS, type PartName } from './version-content.ts';

export type DiffRow = Record<string, unknown> & {
  change: 'added' | 'removed' | 'changed';
  field: string;
  old: number | null;
  new: number | null;
  delta: number | null;
};

export type PartDiff = { part: PartName; added: number; removed: number; changed: number; rows: DiffRow[] };

export type VersionDiff = {
  period: string;
  unit: ApprovalUnit;
  version: VersionRecord;
  changed: boolean;
  parts: PartDiff[];
};

/** Extra columns that help a reader place a row (the form row's label, the Excel address). */
const LABELS: Partial<Record<PartName, { join: string; columns: string }>> = {
  forms: {
    join: `left join forms.form_layout as l on l.form = d.form and l.sheet = d.sheet and l.ma_so = d.ma_so
           left join forms.form_columns as c on c.form = d.form and c.sheet = d.sheet and c.col_no = d.col_no`,
    columns: `, l.label, c.excel_col || cast(l.excel_row as varchar) as cell, c.header`,
  },
};

async function partDiff(conn: DuckDBConnection, part: PartName, period: string, unit: ApprovalUnit, versionId: string, limit: number): Promise<PartDiff> {
  const spec = PARTS[part];
  const keyOf = (alias: string) => spec.key.map((k) => `${alias}.${k}`);
  const on = spec.key.map((k) => `o.${k} = n.${k}`).join(' and ');
  const rowsSql = spec.values
    .map(
      (v) => `select ${spec.key.map((k, i) => `coalesce(${keyOf('o')[i]}, ${keyOf('n')[i]}) as ${k}`).join(', ')},
          '${v}' as field, cast(o.${v} as double) as old, cast(n.${v} as double) as new,
          case when o.${spec.key[0]} is null then 'added' when n.${spec.key[0]} is null then 'removed' else 'changed' end as change
        from (${frozenPartSql(part, versionId)}) as o
        full outer join (${currentPartSql(part, period, unit)}) as n on ${on}
        where o.${v} is distinct from n.${v}`,
    )
    .join('\nunion all\n');
  const label = LABELS[part];
  const rows = await queryRows<DiffRow>(
    conn,
    `with d as (${rowsSql})
     select d.*, d.new - d.old as delta ${label?.columns ?? ''}
     from d ${label?.join ?? ''}
     order by abs(coalesce(d.new, 0) - coalesce(d.old, 0)) desc, ${spec.key.map((k) => `d.${k}`).join(', ')}, d.field
     limit ${limit}`,
  );
  // a row added or removed shows once per value column; count rows, not fields
  const [counts] = await queryRows<{ added: number | string; removed: number | string; changed: number | string }>(
    conn,
    `with d as (${rowsSql}), r as (select distinct ${spec.key.join(', ')}, change from d)
     select count(*) filter (where change = 'added') as added, count(*) filter (where change = 'removed') as removed,
       count(*) filter (where change = 'changed') as changed from r`,
  );
  return { part, added: Number(counts.added), removed: Number(counts.removed), changed: Number(counts.changed), rows };
}

/**
 * The difference between `unit`'s approved version in `period` (or the version named) and the
 * current figures, with at most `limit` rows per part.
 */
export async function versionDiff(conn: DuckDBConnection, opts: { period: string; unit: string; versionId?: string; limit?: number }): Promise<VersionDiff> {
  await assertReady(conn);
  const period = await findApprovalPeriod(conn, opts.period);
  const unit = await findApprovalUnit(conn, opts.unit, period);
  const id = opts.versionId ?? (await approvalStates(conn, period.period)).get(unit.unit_key)?.version_id;
  if (!id) {
    throw new ApprovalError('APPROVAL_REFUSED', `${unit.unit_name} chưa duyệt kỳ ${period.period}: không có phiên bản để so sánh`, {
      reason: 'not_approved',
    });
  }
  const version = await findVersion(conn, id);
  if (!version || version.unit_key !== unit.unit_key || version.period !== period.period) {
    throw new ApprovalError('UNKNOWN_UNIT', `Không có phiên bản ${id} của ${unit.unit_key} kỳ ${period.period}`);
  }
  const parts: PartDiff[] = [];
  for (const part of PART_NAMES) parts.push(await partDiff(conn, part, period.period, unit, id, opts.limit ?? 200));
  return { period: period.period, unit, version, changed: parts.some((p) => p.added + p.removed + p.changed > 0), parts };
}
