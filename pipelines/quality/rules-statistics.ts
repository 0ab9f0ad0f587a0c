/**
 * Plausibility against history and peers (accuracy proxies, scored as consistency):
 *   TH-JUMP           WHO data-quality review: a school's learners enrolled on the census day,
 *                     against the mean of its up to 3 previous periods that have data; flagged
 *                     when the ratio is off by more than 33 %. Small schools (a previous mean
 *                     under 30 learners) are not checked: a few learners would swing them.
 *   LH-OUTLIER-SIZE   modified z-score of a class's learners, 0.6745 (x - median) / MAD, among
 *                     the classes of the same khối in schools of the same zone (or of the same
 *                     khối anywhere, when the zone holds fewer than 5 classes), flagged above
 *                     3.5. The MAD is floored at 20 % of the median: where classes are of
 *                     nearly equal sizes the MAD is tiny, and a cohort split into whole classes
 *                     legitimately makes one class up to 1.5 times the norm; with the floor a
 *                     class is flagged only beyond about twice its peers' median.
 */
import type { QueryRule } from './rule.ts';
import { populationSql } from './populations.ts';

export const JUMP = { maxChange: 0.33, previousPeriods: 3, minBase: 30 } as const;
export const OUTLIER = { zLimit: 3.5, madFloor: 0.2, minPeers: 5 } as const;

/** Median and MAD of `x` per group, as a CTE body. */
const stats = (groupBy: string) => `
  select ${groupBy}, med, count(*) as peers, median(abs(x - med)) as mad
  from (select *, median(x) over (partition by ${groupBy}) as med from sized)
  group by ${groupBy}, med`;

/** The history and peer rules. */
export function statisticsRules(): QueryRule[] {
  return [
    {
      kind: 'query',
      id: 'TH-JUMP',
      dimension: 'consistency',
      family: 'jump',
      level: 'unit',
      table: 'truong_hoc',
      field: 'tong_so_hoc_sinh',
      weight: 1,
      thresholds: { max_change: JUMP.maxChange, previous_periods: JUMP.previousPeriods, min_base: JUMP.minBase },
      vi: 'Số học sinh thay đổi bất thường (hơn 33 %) so với trung bình các kỳ trước',
      en: 'Learners changed by more than 33 % against the mean of the previous periods',
      sql: `
        with counted as (
          select l.period, q.period_order, s.ma_truong_hoc, count(*) filter (where l.is_enrolled) as n
          from core.fct_learners as l
          join core.fct_schools as s on s.period = l.period and s.school_key = l.school_key
          join quality.dq_periods as q on q.period = l.period
          group by all
        ),
        compared as (
          select *,
            avg(nullif(n, 0)) over history as previous_mean,
            count(nullif(n, 0)) over history as previous_periods
          from counted
          window history as (partition by ma_truong_hoc order by period_order
            range between ${JUMP.previousPeriods} preceding and 1 preceding)
        )
        select c.period, c.ma_truong_hoc as unit_code, 'truong_hoc:' || s.truong_hoc_id as record_key,
          s.truong_hoc_id as record_id, null::varchar as pseudonym,
          abs(c.n / c.previous_mean - 1) > ${JUMP.maxChange} as failed,
          'learners ' || c.n || ', mean of ' || c.previous_periods || ' previous periods ' || round(c.previous_mean, 1)
            || ' (ratio ' || round(c.n / c.previous_mean, 2) || ')' as detail
        from compared as c
        join dq_eval_periods as p on p.period = c.period
        join core.fct_schools as s on s.period = c.period and s.ma_truong_hoc = c.ma_truong_hoc
        where c.n > 0 and c.previous_periods > 0 and c.previous_mean >= ${JUMP.minBase}`,
    },
    {
      kind: 'query',
      id: 'LH-OUTLIER-SIZE',
      dimension: 'consistency',
      family: 'outlier',
      level: 'record',
      table: 'lop_hoc',
      field: 'si_so',
      weight: 1,
      thresholds: { z_limit: OUTLIER.zLimit, mad_floor_share_of_median: OUTLIER.madFloor, min_peers: OUTLIER.minPeers },
      vi: 'Sĩ số lớp bất thường so với các lớp cùng khối, cùng khu vực (điểm z hiệu chỉnh > 3,5)',
      en: 'Class size an outlier among classes of the same grade and zone (modified z-score > 3.5)',
      sql: `
        with classes as (${populationSql('lop_hoc')}),
        assigned as (
          -- learners in the class of the period: start-of-year class for ĐN, end-of-year for CN
          select p.period, h.ma_truong_hoc,
            case when p.ky = 'DN' then h.ma_lop_hoc_dn else h.ma_lop_hoc_cn end as ma_lop_hoc, count(*) as n
          from raw.hoc_sinh as h
          join dq_eval_periods as p on p.nam_hoc = h.nam_hoc
          where h.deleted_at is null
          group by all
        ),
        sized as (
          select c.period, c.unit_code, c.record_key, c.record_id, c.pseudonym, c.khoi_hoc,
            coalesce(t.ma_khu_vuc, '?') as khu_vuc, coalesce(a.n, 0) as x
          from classes as c
          left join assigned as a on a.period = c.period and a.ma_truong_hoc = c.ma_truong_hoc and a.ma_lop_hoc = c.ma_lop_hoc
          left join raw.truong_hoc as t on t.ma_truong_hoc = c.ma_truong_hoc and t.nam_hoc = c.nam_hoc and t.deleted_at is null
          where c.khoi_hoc is not null
        ),
        by_zone as (${stats('period, khoi_hoc, khu_vuc')}),
        by_grade as (${stats('period, khoi_hoc')}),
        scored as (
          select s.*,
            case when z.peers >= ${OUTLIER.minPeers} then z.med else g.med end as med,
            case when z.peers >= ${OUTLIER.minPeers} then z.mad else g.mad end as mad,
            case when z.peers >= ${OUTLIER.minPeers} then z.peers else g.peers end as peers
          from sized as s
          join by_zone as z using (period, khoi_hoc, khu_vuc)
          join by_grade as g using (period, khoi_hoc)
        ),
        z as (
          select *, 0.6745 * (x - med) / greatest(mad, ${OUTLIER.madFloor} * med) as z_score from scored
          where peers >= ${OUTLIER.minPeers} and med > 0
        )
        select period, unit_code, record_key, record_id, pseudonym,
          z_score > ${OUTLIER.zLimit} as failed,
          case when z_score > ${OUTLIER.zLimit}
            then 'learners ' || x || ', median of ' || peers || ' peer classes ' || med || ' (z ' || round(z_score, 1) || ')' end as detail
        from z`,
    },
  ];
}
