/**
 * SQL expressions several rule families share: reading dates as school systems push them, and
 * naming the kind of a malformed value without repeating the value itself.
 */

/** SQL: the row's school year is one of the periods under evaluation (temp table dq_eval_periods). */
export const IN_EVAL_YEARS = 'nam_hoc in (select nam_hoc from dq_eval_periods)';

/** The pushed date format: 'YYYY-MM-DD', optionally followed by a time ('2012-01-09T00:00:00.0'). */
export const PUSHED_DATE_PATTERN = '[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9:.]*)?';

/** SQL: the text column looks like the pushed date format (it may still be impossible: 30/02). */
export function hasDateShape(column: string): string {
  return `regexp_full_match(trim(${column}), '${PUSHED_DATE_PATTERN}')`;
}

/** SQL: the date a pushed-format text holds, or null when it is malformed or impossible. */
export function pushedDate(column: string): string {
  return `case when ${hasDateShape(column)} then try_cast(left(trim(${column}), 10) as date) end`;
}

/**
 * SQL: the kind of a raw value, for failure details: 'dd/mm/yyyy', 'text', 'number', ... The
 * value itself is never returned, so a malformed personal field can be reported safely.
 */
export function valueKind(column: string): string {
  const v = `trim(${column}::varchar)`;
  return `case
      when ${column} is null or ${v} = '' then 'empty'
      when regexp_full_match(${v}, '${PUSHED_DATE_PATTERN}') then 'yyyy-mm-dd'
      when regexp_full_match(${v}, '[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}') then 'dd/mm/yyyy'
      when regexp_full_match(${v}, '[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}') then 'dd-mm-yyyy'
      when regexp_full_match(${v}, '[0-9]{1,2}\\.[0-9]{1,2}\\.[0-9]{4}') then 'dd.mm.yyyy'
      when regexp_full_match(${v}, '[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}') then 'yyyy/mm/dd'
      when regexp_full_match(${v}, '[0-9]{8}') then 'yyyymmdd'
      when regexp_full_match(${v}, '[+-]?[0-9]+,[0-9]+') then 'decimal comma'
      when regexp_full_match(${v}, '[+-]?[0-9]+(\\.[0-9]+)?') then 'number'
      when regexp_matches(${v}, '[0-9]') then 'text with digits'
      else 'text'
    end`;
}
