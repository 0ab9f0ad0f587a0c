-- Staff as of each census day: one row per live staff record of a school active on the census
-- day, per period of its school year. A staff member is working at the school on the census
-- day when hired by then (or no hiring date) and in a status that means "at this school that
-- day": 01 đang làm việc, 04 chờ nghỉ hưu, 07 chuyển đến (02 đã chuyển đi, 03 đã điều động,
-- 05 đã nghỉ hưu and 06 đã biệt phái are not). A counted teacher is a working staff member of
-- group 03 (giáo viên). Qualified means meeting the training standard of the level taught
-- (core.dim_levels); a teacher without a known level is held to the general standard.
with

staff as (
    select * from staging.stg_csdl__can_bo
    where not is_deleted
),

schools as (
    select * from core.fct_schools
    where is_active
),

levels as (
    select * from core.dim_levels
),

general_standard as (
    select qualified_trinh_do from levels where level = 'primary'
),

ethnicities as (
    -- DM_DAN_TOC: 01 Kinh, 02..54 the other ethnic groups, 55 người nước ngoài
    select ma from staging.stg_csdl__code_lists
    where danh_muc = 'DM_DAN_TOC'
),

working as (
    select
        c.*,
        s.period,
        s.school_key,
        s.current_province_code,
        coalesce(c.trang_thai in ('01', '04', '07') and coalesce(c.ngay_tuyen_dung <= s.census_day, true), false) as is_working
    from staff as c
    join schools as s
        on s.ma_truong_hoc = c.ma_truong_hoc
        and s.nam_hoc = c.nam_hoc
),

final as (
    select
        c.period,
        c.nam_hoc,
        c.can_bo_id,
        c.ma_can_bo,
        c.ma_truong_hoc,
        c.school_key,
        c.current_province_code,
        c.loai_can_bo,
        -- DM_NHOM_CAN_BO: 01 cán bộ quản lý, 02 nhân viên, 03 giáo viên; the other groups
        -- (06 giáo viên dạy nghề, 07-09 Sở and Phòng staff, 10 giáo viên biệt phái) are 'other'
        case
            when c.loai_can_bo = '01' then 'manager'
            when c.loai_can_bo = '02' then 'employee'
            when c.loai_can_bo = '03' then 'teacher'
            when c.loai_can_bo in ('06', '07', '08', '09', '10') then 'other'
        end as staff_group,
        c.loai_can_bo = '03' as is_teacher,
        c.is_working,
        c.is_working and coalesce(c.loai_can_bo = '03', false) as is_counted_teacher,
        c.cap_hoc,
        l.level,
        case c.gioi_tinh when 1 then 'male' when 2 then 'female' end as sex,
        -- ethnic minority: a DM_DAN_TOC code other than 01 Kinh and 55 người nước ngoài; a
        -- missing code or one outside the list is unknown (null), never minority
        case when c.ma_dan_toc in (select ma from ethnicities) then c.ma_dan_toc not in ('01', '55') end as is_minority,
        c.trinh_do_chuyen_mon_nv_cao_nhat,
        -- the training levels of the Ministry's staff forms (DM_TRINH_DO_CHUYEN_MON): a degree
        -- with the pedagogy certificate counts as the pedagogical level of the same rank
        case
            when c.trinh_do_chuyen_mon_nv_cao_nhat = '01' then 'doctorate'
            when c.trinh_do_chuyen_mon_nv_cao_nhat = '02' then 'master'
            when c.trinh_do_chuyen_mon_nv_cao_nhat in ('16', '13') then 'university_pedagogy'
            when c.trinh_do_chuyen_mon_nv_cao_nhat in ('17', '14') then 'college_pedagogy'
            when c.trinh_do_chuyen_mon_nv_cao_nhat in ('18', '15', '09', '10') then 'secondary_pedagogy'
            when c.trinh_do_chuyen_mon_nv_cao_nhat in ('03', '04', '05', '06', '07', '08', '11') then 'other'
        end as qualification_level,
        coalesce(list_contains(coalesce(l.qualified_trinh_do, (select qualified_trinh_do from general_standard)), c.trinh_do_chuyen_mon_nv_cao_nhat), false) as is_qualified,
        c.ma_chuan_dao_tao,
        c.loai_hop_dong,
        c.trang_thai
    from working as c
    left join levels as l
        on l.cap_hoc = c.cap_hoc
)

select * from final
