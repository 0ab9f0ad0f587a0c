-- School levels (cấp học, DM_CAP_HOC) with the training standard a teacher of the level must
-- meet under the 2019 Education Law (Điều 72), used by the qualified-teacher indicator (QT):
--   preschool: college pedagogy or higher (trình độ 17 CĐSP, 16 ĐHSP, 14 CĐ + chứng chỉ NVSP,
--              13 ĐH + chứng chỉ NVSP, 02 thạc sĩ, 01 tiến sĩ);
--   general and continuing: university pedagogy, or a degree with the pedagogy certificate
--              (16, 13, 02, 01).
with

cap_hoc as (
    select
        ma as cap_hoc,
        ten as name_vi
    from staging.stg_csdl__code_lists
    where danh_muc = 'DM_CAP_HOC'
),

levels as (
    select * from (values
        ('01', 'preschool', 'Preschool', 1, ['17', '16', '14', '13', '02', '01']),
        ('02', 'primary', 'Primary', 2, ['16', '13', '02', '01']),
        ('03', 'lower_secondary', 'Lower secondary', 3, ['16', '13', '02', '01']),
        ('04', 'upper_secondary', 'Upper secondary', 4, ['16', '13', '02', '01']),
        ('05', 'continuing', 'Continuing education', 5, ['16', '13', '02', '01'])
    ) as t (cap_hoc, level, name_en, sort_order, qualified_trinh_do)
),

final as (
    select
        l.level,
        l.cap_hoc,
        coalesce(c.name_vi, l.name_en) as name_vi,
        l.name_en,
        l.sort_order,
        l.qualified_trinh_do
    from levels as l
    left join cap_hoc as c
        on c.cap_hoc = l.cap_hoc
)

select * from final
