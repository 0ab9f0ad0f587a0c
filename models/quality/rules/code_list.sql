-- Validity: values inside their code lists. One rule per spec field naming a code list (DM_*)
-- whose column and list are in the warehouse (pipelines/quality/rules-code-list.ts): `{{column}}`
-- is the field's column, `{{list_table}}` the list's table in raw and `{{list}}` its name in the
-- spec. Empty values are not checked here (the completeness rules see them); the code itself is
-- not personal, so the detail shows it for the school to correct.

-- name: text
select
    nullif(trim({{column}}), '') is not null as applies,
    pop.{{column}} not in (select ma from raw.{{list_table}}) as fails,
    'Mã ''' || {{column}} || ''' không có trong danh mục {{list}}' as detail

-- Numeric columns compare numerically: '01' and 1 are the same code.
-- name: number
select
    {{column}} is not null as applies,
    pop.{{column}} not in (select try_cast(ma as bigint) from raw.{{list_table}} where try_cast(ma as bigint) is not null) as fails,
    'Mã ''' || {{column}} || ''' không có trong danh mục {{list}}' as detail

-- Administrative units (DM_TINH, DM_HUYEN, DM_XA) must be units valid on the period's census day,
-- since codes changed on 01/07/2025. The (census day, code) pairs valid in the periods evaluated
-- form one uncorrelated list: a correlated `not exists` makes DuckDB copy the whole population,
-- every column the scan reads, once per such rule. The records checked are those of the column's
-- type, above.
-- name: administrative_unit
select
    {'d': pop.census_day, 'm': pop.{{column}}} not in (
        select {'d': p.census_day, 'm': u.ma} from dq_eval_periods as p
        join raw.{{list_table}} as u
            on p.census_day between u.hieu_luc_tu and coalesce(u.hieu_luc_den, date '9999-12-31')
        where u.ma is not null) as fails,
    'Mã ''' || {{column}} || ''' không phải đơn vị hành chính ({{list}}) còn hiệu lực ngày chốt số liệu '
        || strftime(census_day, '%d/%m/%Y') as detail
