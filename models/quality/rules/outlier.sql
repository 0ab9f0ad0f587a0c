-- Plausibility against peers (an accuracy proxy, scored as consistency): the modified z-score of
-- a class's learners, 0.6745 (x - median) / MAD, among the classes of the same khối in schools of
-- the same zone (or of the same khối anywhere, when the zone holds fewer than {{min_peers}}
-- classes), flagged above {{z_limit}}. The MAD is floored at a share {{mad_floor_share_of_median}}
-- of the median: where classes are of nearly equal sizes the MAD is tiny, and a cohort split
-- into whole classes legitimately makes one class up to 1.5 times the norm; with the floor a
-- class is flagged only beyond about twice its peers' median. The thresholds are the rule's
-- (rules-statistics.ts).

-- name: LH-OUTLIER-SIZE
with classes as ({{population:lop_hoc}}),
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
    select c.period, c.unit_code, c.record_key, c.record_id, c.khoi_hoc,
        coalesce(t.ma_khu_vuc, '?') as khu_vuc, coalesce(a.n, 0) as x
    from classes as c
    left join assigned as a on a.period = c.period and a.ma_truong_hoc = c.ma_truong_hoc and a.ma_lop_hoc = c.ma_lop_hoc
    left join raw.truong_hoc as t on t.ma_truong_hoc = c.ma_truong_hoc and t.nam_hoc = c.nam_hoc and t.deleted_at is null
    where c.khoi_hoc is not null
),
-- median and MAD of the sizes per grade and zone, then per grade
by_zone as (
    select period, khoi_hoc, khu_vuc, med, count(*) as peers, median(abs(x - med)) as mad
    from (select *, median(x) over (partition by period, khoi_hoc, khu_vuc) as med from sized)
    group by period, khoi_hoc, khu_vuc, med
),
by_grade as (
    select period, khoi_hoc, med, count(*) as peers, median(abs(x - med)) as mad
    from (select *, median(x) over (partition by period, khoi_hoc) as med from sized)
    group by period, khoi_hoc, med
),
scored as (
    select s.*,
        case when z.peers >= {{min_peers}} then z.med else g.med end as med,
        case when z.peers >= {{min_peers}} then z.mad else g.mad end as mad,
        case when z.peers >= {{min_peers}} then z.peers else g.peers end as peers
    from sized as s
    join by_zone as z using (period, khoi_hoc, khu_vuc)
    join by_grade as g using (period, khoi_hoc)
),
z as (
    select *, 0.6745 * (x - med) / greatest(mad, {{mad_floor_share_of_median}} * med) as z_score
    from scored
    where peers >= {{min_peers}} and med > 0
)
select period, unit_code, record_key, record_id,
    z_score > {{z_limit}} as failed,
    'si_so' as fields,
    case when z_score > {{z_limit}}
        then 'Lớp có ' || x || ' học sinh, trung vị của ' || peers || ' lớp cùng khối là ' || replace(med::varchar, '.', ',')
            || ' (điểm z hiệu chỉnh ' || replace(round(z_score, 1)::varchar, '.', ',') || ')' end as detail,
    null::bigint as related_record_id,
    null::varchar as related_unit
from z
