/**
 * What an approval is about: a period (ĐN or CN of a school year) and a unit that signs off in
 * it, a province valid on the period's census day or the nation. A unit named by its code is the
 * one valid in the period (codes were reused in the 2025 reorganisation); a key names one unit.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../../lib/warehouse.ts';
import { ApprovalError } from './approval-errors.ts';

export type ApprovalPeriod = { period: string; nam_hoc: number; ky: string; census_day: string; label: string; name_vi: string };

export type ApprovalUnit = {
  unit_key: string;
  unit_code: string;
  unit_level: 'province' | 'nation';
  unit_name: string;
  current_province_code: string | null;
  valid_to: string | null;
};

/** Who acts: an account of meta.accounts (the CLI identifies it by its key too). */
export type Actor = {
  account_id: string;
  name: string;
  kind: string;
  unit_key: string;
  unit_code: string;
  unit_level: string;
};

async function tableExists(conn: DuckDBConnection, schema: string, name: string): Promise<boolean> {
  const rows = await queryRows(conn, `select 1 from duckdb_tables() where schema_name = ? and table_name = ?`, [schema, name]);
  return rows.length > 0;
}

/** Refuses early, naming the command to run, when the published tables an approval reads are missing. */
export async function assertReady(conn: DuckDBConnection): Promise<void> {
  const needed: Array<[string, string, string]> = [
    ['core', 'dim_periods', 'csdl transform'],
    ['indicators', 'int_indicator_values', 'csdl transform'],
    ['forms', 'int_form_unit_cells', 'csdl transform'],
    ['quality', 'dq_unit_scores', 'csdl quality'],
  ];
  const missing: string[] = [];
  for (const [schema, name, command] of needed) if (!(await tableExists(conn, schema, name))) missing.push(`${schema}.${name} (${command})`);
  if (missing.length) {
    throw new ApprovalError('NOT_READY', `Kho dữ liệu chưa có đủ bảng để duyệt, còn thiếu ${missing.join(', ')}: hãy chạy quy trình trước`, {
      missing,
    });
  }
}

/** The period named (2025-DN); UNKNOWN_PERIOD lists those the warehouse has. */
export async function findApprovalPeriod(conn: DuckDBConnection, period: string): Promise<ApprovalPeriod> {
  const rows = await queryRows<ApprovalPeriod>(
    conn,
    `select period, nam_hoc, ky, cast(census_day as varchar) as census_day, label, name_vi from core.dim_periods order by census_day`,
  );
  const found = rows.find((p) => p.period === period);
  if (!found) {
    throw new ApprovalError(
      'UNKNOWN_PERIOD',
      `Không có kỳ báo cáo ${period}; kho dữ liệu có các kỳ ${rows.map((p) => p.period).join(', ') || '(chưa có kỳ nào)'}`,
    );
  }
  return { ...found, nam_hoc: Number(found.nam_hoc) };
}

/** The province (by code or key) valid in `period`, or the nation ('VN', 'N:VN'). */
export async function findApprovalUnit(conn: DuckDBConnection, ref: string, period: ApprovalPeriod): Promise<ApprovalUnit> {
  const rows = await queryRows<ApprovalUnit>(
    conn,
    `select unit_key, unit_code, unit_level, unit_name, current_province_code, cast(valid_to as varchar) as valid_to
     from core.dim_units
     where unit_level in ('province', 'nation')
       and (unit_key = $1 or unit_code = $1)
       and valid_from <= cast($2 as date) and coalesce(valid_to, date '9999-12-31') >= cast($2 as date)`,
    [ref, period.census_day],
  );
  if (rows.length === 0) {
    throw new ApprovalError(
      'UNKNOWN_UNIT',
      `Không có tỉnh hoặc cả nước với mã ${ref} trong kỳ ${period.period} (ngày chốt số liệu ${period.census_day}): duyệt theo tỉnh (mã như 48 hoặc khóa P:48@2025) hoặc toàn quốc (VN)`,
    );
  }
  return rows[0];
}

/** The provinces valid in the period, each with whether it has any active school in it. */
export async function periodProvinces(
  conn: DuckDBConnection,
  period: ApprovalPeriod,
): Promise<Array<ApprovalUnit & { schools: number; deadline: string | null }>> {
  const rows = await queryRows<ApprovalUnit & { schools: number | string; deadline: string | null }>(
    conn,
    `select u.unit_key, u.unit_code, u.unit_level, u.unit_name, u.current_province_code, cast(u.valid_to as varchar) as valid_to,
        (select count(*) from core.fct_schools as s where s.period = $1 and s.province_key = u.unit_key and s.is_active) as schools,
        cast(d.deadline as varchar) as deadline
     from core.dim_units as u
     left join core.dim_period_deadlines as d on d.period = $1 and d.province_key = u.unit_key
     where u.unit_level = 'province'
       and u.valid_from <= cast($2 as date) and coalesce(u.valid_to, date '9999-12-31') >= cast($2 as date)
     order by u.unit_code`,
    [period.period, period.census_day],
  );
  return rows.map((r) => ({ ...r, schools: Number(r.schools) }));
}
