/**
 * Completeness: the fields the Ministry's spec marks as always required, derived from
 * data/reference/field-spec.json for every column the warehouse holds; the SQL of the checks is
 * models/quality/rules/required.sql. A personal field is checked through its `<col>__present`
 * flag, since its value never enters the warehouse. A field referring to districts (DM_HUYEN) is
 * required only in periods when districts exist; a field whose meaning is scoped to a level
 * ("(Mầm non) Theo DM_NHOM_TUOI_MN") is required of that level's records only.
 */
import type { RecordRule } from './rule.ts';
import { fieldName, SPEC_OBJECTS, specFields, type SpecField } from './field-spec.ts';
import { literal } from '../../lib/warehouse.ts';
import { selectPart } from './rule-files.ts';
import { has, isText, type WarehouseColumns } from './warehouse-columns.ts';

/** Level scopes written at the start of a field's meaning, and the block naming the records they cover. */
const SCOPES: Array<{ table: string; marker: RegExp; block: string }> = [{ table: 'lop_hoc', marker: /^\(Mầm non\)/, block: 'preschool_class' }];

/** The records a required field applies to (undefined: every record). */
function scopeOf(table: string, f: SpecField): string | undefined {
  const block = f.code_list === 'DM_HUYEN' ? 'districts_exist' : SCOPES.find((s) => s.table === table && s.marker.test(f.meaning))?.block;
  return block ? selectPart('required', block, 'applies') : undefined;
}

/** How a spec field is checked for presence in the warehouse, or null when it cannot be. */
export function presenceCheck(columns: WarehouseColumns, table: string, f: SpecField): { fails: string } | null {
  const block = has(columns, table, `${f.column}__present`)
    ? 'personal'
    : !has(columns, table, f.column)
      ? null
      : isText(columns, table, f.column)
        ? 'text'
        : 'value';
  return block ? { fails: selectPart('required', block, 'fails', { column: f.column }) } : null;
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
        vi: `Thiếu trường bắt buộc ${f.field} (${f.meaning.replace(/:$/, '')}) của ${o.vi}`,
        en: `Required field ${f.field} of the ${o.en} is empty`,
        population: o.table,
        fails: check.fails,
        detail: literal(`Chưa nhập ${fieldName(f)} (${f.field}), trường bắt buộc`),
        applies: scopeOf(o.table, f),
      });
    }
  }
  return rules;
}
