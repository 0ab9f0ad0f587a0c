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
 *   ...                      every column of the table
 */
export type Population = {
  table: string;
  /** Column holding a keyed pseudonym worth showing beside the record key. */
  pseudonym?: string;
};

export const POPULATIONS: Readonly<Record<string, Population>> = Object.freeze({
  truong_hoc: { table: 'truong_hoc' },
  diem_truong: { table: 'diem_truong' },
  lop_hoc: { table: 'lop_hoc' },
  hoc_sinh: { table: 'hoc_sinh', pseudonym: 'ma_hoc_sinh' },
  hoc_sinh_trang_thai: { table: 'hoc_sinh_trang_thai', pseudonym: 'ma_hoc_sinh' },
  can_bo: { table: 'can_bo', pseudonym: 'ma_can_bo' },
  phong_hoc: { table: 'phong_hoc' },
});

/** The SELECT of a population; throws on an unknown name (a catalogue bug, caught by tests). */
export function populationSql(name: string): string {
  const pop = POPULATIONS[name];
  if (!pop) throw new Error(`unknown quality population '${name}'`);
  const pseudonym = pop.pseudonym ? `r.${pop.pseudonym}` : 'null::varchar';
  return `
    select
      p.period,
      p.census_day,
      p.ky,
      r.ma_truong_hoc as unit_code,
      '${pop.table}:' || r.id as record_key,
      r.id as record_id,
      ${pseudonym} as pseudonym,
      r.*
    from raw.${pop.table} as r
    join dq_eval_periods as p
      on p.nam_hoc = r.nam_hoc
    semi join core.fct_schools as s
      on s.period = p.period and s.ma_truong_hoc = r.ma_truong_hoc and s.is_active
    where r.deleted_at is null`;
}
