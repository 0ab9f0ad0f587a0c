-- What each school must fix: every failing record per period x school x rule, from the history
-- (meta.quality_failures), described so that a school can find it in its own software: the
-- record key '<table>:<source row id>' (the id is the record's id in the CSDL), the pseudonym
-- of the learner or staff member, and for learners and classes the class (code and name) and the
-- grade (khối) of the period: a learner's class at the start of the year for ĐN, at the end for
-- CN. `fields` names the fields at fault and `detail` explains the finding in Vietnamese, never
-- with the value of a personal field. A record that repeats another (duplicates) names it
-- (`related_record_key`) and its school (`related_unit`). Rows are sorted by period and school,
-- so that one school's list is read from a few row groups. The records are read from the raw
-- tables, as the rules read them (the record ids are theirs).
with

failures as (
    select
        period,
        unit_code,
        rule_id,
        record_kind,
        record_id,
        fields,
        detail,
        related_record_id,
        related_unit
    from meta.quality_failures
),

periods as (
    select
        period,
        ky
    from quality.dq_periods
),

learners as (
    select
        'hoc_sinh' as record_kind,
        h.id as record_id,
        h.ma_hoc_sinh as pseudonym,
        h.ma_truong_hoc,
        h.nam_hoc,
        h.khoi_hoc::varchar as grade,
        h.ma_lop_hoc_dn as class_dn,
        coalesce(h.ma_lop_hoc_cn, h.ma_lop_hoc_dn) as class_cn
    from raw.hoc_sinh as h
    semi join failures as f
        on f.record_kind = 'hoc_sinh'
        and f.record_id = h.id
),

class_records as (
    select
        'lop_hoc' as record_kind,
        c.id as record_id,
        null::varchar as pseudonym,
        c.ma_truong_hoc,
        c.nam_hoc,
        try_cast(c.khoi_hoc as integer)::varchar as grade,
        c.ma_lop_hoc as class_dn,
        c.ma_lop_hoc as class_cn
    from raw.lop_hoc as c
    semi join failures as f
        on f.record_kind = 'lop_hoc'
        and f.record_id = c.id
),

staff as (
    select
        'can_bo' as record_kind,
        s.id as record_id,
        s.ma_can_bo as pseudonym,
        s.ma_truong_hoc,
        s.nam_hoc,
        null::varchar as grade,
        null::varchar as class_dn,
        null::varchar as class_cn
    from raw.can_bo as s
    semi join failures as f
        on f.record_kind = 'can_bo'
        and f.record_id = s.id
),

described as (
    select * from learners
    union all
    select * from class_records
    union all
    select * from staff
),

class_names as (
    -- one name per class code of a school-year (a live row before a deleted one)
    select
        ma_truong_hoc,
        nam_hoc,
        ma_lop_hoc,
        ten_lop_hoc
    from raw.lop_hoc
    qualify row_number() over (partition by ma_truong_hoc, nam_hoc, ma_lop_hoc order by deleted_at is not null, id) = 1
),

placed as (
    select
        f.*,
        d.pseudonym,
        d.grade,
        case when p.ky = 'CN' then d.class_cn else d.class_dn end as class_code,
        d.ma_truong_hoc,
        d.nam_hoc
    from failures as f
    join periods as p
        on p.period = f.period
    left join described as d
        on d.record_kind = f.record_kind
        and d.record_id = f.record_id
),

final as (
    select
        x.period,
        x.unit_code,
        x.rule_id,
        k.dimension,
        x.record_kind,
        x.record_kind || ':' || coalesce(x.record_id::varchar, '?') as record_key,
        x.record_id,
        x.pseudonym,
        x.class_code,
        n.ten_lop_hoc as class_name,
        x.grade,
        x.fields,
        x.detail,
        x.record_kind || ':' || x.related_record_id as related_record_key,
        x.related_unit
    from placed as x
    join quality.dq_rule_catalog as k
        on k.rule_id = x.rule_id
    left join class_names as n
        on n.ma_truong_hoc = x.ma_truong_hoc
        and n.nam_hoc = x.nam_hoc
        and n.ma_lop_hoc = x.class_code
    order by x.period, x.unit_code, x.rule_id, x.record_id
)

select * from final
