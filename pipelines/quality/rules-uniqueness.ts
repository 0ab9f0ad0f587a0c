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
 * A birth date as a key, whatever format it was typed in (yyyy-mm-dd..., dd/mm/yyyy,
 * dd-mm-yyyy): the same person keyed twice with two formats is still the same person.
 */
const BIRTH_KEY = `coalesce(try_strptime(trim(ngay_sinh), ['%Y-%m-%dT%H:%M:%S.%g', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%d', '%d/%m/%Y', '%d-%m-%Y'])::date::varchar, ngay_sinh)`;

/** What `laterCopies` groups, and how. */
type Copies = {
  /**
   * One row per record checked: period, unit_code, record_key, record_id, and either pseudonym
   * and the `match` column, or (with `identity`) identity_hash, the 64-bit hash of `match`.
   */
  records: string;
  /** The column that makes two records the same person. */
  match: string;
  /** Further expressions that must be equal too (e.g. a birth date key), computed for candidates alone. */
  exact?: Record<string, string>;
  /** A further condition, over candidate `c` and the group's first record `f`, for `c` to fail. */
  sameIf?: string;
  /**
   * A query of record_id, pseudonym, the `match` column and what `exact` reads: the records then
   * carry the hash alone, and the candidates (the records whose hash repeats) read the rest here
   * by record_id, so that no long text travels with every record.
   */
  identity?: string;
};

/**
 * SQL over `records`: the later records of each identity fail. Records are first grouped by a
 * 64-bit hash of `match` (cheap on long pseudonyms); only the few whose hash repeats are grouped
 * exactly, on `match` and the `exact` expressions. With `identity`, a record's pseudonym is
 * returned when it fails (the pseudonym of a passing record is not read at all).
 */
function laterCopies({ records, match, exact = {}, sameIf, identity }: Copies): string {
  const extra = Object.entries(exact)
    .map(([name, sql]) => `, ${sql} as ${name}`)
    .join('');
  const key = [match, ...Object.keys(exact)].join(', ');
  const read = [...new Set(['pseudonym', match])].map((c) => `i.${c}`).join(', ');
  const candidates = identity
    ? `select h.*, ${read}${extra} from hashed as h semi join repeated as x using (period, identity_hash) join (${identity}) as i on i.record_id = h.record_id`
    : `select h.*${extra} from hashed as h semi join repeated as x using (period, identity_hash)`;
  return `
    with records as (${records}),
    hashed as (${identity ? 'select * from records' : `select *, hash(${match}) as identity_hash from records`}),
    repeated as (select period, identity_hash from hashed group by all having count(*) > 1),
    candidates as (${candidates}),
    firsts as (
      select period, ${key}, min(record_id) as first_id, arg_min(unit_code, record_id) as first_school,
        arg_min(pseudonym, record_id) as first_pseudonym
      from candidates group by period, ${key} having count(*) > 1
    ),
    later as (
      select c.period, c.record_id, c.pseudonym, 'same person as a record of school ' || f.first_school as detail
      from candidates as c join firsts as f using (period, ${key})
      where c.record_id <> f.first_id${sameIf ? ` and ${sameIf}` : ''}
    )
    select r.period, r.unit_code, r.record_key, r.record_id, ${identity ? 'l.pseudonym' : 'r.pseudonym'} as pseudonym,
      l.record_id is not null as failed, l.detail
    from records as r
    left join later as l using (period, record_id)`;
}

/**
 * Learner records enrolled on the census day (core.fct_learners), placed at their school, with
 * the 64-bit hash of a `raw.hoc_sinh` column (the learner code's or the citizen ID's pseudonym)
 * taken from the school years evaluated; records without a value are not checked.
 */
const enrolledLearners = (column: string) => `
  select f.period, s.ma_truong_hoc as unit_code, 'hoc_sinh:' || f.hoc_sinh_id as record_key,
    f.hoc_sinh_id as record_id, h.identity_hash
  from core.fct_learners as f
  join dq_eval_periods as p on p.period = f.period
  join core.fct_schools as s on s.period = f.period and s.school_key = f.school_key
  join (
    select id, hash(${column}) as identity_hash from raw.hoc_sinh
    where ${column} is not null and nam_hoc in (select nam_hoc from dq_eval_periods)
  ) as h on h.id = f.hoc_sinh_id
  where f.is_enrolled`;

/**
 * What the candidates of a learner rule read by record id: the learner-code pseudonym, the
 * citizen-ID pseudonym and the birth date. National, one period (23 M records): HS-DUP-ACTIVE
 * 15,7 s against 27,1 s, HS-DUP-CCCD 13,8 s against 26,2 s when every record carried its pseudonym.
 */
const learnerIdentity = `select id as record_id, ma_hoc_sinh as pseudonym, ma_cong_dan, ngay_sinh from raw.hoc_sinh`;

/** The uniqueness rules. */
export function uniquenessRules(): QueryRule[] {
  return [
    rule({
      id: 'HS-DUP-ACTIVE',
      table: 'hoc_sinh',
      field: 'ma_hoc_sinh',
      weight: 2,
      vi: 'Cùng một học sinh (cùng mã học sinh) đang học ở hai trường trong cùng kỳ',
      en: 'The same learner (learner code) enrolled in two schools on the census day',
      sql: laterCopies({ records: enrolledLearners('ma_hoc_sinh'), match: 'pseudonym', identity: learnerIdentity }),
    }),
    rule({
      id: 'HS-DUP-CCCD',
      table: 'hoc_sinh',
      field: 'ma_cong_dan',
      vi: 'Hai mã học sinh khác nhau có cùng số định danh cá nhân và ngày sinh, cùng đang học trong kỳ',
      en: 'Two learner codes with the same citizen ID and birth date enrolled on the census day',
      sql: laterCopies({
        records: enrolledLearners('ma_cong_dan'),
        match: 'ma_cong_dan',
        exact: { birth_key: BIRTH_KEY },
        sameIf: 'f.first_pseudonym <> c.pseudonym',
        identity: learnerIdentity,
      }),
    }),
    rule({
      id: 'CB-DUP',
      table: 'can_bo',
      field: 'ma_cong_dan',
      weight: 2,
      vi: 'Cùng một cán bộ (cùng số định danh và ngày sinh) được khai báo hai lần trong năm học',
      en: 'The same staff member (citizen ID and birth date) recorded twice in the school year',
      sql: laterCopies({
        records: `select period, unit_code, record_key, record_id, pseudonym, ma_cong_dan, ngay_sinh from (${populationSql('can_bo')})
         where ma_cong_dan is not null and coalesce(trang_thai, '') not in (${STAFF_GONE.map((s) => `'${s}'`).join(', ')})`,
        match: 'ma_cong_dan',
        exact: { birth_key: BIRTH_KEY },
      }),
    }),
  ];
}
