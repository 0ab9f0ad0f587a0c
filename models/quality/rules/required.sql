-- Completeness: the fields the Ministry's spec (data/reference/field-spec.json) marks as always
-- required, one rule per field the warehouse holds (pipelines/quality/rules-required.ts), over the
-- columns of the field's population. `{{column}}` is the field's warehouse column.

-- A personal field never enters the warehouse: its presence is the flag the ETL computed in the
-- source.
-- name: personal
select not coalesce({{column}}__present, false) as fails

-- A text field is missing when it is null or blank.
-- name: text
select nullif(trim({{column}}), '') is null as fails

-- name: value
select {{column}} is null as fails

-- A field referring to districts (DM_HUYEN) is required only in periods when districts exist
-- (until 30/06/2025), read from the validity dates of the district list.
-- name: districts_exist
select exists (select 1 from raw.dm_huyen as u where pop.census_day between u.hieu_luc_tu and coalesce(u.hieu_luc_den, date '9999-12-31')) as applies

-- A field whose meaning starts "(Mầm non)" is required of preschool classes only: khối 16 nhóm
-- trẻ and 17 mẫu giáo (DM_KHOI, level 01).
-- name: preschool_class
select khoi_hoc in ('16', '17') as applies
