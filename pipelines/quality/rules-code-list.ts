/**
 * Validity: values inside their code lists. For every spec field naming a code list (DM_*), and
 * present in the warehouse, the value must be a code of raw.dm_<list>; administrative units
 * (DM_TINH, DM_HUYEN, DM_XA) must be units valid on the period's census day. The SQL is
 * models/quality/rules/code_list.sql.
 */
import { codeListTable } from '../../lib/reference.ts';
import type { RecordRule } from './rule.ts';
import { SPEC_OBJECTS, specFields } from './field-spec.ts';
import { recordParts } from './rule-files.ts';
import { has, isText, type WarehouseColumns } from './warehouse-columns.ts';

const ADMIN_LISTS: Readonly<Record<string, string>> = { DM_TINH: 'dm_tinh', DM_HUYEN: 'dm_huyen', DM_XA: 'dm_xa' };

/** The SQL of the check of `column` against `list`, or null when the list is not in the warehouse. */
function codeCheck(columns: WarehouseColumns, table: string, column: string, list: string): Pick<RecordRule, 'applies' | 'fails' | 'detail'> | null {
  const admin = ADMIN_LISTS[list];
  const listTable = admin ?? codeListTable(list);
  if (!columns.has(listTable)) return null;
  const params = { column, list_table: listTable, list };
  const typed = isText(columns, table, column) ? 'text' : 'number';
  const { applies } = recordParts('code_list', typed, params);
  const { fails, detail } = recordParts('code_list', admin ? 'administrative_unit' : typed, params);
  if (!detail) throw new Error(`models/quality/rules/code_list.sql: the block for ${column} selects no detail`);
  return { applies, fails, detail };
}

/** One rule per spec field with a code list whose column and list are in the warehouse. */
export function codeListRules(columns: WarehouseColumns): RecordRule[] {
  const rules: RecordRule[] = [];
  for (const o of SPEC_OBJECTS) {
    for (const f of specFields(o.object)) {
      if (!f.code_list || f.required === 'dropped' || !has(columns, o.table, f.column)) continue;
      const check = codeCheck(columns, o.table, f.column, f.code_list);
      if (!check) continue;
      rules.push({
        kind: 'population',
        id: `${o.prefix}-CODE-${f.column}`,
        dimension: 'validity',
        family: 'code_list',
        level: 'record',
        table: o.table,
        field: f.column,
        vi: `${f.field} (${f.meaning.replace(/:$/, '')}) của ${o.vi} không có trong danh mục ${f.code_list}`,
        en: `${f.field} of the ${o.en} is not a code of ${f.code_list}`,
        population: o.table,
        ...check,
      });
    }
  }
  return rules;
}
