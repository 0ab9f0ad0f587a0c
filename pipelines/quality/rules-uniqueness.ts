/**
 * Uniqueness: one person, one record, by pseudonym (models/quality/rules/duplicate.sql). In each
 * group of records that are the same person, the record entered first stands and every later one
 * fails, naming the school of the first.
 */
import type { QueryRule } from './rule.ts';
import { queryRule, type RuleParams } from './rule-files.ts';

type Draft = Omit<QueryRule, 'kind' | 'dimension' | 'weight' | 'family' | 'level' | 'sql'> & { weight?: number };
const rule = (d: Draft, params: RuleParams): QueryRule =>
  queryRule({ dimension: 'uniqueness', family: 'duplicate', level: 'record', weight: 1, ...d }, d.id, params);

/**
 * The uniqueness rules; `key` is what makes two candidates the same person, `pseudonym_of` the
 * side that carries a failing record's pseudonym (duplicate.sql's later_copies).
 */
export function uniquenessRules(): QueryRule[] {
  return [
    rule(
      {
        id: 'HS-DUP-ACTIVE',
        table: 'hoc_sinh',
        field: 'ma_hoc_sinh',
        weight: 2,
        vi: 'Cùng một học sinh (cùng mã học sinh) đang học ở hai trường trong cùng kỳ',
        en: 'The same learner (learner code) enrolled in two schools on the census day',
      },
      { identity_column: 'ma_hoc_sinh', key: 'pseudonym', pseudonym_of: 'l' },
    ),
    rule(
      {
        id: 'HS-DUP-CCCD',
        table: 'hoc_sinh',
        field: 'ma_cong_dan',
        vi: 'Hai mã học sinh khác nhau có cùng số định danh cá nhân và ngày sinh, cùng đang học trong kỳ',
        en: 'Two learner codes with the same citizen ID and birth date enrolled on the census day',
      },
      { identity_column: 'ma_cong_dan', key: 'ma_cong_dan, birth_key', pseudonym_of: 'l' },
    ),
    rule(
      {
        id: 'CB-DUP',
        table: 'can_bo',
        field: 'ma_cong_dan',
        weight: 2,
        vi: 'Cùng một cán bộ (cùng số định danh và ngày sinh) được khai báo hai lần trong năm học',
        en: 'The same staff member (citizen ID and birth date) recorded twice in the school year',
      },
      { key: 'ma_cong_dan, birth_key', pseudonym_of: 'r' },
    ),
  ];
}
