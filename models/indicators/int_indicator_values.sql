-- Every indicator of the catalogue for every unit from school to nation, period, geography and
-- breakdown, stored narrow (indicators.indicator_values adds the units' codes and names):
-- numerator and denominator are sums over the unit's schools (ratios are never averaged), and
-- value follows the catalogue's value_kind:
--   count    value = numerator
--   ratio    value = numerator / denominator
--   percent  value = 100 x numerator / denominator
--   gpia     value = numerator / denominator when at most 1, else 2 - denominator / numerator
-- Ratio rows exist only where the denominator is positive. geography 'as_reported' follows the
-- units of the period; 'current_34' re-aggregates every period to today's 34 provinces. A flow
-- rate outside 0-100 % is labelled in value_flag (below_0, above_100).
with

cells as (
    select * from indicators.int_unit_cells
    union all by name
    select * from indicators.int_flow_cells
    union all by name
    select * from indicators.int_population_cells
    union all by name
    select * from indicators.int_nation_cells
),

scoped_cells as (
    -- a run limited to some provinces unpivots only their cells (and the nation's)
    select * from cells
    where getvariable('transform_provinces') is null
        or list_contains(getvariable('transform_provinces'), current_province_code)
),

catalog as (
    select * from indicators.indicator_catalog
),

periods as (
    select * from core.dim_periods
),

long as (
    select
        period,
        geography,
        unit_key,
        unit_level,
        current_province_code,
        breakdown,
        split_part(breakdown, '=', 1) as dimension,
        -- a training-level row (qualification=...) holds staff counts only: it unpivots the staff
        -- indicators alone rather than every one, most of them null there
        unnest(case when starts_with(breakdown, 'qualification=') then [
            {'indicator': 'STF', 'numerator': staff, 'denominator': null},
            {'indicator': 'STF-MGR', 'numerator': staff_managers, 'denominator': null},
            {'indicator': 'TCH', 'numerator': teachers, 'denominator': null},
            {'indicator': 'STF-EMP', 'numerator': staff_employees, 'denominator': null}
        ] else [
            {'indicator': 'SCH', 'numerator': schools, 'denominator': null},
            {'indicator': 'FAC-ELEC', 'numerator': schools_electricity, 'denominator': schools},
            {'indicator': 'FAC-WATER', 'numerator': schools_clean_water, 'denominator': schools},
            {'indicator': 'FAC-TOILET', 'numerator': schools_toilets, 'denominator': schools},
            {'indicator': 'FAC-HANDWASH', 'numerator': schools_handwashing, 'denominator': schools},
            {'indicator': 'FAC-INTERNET', 'numerator': schools_internet, 'denominator': schools},
            {'indicator': 'FAC-COMPUTER', 'numerator': schools_computers, 'denominator': schools},
            {'indicator': 'FAC-DISABILITY', 'numerator': schools_disability_access, 'denominator': schools},
            {'indicator': 'NATSTD', 'numerator': schools_national_standard, 'denominator': schools},
            {'indicator': 'NATSTD-1', 'numerator': schools_national_standard_1, 'denominator': schools},
            {'indicator': 'NATSTD-2', 'numerator': schools_national_standard_2, 'denominator': schools},
            {'indicator': 'SOLID', 'numerator': classrooms_solid, 'denominator': classrooms},
            {'indicator': 'CLS', 'numerator': classes, 'denominator': null},
            {'indicator': 'CLS-GHEP', 'numerator': classes_multigrade, 'denominator': null},
            {'indicator': 'CLS-2BUOI', 'numerator': classes_two_sessions, 'denominator': null},
            {'indicator': 'LRN', 'numerator': learners, 'denominator': null},
            {'indicator': 'LRN-P', 'numerator': learner_persons, 'denominator': null},
            {'indicator': 'LPC', 'numerator': learners, 'denominator': classes},
            {'indicator': 'STF', 'numerator': staff, 'denominator': null},
            {'indicator': 'STF-MGR', 'numerator': staff_managers, 'denominator': null},
            {'indicator': 'TCH', 'numerator': teachers, 'denominator': null},
            {'indicator': 'STF-EMP', 'numerator': staff_employees, 'denominator': null},
            {'indicator': 'PTR', 'numerator': learners, 'denominator': teachers},
            {'indicator': 'TCR', 'numerator': teachers, 'denominator': classes},
            {'indicator': 'QT', 'numerator': teachers_qualified, 'denominator': teachers},
            {'indicator': 'GPI', 'numerator': learners_female, 'denominator': learners_male},
            {'indicator': 'GPIA', 'numerator': learners_female, 'denominator': learners_male},
            {'indicator': 'REP-NAT', 'numerator': repeaters, 'denominator': learners},
            -- the year's dropouts over its start-of-year enrolment: taken from ĐN, reported on CN below
            {'indicator': 'DROP-NAT', 'numerator': dropouts, 'denominator': learners},
            {'indicator': 'ONAGE', 'numerator': learners_on_age, 'denominator': learners_age_known},
            {'indicator': 'REP-UIS', 'numerator': flow_repeaters, 'denominator': flow_enrolment},
            {'indicator': 'PRO', 'numerator': flow_promoted, 'denominator': flow_enrolment_promotable},
            {'indicator': 'DROP-UIS', 'numerator': flow_not_continuing, 'denominator': flow_enrolment_promotable},
            {'indicator': 'TRAN-5-6', 'numerator': transition_5_6_entrants, 'denominator': transition_5_6_base},
            {'indicator': 'TRAN-9-10', 'numerator': transition_9_10_entrants, 'denominator': transition_9_10_base},
            {'indicator': 'GER', 'numerator': ger_learners, 'denominator': population_official_age},
            {'indicator': 'NER', 'numerator': ner_learners, 'denominator': population_official_age}
        ] end, recursive := true)
    from scoped_cells
),

present as (
    -- an unpivoted count its family does not have here (classes by sex, say) is no value
    select * from long
    where numerator is not null
),

report_periods as (
    -- DROP-NAT is reported on the end-of-year period of the school year whose start it counts
    select
        p.period,
        p.ky,
        cn.period as end_of_year_period
    from periods as p
    left join periods as cn
        on cn.nam_hoc = p.nam_hoc
        and cn.ky = 'CN'
),

dated as (
    select
        l.* replace (case when l.indicator = 'DROP-NAT' then r.end_of_year_period else l.period end as period)
    from present as l
    join report_periods as r
        on r.period = l.period
    where l.indicator <> 'DROP-NAT'
        or (r.ky = 'DN' and r.end_of_year_period is not null)
),

catalog_cells as (
    -- the catalogue's (indicator, period kind, breakdown dimension, unit level) combinations, so
    -- that keeping what it defines is one equality join instead of splitting and searching the
    -- catalogue's lists on every unpivoted row
    select
        c.code as indicator,
        unnest(string_split(c.periods, ',')) as ky,
        c.value_kind,
        c.needs,
        c.breakdowns,
        c.unit_levels
    from catalog as c
),

catalog_keys as (
    select distinct
        k.indicator,
        k.ky,
        k.value_kind,
        k.needs,
        b.dimension,
        u.unit_level
    from catalog_cells as k
    cross join lateral (select unnest(k.breakdowns) as dimension) as b
    cross join lateral (select unnest(k.unit_levels) as unit_level) as u
),

applicable as (
    -- keep what the catalogue defines: the indicator's periods, breakdowns and unit levels
    select
        d.* exclude (dimension),
        c.value_kind,
        c.needs
    from dated as d
    join periods as p
        on p.period = d.period
    join catalog_keys as c
        on c.indicator = d.indicator
        and c.ky = p.ky
        and c.dimension = d.dimension
        and c.unit_level = d.unit_level
    where d.numerator is not null
        and (c.value_kind = 'count' or d.denominator > 0)
),

valued as (
    select
        period,
        geography,
        unit_key,
        unit_level,
        current_province_code,
        indicator,
        breakdown,
        numerator,
        denominator,
        needs,
        case value_kind
            when 'count' then cast(numerator as double)
            when 'ratio' then numerator / denominator
            when 'percent' then 100.0 * numerator / denominator
            when 'gpia' then case
                when numerator <= denominator then numerator / denominator
                else 2 - denominator / numerator
            end
        end as value
    from applicable
),

final as (
    select
        * exclude (needs),
        -- a flow rate between two school years (UIS promotion, repetition, dropout, transition)
        -- leaves 0-100 % where learners moved between units or grades outside the flow (transfers
        -- in or out, re-entries): the cell is labelled, the catalogue's method_note explains it
        case
            when needs = 'two school years' and value < 0 then 'below_0'
            when needs = 'two school years' and value > 100 then 'above_100'
        end as value_flag
    from valued
)

select * from final
