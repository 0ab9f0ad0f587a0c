/**
 * The failing records of a unit's schools (quality.dq_failures), in one stable order (school,
 * rule, source id) so that a list of any size is read page by page with a keyset cursor, and
 * streamed whole into a workbook. A record that repeats another names that record and its school
 * only when the caller may see that school.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { canSee, type ScopedAccount } from '../auth/scope.ts';
import { readRows, type Row } from '../db/read-rows.ts';
import { findUnit, type Period, type Unit } from '../units/units.queries.ts';

/** The columns of a failure list, in order (JSON, CSV and the workbook alike). */
export const FAILURE_COLUMNS = [
  'unit_code',
  'school_name',
  'rule_id',
  'dimension',
  'description_vi',
  'record_kind',
  'record_key',
  'record_id',
  'pseudonym',
  'class_code',
  'class_name',
  'grade',
  'fields',
  'detail',
  'related_record_key',
  'related_unit',
] as const;

/** Where a page starts: after this (school, rule, source id). */
export type FailureCursor = { unit: string; rule: string; id: number };

/** The cursor of the row after which the next page starts, as an opaque text. */
export function encodeCursor(c: FailureCursor): string {
  return Buffer.from(JSON.stringify([c.unit, c.rule, c.id])).toString('base64url');
}

/** Reads a cursor made by encodeCursor; undefined when the text is not one. */
export function decodeCursor(text: string): FailureCursor | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 3 && typeof v[0] === 'string' && typeof v[1] === 'string' && Number.isSafeInteger(v[2])) {
      return { unit: v[0], rule: v[1], id: v[2] };
    }
  } catch {
    // not base64url JSON: not a cursor
  }
  return undefined;
}

/**
 * The schools of `unit` in the period, as SQL over the unit closure with parameters $1 period,
 * $2 unit code, $3 unit level, $4 the current province whose former provinces count too (a
 * province of today asked about a period before the 2025 merger holds the schools of the
 * provinces merged into it).
 */
const SCHOOLS = `
  select distinct c.school_code
  from quality.dq_unit_closure as c
  where c.period = $1
    and ((c.unit_level = $3 and c.unit_code = $2)
      or (c.unit_level = 'province' and $4::varchar is not null
          and c.unit_code in (select unit_code from core.dim_units where unit_level = 'province' and current_province_code = $4)))`;

function scopeParams(period: Period, unit: Unit): unknown[] {
  const current = unit.unit_level === 'province' && unit.valid_to === null ? unit.current_province_code : null;
  return [period.period, unit.unit_code, unit.unit_level, current];
}

/** The failure list's select from `f` (quality.dq_failures) with its catalogue and school name; $1 is the period. */
const SELECT = `
  select f.unit_code, u.unit_name as school_name, f.rule_id, f.dimension, k.description_vi, f.record_kind, f.record_key,
    f.record_id, f.pseudonym, f.class_code, f.class_name, f.grade, f.fields, f.detail, f.related_record_key, f.related_unit
  from quality.dq_failures as f
  join quality.dq_rule_catalog as k on k.rule_id = f.rule_id
  left join quality.dq_units as u on u.period = f.period and u.unit_level = 'school' and u.unit_code = f.unit_code`;

const ORDER = 'order by f.unit_code, f.rule_id, coalesce(f.record_id, -1)';

/**
 * One page of the failing records of `unit`'s schools (optionally of one rule), after `cursor`,
 * at most `limit` rows, as one select (`sql`, `params`) that the caller reads or streams; `next`
 * is the cursor of the following page, null on the last. With `visible`, the related record and
 * school of a row are blank unless that school is in it (see visibleRelatedSchools).
 */
