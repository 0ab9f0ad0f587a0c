-- Learners (LstHocSinh), one row per learner per school per school year (a transfer leaves a
-- row in each school). Keys are pseudonyms; personal fields arrive only as quality flags.
-- ngay_sinh is pushed as text ('2012-01-09T00:00:00.0'): it is parsed here, the raw text is
-- kept, and a value not in the pushed format is marked, never dropped; one in the format that
-- is not a calendar day (2014-02-30) is an impossible date: null, and not marked malformed.
with

source as (
    select
        *,
        -- the birth date as the quality rules read it (populations.ts, HS-/CB-FMT-ngay_sinh and
        -- HS-/CB-DATE-ngay_sinh): its first ten characters as a date, when nothing, a 'T' or a
        -- space follows them ('2012-01-09T00:00:00.0')
        case when length(ngay_sinh) = 10 or substr(ngay_sinh, 11, 1) in ('T', ' ') then try_cast(left(ngay_sinh, 10) as date) end as ngay_sinh_date
    from raw.hoc_sinh
),

renamed as (
    select
        id as hoc_sinh_id,
        ma_hoc_sinh,
        ma_truong_hoc,
        cast(nam_hoc as integer) as nam_hoc,
        ma_lop_hoc_dn,
        ma_lop_hoc_cn,
        -- DM_KHOI as a number: 1..12, 16 nhóm trẻ, 17 mẫu giáo, 13..15 GDTX
        cast(khoi_hoc as integer) as khoi_hoc,
        ngay_sinh as ngay_sinh_raw,
        ngay_sinh_date as ngay_sinh,
        -- malformed: present and not in the pushed format 'yyyy-mm-dd[Thh:mm:ss.f]'; a date in
        -- the format that is not a calendar day (2014-02-30) is impossible, not malformed (the
        -- expression is only evaluated where the date did not parse)
        case
            when ngay_sinh_date is not null or nullif(trim(ngay_sinh), '') is null then false
            else not regexp_full_match(trim(ngay_sinh), '[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9:.]*)?')
        end as ngay_sinh_malformed,
        -- DM_GIOI_TINH: 1 nam, 2 nữ
        cast(gioi_tinh as integer) as gioi_tinh,
        ma_dan_toc,
        ma_ton_giao,
        cast(khuyet_tat as integer) as khuyet_tat,
        ma_loai_khuyet_tat,
        -- LOAI_NHAP_HOC: 0 trúng tuyển, 1 chuyển đến, 2 xét tuyển, 3 lưu ban, 4 lên lớp
        cast(loai_nhap_hoc as integer) as loai_nhap_hoc,
        -- DM_TRANG_THAI_HOC_SINH, the current status, and the date it took effect
        cast(trang_thai as integer) as trang_thai,
        cast(ngay_trang_thai as date) as ngay_trang_thai,
        ma_ly_do_thoi_hoc,
        noi_chuyen_di,
        cast(ban_tru as integer) as ban_tru,
        ma_hoc_ban_tru,
        ma_khu_vuc,
        ma_pxa_thtru,
        ma_tthanh_thtru,
        -- pseudonym of the citizen ID, for linkage checks
        ma_cong_dan,
        -- quality flags of the personal fields (present, NFC, legacy encoding, well formed)
        columns('__(present|nfc|legacy|well_formed)$'),
        cast(created_at as timestamptz) as created_at,
        cast(updated_at as timestamptz) as updated_at,
        cast(deleted_at as timestamptz) as deleted_at,
        deleted_at is not null as is_deleted,
        _run_id as etl_run_id,
        _loaded_at as loaded_at
    from source
)

select * from renamed
