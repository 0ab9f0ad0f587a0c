-- Consistency: a learner's current status and status date against the last live entry of the
-- status history. The last live change of each record (latest date, then highest row id) is
-- grouped once, by the transform (core.fct_learners, one row per record and period); a record
-- without a live change is not checked.

-- name: HS-STATUS-HIST
with learners as ({{population:hoc_sinh}})
select l.period, l.unit_code, l.record_key, l.record_id,
    l.trang_thai is distinct from f.last_change_status or l.ngay_trang_thai is distinct from f.last_change_date as failed,
    case
        when l.trang_thai is distinct from f.last_change_status then 'trang_thai'
        when l.ngay_trang_thai is distinct from f.last_change_date then 'ngay_trang_thai'
    end as fields,
    case
        when l.trang_thai is distinct from f.last_change_status
            then 'Trạng thái hiện tại ' || coalesce(l.trang_thai::varchar, 'để trống') || ', lần thay đổi trạng thái cuối cùng là ' || f.last_change_status
        when l.ngay_trang_thai is distinct from f.last_change_date
            then 'Ngày trạng thái ' || coalesce(strftime(l.ngay_trang_thai, '%d/%m/%Y'), 'để trống')
                || ' khác ngày của lần thay đổi trạng thái cuối cùng ' || strftime(f.last_change_date, '%d/%m/%Y')
    end as detail,
    null::bigint as related_record_id,
    null::varchar as related_unit
from learners as l
join core.fct_learners as f
    on f.hoc_sinh_id = l.record_id and f.period = l.period
where f.status_changes > 0
