/**
 * Reporting ("kịp thời", "sống"): one check per school active on the census day.
 *   TH-MISSING    the school reported nothing for the school year (no learners, classes, staff);
 *   TH-PARTIAL    it reported some of them only - a completeness finding;
 *   TH-LATE       its data for the period were first complete after the province's deadline: a
 *                 run that sees them complete by the deadline records it, and a correction
 *                 entered later does not make the school late (ĐN and CN alike);
 *   TH-CURRENCY   its records were last touched long before the census day (data not kept alive).
 * The SQL, and when a school's data count as complete, is models/quality/rules/reporting.sql and
 * currency.sql.
 */
import type { QueryRule } from './rule.ts';
import { queryRule } from './rule-files.ts';

type Draft = Omit<QueryRule, 'kind' | 'level' | 'table' | 'sql'>;
const rule = (d: Draft): QueryRule => queryRule({ level: 'unit', table: 'truong_hoc', ...d });

/** Days before the census day after which a school's last update counts as stale. */
const CURRENCY_MAX_AGE_DAYS = 120;

/** The reporting rules. */
export function timelinessRules(): QueryRule[] {
  return [
    rule({
      id: 'TH-MISSING',
      dimension: 'timeliness',
      family: 'reporting',
      vi: 'Trường không báo cáo số liệu trong kỳ (không có học sinh, lớp, cán bộ)',
      en: 'School reported nothing for the period (no learners, classes or staff)',
    }),
    rule({
      id: 'TH-PARTIAL',
      dimension: 'completeness',
      family: 'reporting',
      vi: 'Trường báo cáo thiếu một phần: thiếu học sinh, lớp học hoặc cán bộ',
      en: 'School reported only part of its data: learners, classes or staff missing',
    }),
    rule({
      id: 'TH-LATE',
      dimension: 'timeliness',
      family: 'reporting',
      vi: 'Số liệu của kỳ hoàn thành (lần nộp đầy đủ đầu tiên: có học sinh, lớp, cán bộ và mọi học sinh đã xếp lớp của kỳ) sau hạn báo cáo của tỉnh; sửa chữa sau hạn không tính là trễ hạn',
      en: "School's data for the period first complete (learners, classes and staff reported, every learner placed in a class of the period) after the province's deadline; a correction after the deadline does not count as late",
    }),
    rule({
      id: 'TH-CURRENCY',
      dimension: 'timeliness',
      family: 'currency',
      thresholds: { max_age_days: CURRENCY_MAX_AGE_DAYS },
      vi: `Số liệu của trường không được cập nhật trong ${CURRENCY_MAX_AGE_DAYS} ngày trước ngày chốt số liệu`,
      en: `School's records not updated within ${CURRENCY_MAX_AGE_DAYS} days before the census day`,
    }),
  ];
}
