/**
 * Uniqueness: one person, one record, by pseudonym (models/quality/rules/duplicate.sql). Every
 * record of a group that is the same person fails, in its own school, naming another record of
 * the group and its school; one citizen ID with two birth dates is a finding of its own.
 */
import type { QueryRule } from './rule.ts';
import { queryRule, type RuleParams } from './rule-files.ts';

type Draft = Omit<QueryRule, 'kind' | 'dimension' | 'family' | 'level' | 'sql'>;
const rule = (d: Draft, params: RuleParams): QueryRule =>
  queryRule({ dimension: 'uniqueness', family: 'duplicate', level: 'record', ...d }, d.id, { table: d.table, fields: d.field ?? '', ...params });

/**
 * The uniqueness rules; `key` is what makes two candidates the same person, `differ` what must
 * differ inside a group for it to be a finding, `same` how the detail names the other record.
 */
export function uniquenessRules(): QueryRule[] {
  return [
    rule(
      {
        id: 'HS-DUP-ACTIVE',
        table: 'hoc_sinh',
        field: 'ma_hoc_sinh',
        vi: 'Cùng một học sinh (cùng mã học sinh) đang học ở hai nơi trong cùng kỳ: cả hai bản ghi cần được kiểm tra',
        en: 'The same learner (learner code) enrolled twice on the census day: both records are findings',
      },
      { identity_column: 'ma_hoc_sinh', key: 'pseudonym', same: 'Cùng mã học sinh với bản ghi' },
    ),
    rule(
      {
        id: 'HS-DUP-CCCD',
        table: 'hoc_sinh',
        field: 'ma_cong_dan',
        vi: 'Hai mã học sinh khác nhau có cùng số định danh cá nhân và ngày sinh, cùng đang học trong kỳ',
        en: 'Two learner codes with the same citizen ID and birth date enrolled on the census day',
      },
      {
        identity_column: 'ma_cong_dan',
        key: 'ma_cong_dan, birth_key',
        differ: 'pseudonym',
        same: 'Cùng số định danh cá nhân và ngày sinh, khác mã học sinh, với bản ghi',
      },
    ),
    rule(
      {
        id: 'HS-DUP-CCCD-BIRTH',
        table: 'hoc_sinh',
        field: 'ma_cong_dan',
        vi: 'Cùng số định danh cá nhân nhưng khác ngày sinh: học sinh đang học trong kỳ dùng chung một số định danh',
        en: 'One citizen ID carried by learners with different birth dates on the census day',
      },
      {
        identity_column: 'ma_cong_dan',
        key: 'ma_cong_dan',
        differ: 'birth_key',
        fields: 'ma_cong_dan, ngay_sinh',
        same: 'Cùng số định danh cá nhân, khác ngày sinh, với bản ghi',
      },
    ),
    rule(
      {
        id: 'CB-DUP',
        table: 'can_bo',
        field: 'ma_cong_dan',
        vi: 'Cùng một cán bộ (cùng số định danh và ngày sinh) được khai báo hai lần trong năm học',
        en: 'The same staff member (citizen ID and birth date) recorded twice in the school year',
      },
      { key: 'ma_cong_dan, birth_key', same: 'Cùng số định danh cá nhân và ngày sinh với bản ghi' },
    ),
  ];
}
