/**
 * Validity: values inside their code lists. For every spec field naming a code list (DM_*), and
 * present in the warehouse, the value must be a code of raw.dm_<list>. Numeric columns compare
 * numerically ('01' and 1 are the same code). Administrative units (DM_TINH, DM_HUYEN, DM_XA)
 * must be units valid on the period's census day, since codes changed on 01/07/2025.
 * Empty values are not checked here (completeness rules see them).
 */
import { codeListTable } from '../../lib/reference.ts';
import type { RecordRule } from './rule.ts';
import { SPEC_OBJECTS, specFields } from './field-spec.ts';
import { has, isText, type WarehouseColumns } from './warehouse-columns.ts';

const ADMIN_LISTS: Readonly<Record<string, string>> = { DM_TINH: 'dm_tinh', DM_HUYEN: 'dm_huyen', DM_XA: 'dm_xa' };

/** SQL: `column` of the population is not a code of `list`. */
export function notInListExpr(columns: WarehouseColumns, table: string, column: string, list: string): string | null {
  const admin = ADMIN_LISTS[list];
  if (admin) {
    if (!columns.has(admin)) return null;
    // the (census day, code) pairs valid in the periods evaluated, as one uncorrelated list: a
    // correlated `not exists` made DuckDB copy the whole population, every column the pass reads,
    // once per such rule (national learners, 2025-DN: the learner pass 31,9 s against 82,1 s,
    // with the same counts and samples)
    return `{'d': pop.census_day, 'm': pop.${column}} not in (
      select {'d': p.census_day, 'm': u.ma} from dq_eval_periods as p
      join raw.${admin} as u
        on p.census_day between u.hieu_luc_tu and coalesce(u.hieu_luc_den, date '9999-12-31')
      where u.ma is not null)`;
  }
  const dm = codeListTable(list);
  if (!columns.has(dm)) return null;
  return isText(columns, table, column)
    ? `pop.${column} not in (select ma from raw.${dm})`
    : `pop.${column} not in (select try_cast(ma as bigint) from raw.${dm} where try_cast(ma as bigint) is not null)`;
}

/** One rule per spec field with a code list whose column and list are in the warehouse. */
export function codeListRules(columns: WarehouseColumns): RecordRule[] {
  const rules: RecordRule[] = [];
  for (const o of SPEC_OBJECTS) {
    for (const f of specFields(o.object)) {
      if (!f.code_list || f.required === 'dropped' || !has(columns, o.table, f.column)) continue;
      const fails = notInListExpr(columns, o.table, f.column, f.code_list);
      if (!fails) continue;
      const text = isText(columns, o.table, f.column);
      rules.push({
        kind: 'population',
        id: `${o.prefix}-CODE-${f.column}`,
        dimension: 'validity',
        family: 'code_list',
        level: 'record',
        table: o.table,
        field: f.column,
        weight: 1,
        vi: `${f.field} (${f.meaning.replace(/:$/, '')}) của ${o.vi} không có trong danh mục ${f.code_list}`,
        en: `${f.field} of the ${o.en} is not a code of ${f.code_list}`,
        population: o.table,
        applies: text ? `nullif(trim(${f.column}), '') is not null` : `${f.column} is not null`,
        fails,
        // the code itself is not personal: show it so the school sees what to correct
        detail: `'${f.column}=' || ${f.column}`,
      });
    }
  }
  return rules;
}
