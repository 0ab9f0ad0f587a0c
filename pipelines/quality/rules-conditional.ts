/**
 * Completeness: fields the spec requires under a condition ("Bắt buộc nếu là lớp ghép", "Bắt buộc
 * néu là HS bỏ học", ...). The fields and their conditions come from field-spec.json; this file
 * only matches each condition's wording to its SQL (models/quality/rules/conditional.sql). A condition
 * whose wording is not known here, or whose columns the warehouse lacks, yields no rule and is
 * listed by `unevaluableConditions` so that the gap is visible rather than silent.
 */
import type { RecordRule } from './rule.ts';
import { fieldName, SPEC_OBJECTS, specFields } from './field-spec.ts';
import { literal } from '../../lib/warehouse.ts';
import { presenceCheck } from './rules-required.ts';
import { selectPart } from './rule-files.ts';
import { has, type WarehouseColumns } from './warehouse-columns.ts';

/**
 * The wording of a condition, its block in models/quality/rules/conditional.sql (the records the
 * field is required of), and the columns that block reads.
 */
type Condition = { table: string; wording: RegExp; block: string; reads: string[]; vi: string; en: string };

const CONDITIONS: Condition[] = [
  { table: 'lop_hoc', wording: /lớp chuyên/i, block: 'specialised_class', reads: ['lop_chuyen'], vi: 'lớp chuyên', en: 'specialised class' },
  { table: 'lop_hoc', wording: /lớp bán trú/i, block: 'semi_boarding_class', reads: ['lop_ban_tru'], vi: 'lớp bán trú', en: 'semi-boarding class' },
  { table: 'lop_hoc', wording: /lớp ghép/i, block: 'multi_grade_class', reads: ['lop_ghep'], vi: 'lớp ghép', en: 'multi-grade class' },
  {
    table: 'hoc_sinh',
    wording: /khuyết tật/i,
    block: 'learner_with_disability',
    reads: ['khuyet_tat'],
    vi: 'học sinh khuyết tật',
    en: 'learner with a disability',
  },
  { table: 'hoc_sinh', wording: /thay đổi trạng thái/i, block: 'status_changed', reads: ['trang_thai'], vi: 'trạng thái đã thay đổi', en: 'status changed' },
  { table: 'hoc_sinh', wording: /bỏ học/i, block: 'learner_dropped_out', reads: ['trang_thai'], vi: 'học sinh bỏ học', en: 'learner dropped out' },
  { table: 'hoc_sinh', wording: /học bán trú/i, block: 'semi_boarding_learner', reads: ['ban_tru'], vi: 'học sinh bán trú', en: 'semi-boarding learner' },
  {
    table: 'hoc_sinh',
    wording: /đã chuyển đi/i,
    block: 'learner_transferred_out',
    reads: ['trang_thai'],
    vi: 'học sinh đã chuyển đi',
    en: 'learner transferred out',
  },
  {
    table: 'hoc_sinh',
    wording: /đã chuyển đến/i,
    block: 'learner_transferred_in',
    reads: ['trang_thai'],
    vi: 'học sinh chuyển đến',
    en: 'learner transferred in',
  },
  { table: 'can_bo', wording: /là CBQL/i, block: 'manager', reads: ['loai_can_bo'], vi: 'cán bộ quản lý', en: 'manager' },
  {
    table: 'can_bo',
    wording: /loại cán bộ 1&2/i,
    block: 'manager_or_staff',
    reads: ['loai_can_bo'],
    vi: 'cán bộ quản lý hoặc nhân viên',
    en: 'manager or staff',
  },
];

/** A conditionally required field that yields no rule, and why. */
export type Unevaluable = { table: string; column: string; condition: string; reason: string };

function conditionOf(table: string, text: string): Condition | undefined {
  return CONDITIONS.find((c) => c.table === table && c.wording.test(text));
}

/** One rule per conditionally required field whose condition and columns are in the warehouse. */
export function conditionalRules(columns: WarehouseColumns): RecordRule[] {
  const rules: RecordRule[] = [];
  for (const o of SPEC_OBJECTS) {
    for (const f of specFields(o.object)) {
      if (f.required !== 'conditional' || !f.condition) continue;
      const cond = conditionOf(o.table, f.condition);
      const check = presenceCheck(columns, o.table, f);
      if (!cond || !check || !cond.reads.every((c) => has(columns, o.table, c))) continue;
      rules.push({
        kind: 'population',
        id: `${o.prefix}-CREQ-${f.column}`,
        dimension: 'completeness',
        family: 'conditional',
        level: 'record',
        table: o.table,
        field: f.column,
        vi: `Thiếu ${f.field} (${f.meaning.replace(/:$/, '')}), bắt buộc khi là ${cond.vi}`,
        en: `${f.field} is empty although required for a ${cond.en}`,
        population: o.table,
        applies: selectPart('conditional', cond.block, 'applies'),
        fails: check.fails,
        detail: literal(`Chưa nhập ${fieldName(f)} (${f.field}), bắt buộc với ${cond.vi}`),
      });
    }
  }
  return rules;
}

/** The conditionally required fields that yield no rule, with the reason. */
export function unevaluableConditions(columns: WarehouseColumns): Unevaluable[] {
  const out: Unevaluable[] = [];
  for (const o of SPEC_OBJECTS) {
    for (const f of specFields(o.object)) {
      if (f.required !== 'conditional') continue;
      const cond = f.condition ? conditionOf(o.table, f.condition) : undefined;
      const base = { table: o.table, column: f.column, condition: f.condition ?? '' };
      if (!presenceCheck(columns, o.table, f)) out.push({ ...base, reason: 'the field is not in the warehouse' });
      else if (!cond) out.push({ ...base, reason: 'the condition names no warehouse column' });
      else if (!cond.reads.every((c) => has(columns, o.table, c)))
        out.push({ ...base, reason: `the condition reads ${cond.reads.join(', ')}, not in the warehouse` });
    }
  }
  return out;
}
