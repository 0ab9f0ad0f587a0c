/**
 * Populations: the records a family of rules checks, one row per record and period, with the
 * columns every rule may use. Each reads one warehouse table `raw.<table>` (copied columns,
 * pseudonymised keys, personal-field flags; `id` is the source row id) for the school years of
 * the periods under evaluation (temp table `dq_eval_periods`), skipping soft-deleted rows and the
 * rows of schools not active on the census day (dissolved, not yet founded, soft-deleted), as
 * the indicators do (core.fct_schools.is_active): their records belong to no unit of the period.
 *
 * Every population returns:
 *   period, census_day, ky   the period evaluated and its census day
 *   unit_code                the school the record belongs to (ma_truong_hoc)
 *   record_key, record_id    '<table>:<id>' and the source row id
 *   pseudonym                the learner's or staff member's keyed pseudonym, if any
 *   ...                      every column of the table, and the derived columns below
 */
import { selectList } from './rule-files.ts';

export type Population = {
  table: string;
  /** Column holding a keyed pseudonym worth showing beside the record key. */
  pseudonym?: string;
  /**
   * The block of models/quality/rules/populations.sql whose select list holds the columns
   * computed once per record for the rules that share them (the parsed birth date).
   */
  derived?: string;
};

export const POPULATIONS: Readonly<Record<string, Population>> = Object.freeze({
  truong_hoc: { table: 'truong_hoc' },
  diem_truong: { table: 'diem_truong' },
  lop_hoc: { table: 'lop_hoc' },
  hoc_sinh: { table: 'hoc_sinh', pseudonym: 'ma_hoc_sinh', derived: 'birth_date' },
  hoc_sinh_trang_thai: { table: 'hoc_sinh_trang_thai', pseudonym: 'ma_hoc_sinh' },
  can_bo: { table: 'can_bo', pseudonym: 'ma_can_bo', derived: 'birth_date' },
  phong_hoc: { table: 'phong_hoc' },
});

function lookup(name: string): Population {
  const pop = POPULATIONS[name];
  if (!pop) throw new Error(`unknown quality population '${name}'`);
  return pop;
}

const head = (pop: Population) => `
      p.period,
      p.census_day,
      p.ky,
      r.ma_truong_hoc as unit_code,
      '${pop.table}:' || r.id as record_key,
      r.id as record_id,
      ${pop.pseudonym ? `r.${pop.pseudonym}` : 'null::varchar'} as pseudonym,
      r.*${Object.entries(pop.derived ? selectList('populations', pop.derived) : {})
        .map(([name, sql]) => `,\n      ${sql} as ${name}`)
        .join('')}`;

/** The SELECT of a population; throws on an unknown name (a catalogue bug, caught by tests). */
export function populationSql(name: string): string {
  const pop = lookup(name);
  return `
    select ${head(pop)}
    from raw.${pop.table} as r
    join dq_eval_periods as p
      on p.nam_hoc = r.nam_hoc
    semi join core.fct_schools as s
      on s.period = p.period and s.ma_truong_hoc = r.ma_truong_hoc and s.is_active
    where r.deleted_at is null`;
}

/**
 * The population's rows for the failing records in temp table `dq_stage_failing` only, by source
 * id, with that table's `rule_id`: the detail pass reads back the failing records this way.
 */
export function failingSql(name: string): string {
  const pop = lookup(name);
  return `
    select s.rule_id, ${head(pop)}
    from dq_stage_failing as s
    join dq_eval_periods as p
      on p.period = s.period
    join raw.${pop.table} as r
      on r.id = s.record_id`;
}
