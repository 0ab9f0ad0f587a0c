/**
 * Uniqueness: one person, one record. Identities are pseudonyms (keyed HMAC of the learner code
 * or citizen ID), so linkage works without any personal value. In each group of records that
 * are the same person, the record entered first (lowest source id) stands and every later one
 * fails, naming the school of the first; a person legitimately in two schools of a year (a
 * transfer) is enrolled in only one of them on the census day and is not a duplicate.
 */
import type { QueryRule } from './rule.ts';
import { populationSql } from './populations.ts';

type Draft = Omit<QueryRule, 'kind' | 'dimension' | 'weight' | 'family' | 'level'> & { weight?: number };
const rule = (d: Draft): QueryRule => ({ kind: 'query', dimension: 'uniqueness', family: 'duplicate', level: 'record', weight: 1, ...d });

/** Staff statuses (DM_TRANG_THAI_CAN_BO) of people no longer working at the school. */
export const STAFF_GONE = ['02', '03', '05'];

/**
 * SQL over `records` (period, unit_code, record_key, record_id, pseudonym, and the `identity`
 * columns): the later records of each identity fail.
 */
function laterCopies(records: string, identity: string[], sameIf?: string): string {
  const key = identity.join(', ');
  return `
    with records as (${records}),
    firsts as (
      select period, ${key}, min(record_id) as first_id, arg_min(unit_code, record_id) as first_school,
        arg_min(pseudonym, record_id) as first_pseudonym, count(*) as copies
      from records group by all having count(*) > 1
    )
    select r.period, r.unit_code, r.record_key, r.record_id, r.pseudonym,
      coalesce(f.first_id <> r.record_id${sameIf ? ` and ${sameIf}` : ''}, false) as failed,
      case when f.first_id <> r.record_id then 'same person as a record of school ' || f.first_school end as detail
    from records as r
    left join firsts as f using (period, ${key})`;
}

const enrolledLearners = `
  select f.period, h.ma_truong_hoc as unit_code, 'hoc_sinh:' || f.hoc_sinh_id as record_key,
    f.hoc_sinh_id as record_id, f.ma_hoc_sinh as pseudonym, h.ma_cong_dan, h.ngay_sinh
  from core.fct_learners as f
  join dq_eval_periods as p on p.period = f.period
  join raw.hoc_sinh as h on h.id = f.hoc_sinh_id
  where f.is_enrolled`;

/** The uniqueness rules. */
export function uniquenessRules(): QueryRule[] {
  return [
    rule({
      id: 'HS-DUP-ACTIVE', table: 'hoc_sinh', field: 'ma_hoc_sinh', weight: 2,
      vi: 'Cùng một học sinh (cùng mã học sinh) đang học ở hai trường trong cùng kỳ',
      en: 'The same learner (learner code) enrolled in two schools on the census day',
      sql: laterCopies(enrolledLearners, ['pseudonym']),
    }),
    rule({
      id: 'HS-DUP-CCCD', table: 'hoc_sinh', field: 'ma_cong_dan',
      vi: 'Hai mã học sinh khác nhau có cùng số định danh cá nhân và ngày sinh, cùng đang học trong kỳ',
      en: 'Two learner codes with the same citizen ID and birth date enrolled on the census day',
      sql: laterCopies(`select * from (${enrolledLearners}) where ma_cong_dan is not null`, ['ma_cong_dan', 'ngay_sinh'], 'f.first_pseudonym <> r.pseudonym'),
    }),
    rule({
      id: 'CB-DUP', table: 'can_bo', field: 'ma_cong_dan', weight: 2,
      vi: 'Cùng một cán bộ (cùng số định danh và ngày sinh) được khai báo hai lần trong năm học',
      en: 'The same staff member (citizen ID and birth date) recorded twice in the school year',
      sql: laterCopies(
        `select period, unit_code, record_key, record_id, pseudonym, ma_cong_dan, ngay_sinh from (${populationSql('can_bo')})
         where ma_cong_dan is not null and coalesce(trang_thai, '') not in (${STAFF_GONE.map((s) => `'${s}'`).join(', ')})`,
        ['ma_cong_dan', 'ngay_sinh'],
      ),
    }),
  ];
}