export async function failurePage(
  conn: DuckDBConnection,
  period: Period,
  unit: Unit,
  opts: { rule?: string; cursor?: FailureCursor; limit: number; visible?: ReadonlySet<string> },
): Promise<{ sql: string; params: unknown[]; next: string | null; total: number }> {
  const params = [...scopeParams(period, unit), opts.rule ?? null];
  const where = `where f.period = $1 and f.unit_code in (${SCHOOLS}) and ($5::varchar is null or f.rule_id = $5)`;
  const [{ total }] = await readRows<{ total: number }>(conn, `select count(*) as total from quality.dq_failures as f ${where}`, params);
  const paged = [...params, ...(opts.cursor ? [opts.cursor.unit, opts.cursor.rule, opts.cursor.id] : [null, null, null])];
  const after = `and ($6::varchar is null or (f.unit_code, f.rule_id, coalesce(f.record_id, -1)) > ($6, $7, $8::bigint))`;
  // the page's last row and whether one follows it
  const edge = await readRows<{ unit_code: string; rule_id: string; id: number }>(
    conn,
    `select f.unit_code, f.rule_id, coalesce(f.record_id, -1) as id from quality.dq_failures as f ${where} ${after} ${ORDER} limit 2 offset ${opts.limit - 1}`,
    paged,
  );
  const next = edge.length === 2 ? encodeCursor({ unit: edge[0].unit_code, rule: edge[0].rule_id, id: Number(edge[0].id) }) : null;
  const select = opts.visible
    ? SELECT.replace(
        'f.related_record_key, f.related_unit',
        `case when list_contains($9::varchar[], f.related_unit) then f.related_record_key end as related_record_key,
         case when list_contains($9::varchar[], f.related_unit) then f.related_unit end as related_unit`,
      )
    : SELECT;
  return {
    sql: `${select} ${where} ${after} ${ORDER} limit ${opts.limit}`,
    params: opts.visible ? [...paged, [...opts.visible]] : paged,
    next,
    total,
  };
}

/** Every failing record of `unit`'s schools, in batches, in the list's order (for the workbook). */
export async function* allFailures(conn: DuckDBConnection, period: Period, unit: Unit, rule?: string): AsyncGenerator<Row[]> {
  const result = await conn.stream(`${SELECT} where f.period = $1 and f.unit_code in (${SCHOOLS}) and ($5::varchar is null or f.rule_id = $5) ${ORDER}`, [
    ...scopeParams(period, unit),
    rule ?? null,
  ] as never);
  for await (const batch of result.yieldRowObjectJson()) yield batch as Row[];
}

/** Per school of `unit`: its name, records to fix, findings, and its overall score and band. */
export async function failureSummary(conn: DuckDBConnection, period: Period, unit: Unit, rule?: string): Promise<Row[]> {
  return readRows(
    conn,
    `with schools as (${SCHOOLS}),
     found as (
       select unit_code, count(distinct record_key) as records_to_fix, count(*) as findings
       from quality.dq_failures as f
       where f.period = $1 and f.unit_code in (select school_code from schools) and ($5::varchar is null or f.rule_id = $5)
       group by all
     )
     select s.school_code as unit_code, u.unit_name as school_name, coalesce(x.records_to_fix, 0) as records_to_fix,
       coalesce(x.findings, 0) as findings, o.score, o.band
     from schools as s
     left join found as x on x.unit_code = s.school_code
     left join quality.dq_units as u on u.period = $1 and u.unit_level = 'school' and u.unit_code = s.school_code
     left join quality.dq_unit_scores as o on o.period = $1 and o.unit_level = 'school' and o.unit_code = s.school_code and o.dimension = 'overall'
     order by records_to_fix desc, s.school_code`,
    [...scopeParams(period, unit), rule ?? null],
  );
}

/**
 * The schools, named by failures of `unit`'s schools as the school of a related record, that
 * `account` may see; the others are blanked by `hideRelated`.
 */
export async function visibleRelatedSchools(conn: DuckDBConnection, account: ScopedAccount, period: Period, unit: Unit): Promise<Set<string>> {
  const rows = await readRows<{ code: string; own: boolean }>(
    conn,
    `with schools as (${SCHOOLS})
     select distinct f.related_unit as code, f.related_unit in (select school_code from schools) as own
     from quality.dq_failures as f
     where f.period = $1 and f.related_unit is not null and f.unit_code in (select school_code from schools)`,
    scopeParams(period, unit),
  );
  const visible = new Set<string>();
  for (const r of rows) {
    if (r.own) visible.add(r.code);
    else {
      const school = await findUnit(conn, `S:${r.code}@${period.nam_hoc}`, period);
      if (school && (await canSee(conn, account, school))) visible.add(r.code);
    }
  }
  return visible;
}

/** A failure row without the related record and school when the caller may not see that school. */
export function hideRelated(row: Row, visible: ReadonlySet<string>): Row {
  if (row.related_unit === null || visible.has(String(row.related_unit))) return row;
  return { ...row, related_record_key: null, related_unit: null };
}
