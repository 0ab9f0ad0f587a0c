-- Completeness: fields the spec requires under a condition ("Bắt buộc nếu là lớp ghép", "Bắt buộc
-- néu là HS bỏ học", ...). pipelines/quality/rules-conditional.ts matches each condition's wording
-- to one block here, the records the field is required of; the presence check is required.sql's.
-- Learner status codes (DM_TRANG_THAI_HOC_SINH): 02/06/10 transferred in, 04/08/11 transferred
-- out, 05/09/12 dropped out; 01 is "studying", the only status that is not a change.

-- name: specialised_class
select lop_chuyen = 1 as applies

-- name: semi_boarding_class
select lop_ban_tru = 1 as applies

-- name: multi_grade_class
select lop_ghep = 1 as applies

-- name: learner_with_disability
select khuyet_tat = 1 as applies

-- name: status_changed
select trang_thai <> 1 as applies

-- name: learner_dropped_out
select trang_thai in (5,9,12) as applies

-- name: semi_boarding_learner
select ban_tru = 1 as applies

-- name: learner_transferred_out
select trang_thai in (4,8,11) as applies

-- name: learner_transferred_in
select trang_thai in (2,6,10) as applies

-- name: manager
select loai_can_bo = '01' as applies

-- name: manager_or_staff
select loai_can_bo in ('01', '02') as applies
