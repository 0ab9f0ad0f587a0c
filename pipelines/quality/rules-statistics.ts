/**
 * Plausibility against history and peers (accuracy proxies, scored as consistency):
 *   TH-JUMP           a school's learners against the mean of its previous periods
 *                     (models/quality/rules/jump.sql);
 *   LH-OUTLIER-SIZE   a class's learners against the classes of the same khối and zone, by a
 *                     modified z-score (outlier.sql).
 * The thresholds are stated here, published with each rule, and fill in its SQL.
 */
import type { QueryRule } from './rule.ts';
import { queryRule } from './rule-files.ts';

const JUMP = { max_change: 0.33, previous_periods: 3, min_base: 30 } as const;
const OUTLIER = { z_limit: 3.5, mad_floor_share_of_median: 0.2, min_peers: 5 } as const;

/** The history and peer rules. */
export function statisticsRules(): QueryRule[] {
  return [
    queryRule({
      id: 'TH-JUMP',
      dimension: 'consistency',
      family: 'jump',
      level: 'unit',
      table: 'truong_hoc',
      field: 'tong_so_hoc_sinh',
      thresholds: { ...JUMP },
      vi: 'Số học sinh thay đổi bất thường (hơn 33 %) so với trung bình các kỳ trước',
      en: 'Learners changed by more than 33 % against the mean of the previous periods',
    }),
    queryRule({
      id: 'LH-OUTLIER-SIZE',
      dimension: 'consistency',
      family: 'outlier',
      level: 'record',
      table: 'lop_hoc',
      field: 'si_so',
      thresholds: { ...OUTLIER },
      vi: 'Sĩ số lớp bất thường so với các lớp cùng khối, cùng khu vực (điểm z hiệu chỉnh > 3,5)',
      en: 'Class size an outlier among classes of the same grade and zone (modified z-score > 3.5)',
    }),
  ];
}
