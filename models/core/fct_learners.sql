-- Learners as of each census day: one row per live learner record (learner x school x school
-- year) of a school active on the census day, per period of its school year. The status on the
-- census day is the latest status change at that school dated on or before it (changes of the
-- same day: the later row); without one, nothing when the record's first change is an arrival
-- (01 đang học, 02/06/10 chuyển đến: the learner came after the census day), else the record's
-- current status if it took effect by then.
-- A learner is enrolled (counted) when that status is 01 đang học, 02/06/10 chuyển đến or 03/07
-- học lại; a dropout when the record's current status is 05/09/12 thôi học.
-- The record's last change overall (latest date, then highest row id) and its number of live
-- changes are kept beside, for the quality rule that checks the record's own status against its
-- history (HS-STATUS-HIST): the history is grouped once here, not again by the quality run.
-- Kept narrow on purpose (it is the largest table): grade, level and official age come from
-- core.dim_grades by khoi_hoc; the learner pseudonym, the class and other record fields from
-- staging by hoc_sinh_id: the 32-character pseudonym alone would take a large share of the
-- table's build time and most of its size.
with

learners as (
    select * from staging.stg_csdl__hoc_sinh
    where not is_deleted
),

history as (
    select * from staging.stg_csdl__hoc_sinh_trang_thai
    where not is_deleted
),

schools as (
    select * from core.fct_schools
    where is_active
),

school_years as (
    select
        ma_truong_hoc,
        nam_hoc,
        current_province_code
    from core.int_school_years
    -- a run limited to some provinces, or one batch of a full build (the sidecar's `batches`),
    -- reads only their schools' learners and changes; an unplaced school is '' in a batch
    where getvariable('transform_provinces') is null
        or list_contains(getvariable('transform_provinces'), coalesce(current_province_code, ''))
),

periods as (
    select * from core.dim_periods
),

ethnicities as (
    -- DM_DAN_TOC: 01 Kinh, 02..54 the other ethnic groups, 55 người nước ngoài
    select ma from staging.stg_csdl__code_lists
    where danh_muc = 'DM_DAN_TOC'
),

status_by_record as (
    -- per learner record: the last change dated on or before each census day of its school year,
    -- ordered by date, then by row id among changes of the same day; and the last change overall
    select
        h.ma_hoc_sinh,
        h.ma_truong_hoc,
        h.nam_hoc,
        arg_max(h.trang_thai, epoch_us(h.ngay_hieu_luc) + h.hoc_sinh_trang_thai_id)
            filter (where h.ngay_hieu_luc <= dn.census_day) as status_dn,
        arg_max(h.trang_thai, epoch_us(h.ngay_hieu_luc) + h.hoc_sinh_trang_thai_id)
            filter (where h.ngay_hieu_luc <= cn.census_day) as status_cn,
        arg_min(h.trang_thai, epoch_us(h.ngay_hieu_luc) + h.hoc_sinh_trang_thai_id) as first_status,
        arg_max(h.trang_thai, epoch_us(h.ngay_hieu_luc) + h.hoc_sinh_trang_thai_id) as last_change_status,
        max(h.ngay_hieu_luc) as last_change_date,
        count(*) as status_changes
    from history as h
    join school_years as y
        on y.ma_truong_hoc = h.ma_truong_hoc
        and y.nam_hoc = h.nam_hoc
    join periods as dn
        on dn.nam_hoc = h.nam_hoc
        and dn.ky = 'DN'
    join periods as cn
        on cn.nam_hoc = h.nam_hoc
        and cn.ky = 'CN'
    group by all
),

learner_statuses as (
    select
        l.*,
        h.status_dn,
        h.status_cn,
        h.first_status,
        h.last_change_status,
        h.last_change_date,
        h.status_changes
    from learners as l
    join school_years as y
        on y.ma_truong_hoc = l.ma_truong_hoc
        and y.nam_hoc = l.nam_hoc
    left join status_by_record as h
        on h.ma_hoc_sinh = l.ma_hoc_sinh
        and h.ma_truong_hoc = l.ma_truong_hoc
        and h.nam_hoc = l.nam_hoc
),

with_status as (
    select
        s.period,
        s.school_key,
        s.current_province_code,
        s.census_day,
        l.*,
        case when s.ky = 'DN' then l.status_dn else l.status_cn end as status_from_changes,
        coalesce(
            status_from_changes,
            case
                -- no change by the census day and the first one an arrival: not there yet
                when l.first_status in (1, 2, 6, 10) then null
                when l.ngay_trang_thai is null or l.ngay_trang_thai <= s.census_day then l.trang_thai
            end
        ) as status_on_census
    from learner_statuses as l
    join schools as s
        on s.ma_truong_hoc = l.ma_truong_hoc
        and s.nam_hoc = l.nam_hoc
),

final as (
    select
        period,
        nam_hoc,
        hoc_sinh_id,
        school_key,
        current_province_code,
        khoi_hoc,
        -- DM_GIOI_TINH 1 nam, 2 nữ; any other value is unknown
        case when gioi_tinh in (1, 2) then gioi_tinh end as gioi_tinh,
        -- ethnic minority: a DM_DAN_TOC code other than 01 Kinh and 55 người nước ngoài; a
        -- missing code or one outside the list is unknown (null), never minority
        case when ma_dan_toc in (select ma from ethnicities) then ma_dan_toc not in ('01', '55') end as is_minority,
        ngay_sinh,
        -- a possible birth date: in the pushed format, a calendar day, from 1900 to the census
        -- day; the test of the quality rules HS-FMT-ngay_sinh and HS-DATE-ngay_sinh together
        coalesce(ngay_sinh between date '1900-01-01' and census_day, false) as has_valid_birth_date,
        -- age in the calendar year the school year starts (years); unknown without a possible
        -- birth date
        case when has_valid_birth_date then nam_hoc - year(ngay_sinh) end as age,
        status_on_census,
        status_from_changes is not null as status_from_history,
        coalesce(status_on_census in (1, 2, 3, 6, 7, 10), false) as is_enrolled,
        coalesce(loai_nhap_hoc = 3, false) as is_repeater,
        coalesce(trang_thai in (5, 9, 12), false) as is_dropout,
        trang_thai,
        last_change_status,
        last_change_date,
        coalesce(status_changes, 0)::usmallint as status_changes
    from with_status
)

select * from final
