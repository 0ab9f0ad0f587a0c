/**
 * Consistency (accuracy proxies): figures that must agree with each other inside the data.
 *   TOTAL        a school's declared totals (tong_so_hoc_sinh / lop_hoc / can_bo) against its
 *                records of the school year (models/quality/rules/total.sql);
 *   SISO         a class's declared size against the learners assigned to it at the start of
 *                the year (class_size.sql);
 *   GRADE-LEVEL  a learner's or class's khối inside the levels the school serves (grade_level.sql);
 *   STATUS-HIST  a learner's current status and status date against the last entry of the
 *                status history (status_date.sql).
 */
import type { QueryRule } from './rule.ts';
import { queryRule, type RuleParams } from './rule-files.ts';

type Draft = Omit<QueryRule, 'kind' | 'dimension' | 'sql'>;
const rule = (d: Draft, block?: string, params?: RuleParams): QueryRule => queryRule({ dimension: 'consistency', ...d }, block, params);

const TOTALS = [
  { field: 'tong_so_hoc_sinh', table: 'hoc_sinh', vi: 'học sinh', en: 'learners' },
  { field: 'tong_so_lop_hoc', table: 'lop_hoc', vi: 'lớp học', en: 'classes' },
  { field: 'tong_so_can_bo', table: 'can_bo', vi: 'cán bộ', en: 'staff' },
];

/** Learners carry khối as a number, joined to DM_KHOI's code as a number; classes as text. */
const gradeLevel = (table: 'hoc_sinh' | 'lop_hoc'): QueryRule => {
  const who = table === 'hoc_sinh' ? { vi: 'học sinh', en: 'learner', p: 'HS', code: 'ma_number' } : { vi: 'lớp học', en: 'class', p: 'LH', code: 'ma' };
  return rule(
    {
      id: `${who.p}-GRADE-LEVEL`,
      family: 'grade_level',
      level: 'record',
      table,
      field: 'khoi_hoc',
      vi: `Khối học của ${who.vi} không thuộc cấp học của trường`,
      en: `Grade (khối) of the ${who.en} outside the levels the school serves`,
    },
    'outside_school_levels',
    { table, grade_code: who.code },
  );
};

/** The consistency rules. */
export function consistencyRules(): QueryRule[] {
  const totals = TOTALS.map((t) =>
    rule(
      {
        id: `TH-TOTAL-${t.table}`,
        family: 'total',
        level: 'record',
        table: 'truong_hoc',
        field: t.field,
        vi: `Tổng số ${t.vi} khai báo của trường khác số bản ghi ${t.vi}`,
        en: `Declared total of ${t.en} differs from the ${t.en} records`,
      },
      'declared_total',
      { table: t.table, field: t.field, what: t.vi },
    ),
  );
  return [
    ...totals,
    rule({
      id: 'LH-SISO',
      family: 'class_size',
      level: 'record',
      table: 'lop_hoc',
      field: 'si_so',
      vi: 'Sĩ số lớp khai báo khác số học sinh được xếp vào lớp (đầu năm)',
      en: 'Declared class size differs from the learners assigned to the class (start of year)',
    }),
    gradeLevel('hoc_sinh'),
    gradeLevel('lop_hoc'),
    rule({
      id: 'HS-STATUS-HIST',
      family: 'status_date',
      level: 'record',
      table: 'hoc_sinh',
      field: 'trang_thai',
      vi: 'Trạng thái hoặc ngày trạng thái của học sinh mâu thuẫn với lịch sử thay đổi trạng thái',
      en: "Learner's status or status date contradicts the last entry of the status history",
    }),
  ];
}
