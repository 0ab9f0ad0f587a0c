/**
 * Completeness: the fields the Ministry's spec marks as always required, derived from
 * data/reference/field-spec.json for every column the warehouse holds. A personal field is
 * checked through its `<col>__present` flag, since its value never enters the warehouse.
 * A field referring to districts (DM_HUYEN) is required only in periods when districts exist
 * (until 30/06/2025), read from the validity dates of raw.dm_huyen. A field whose meaning is
 * scoped to a level ("(Mầm non) Theo DM_NHOM_TUOI_MN") is required of that level's records only.
 */
import type { RecordRule } from './rule.ts';
import { SPEC_OBJECTS, specFields, type SpecField } from './field-spec.ts';
import { has, missingExpr, type WarehouseColumns } from './warehouse-columns.ts';

/** SQL: a district code list exists on the period's census day. */
export const DISTRICTS_EXIST = `exists (select 1 from raw.dm_huyen as u where pop.census_day between u.hieu_luc_tu and coalesce(u.hieu_luc_den, date '9999-12-31'))`;

/** Level scopes written at the start of a field's meaning, and the records they cover. */
const SCOPES: Array<{ table: string; marker: RegExp; applies: string }> = [
  // preschool classes: khối 16 nhóm trẻ, 17 mẫu giáo (DM_KHOI, level 01)
  { table: 'lop_hoc', marker: /^\(Mầm non\)/, applies: `khoi_hoc in ('16', '17')` },
];

/** The records a required field applies to (null: every record). */
function scopeOf(table: string, f: SpecField): string | undefined {
  if (f.code_list === 'DM_HUYEN') return DISTRICTS_EXIST;
  return SCOPES.find((s) => s.table === table && s.marker.test(f.meaning))?.applies;
}

/** How a spec field is checked for presence in the warehouse, or null when it cannot be. */
export function presenceCheck(columns: WarehouseColumns, table: string, f: SpecField): { fails: string; via: string } | null {
  if (has(columns, table, `${f.column}__present`)) return { fails: `not coalesce(${f.column}__present, false)`, via: `${f.column}__present` };
  if (has(columns, table, f.column)) return { fails: missingExpr(columns, table, f.column), via: f.column };
  return null;
}

/** One rule per always-required field present in the warehouse. */
export function requiredRules(columns: WarehouseColumns): RecordRule[] {
  const rules: RecordRule[] = [];
  for (const o of SPEC_OBJECTS) {
    for (const f of specFields(o.object)) {
      if (f.required !== 'always') continue;
      const check = presenceCheck(columns, o.table, f);
      if (!check) continue;
      rules.push({
        kind: 'population',
        id: `${o.prefix}-REQ-${f.column}`,
        dimension: 'completeness',
        family: 'required',
        level: 'record',
        table: o.table,
        field: f.column,
        weight: 1,
        vi: `Thiếu trường bắt buộc ${f.field} (${f.meaning.replace(/:$/, '')}) của ${o.vi}`,
        en: `Required field ${f.field} of the ${o.en} is empty`,
        population: o.table,
        fails: check.fails,
        applies: scopeOf(o.table, f),
      });
    }
  }
  return rules;
}
