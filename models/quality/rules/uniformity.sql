-- Uniformity ("thống nhất font chữ, quy cách, chuẩn hoá thông tin"), scored as validity: text in
-- Unicode NFC, not typed in a legacy encoding (TCVN3, VNI, VIQR), identifiers and contacts in one
-- format. One rule per table and check (NFC, LEGACY, WELLFORMED), pipelines/quality/rules-uniformity.ts:
-- a record fails when any of its columns is bad, and the detail lists the columns at fault, never
-- their values. Each block says when one column `{{column}}` is bad.

-- Personal fields are judged by the flags the ETL computed in the source.
-- name: personal_not_nfc
select not coalesce({{column}}__nfc, true) as bad

-- name: personal_legacy
select coalesce({{column}}__legacy, false) as bad

-- name: personal_malformed
select not coalesce({{column}}__well_formed, true) as bad

-- The warehouse's own text columns (school and class names, addresses) are judged here with the
-- ETL's patterns, `{{pattern}}` in RE2 syntax.
-- name: text_not_nfc
select coalesce(nfc_normalize({{column}}) <> {{column}}, false) as bad

-- Official unit names the pattern would flag ("Laêê") are taken out first
-- (`{{without_official_names}}`), as in the ETL's flags.
-- name: text_legacy
select coalesce(regexp_matches({{column}}, '{{pattern}}') and regexp_matches({{without_official_names}}, '{{pattern}}'), false) as bad

-- School phones and e-mails, each in the format `{{pattern}}` that rules-uniformity.ts gives it.
-- name: contact_malformed
select nullif(trim({{column}}), '') is not null and not regexp_matches(trim({{column}}), '{{pattern}}') as bad
