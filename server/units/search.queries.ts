/**
 * Finds units by name or code within an account's scope (auth/scope.ts), in Vietnamese with or
 * without diacritics: names and the query are compared lower-cased, accents stripped and đ read
 * as d, so "da nang" finds "Thành phố Đà Nẵng".
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { readRows } from '../db/read-rows.ts';
import type { ScopedAccount } from '../auth/scope.ts';

export type FoundUnit = {
  unit_key: string;
  unit_code: string;
  unit_level: string;
  unit_name: string;
  parent_key: string | null;
  parent_name: string | null;
  province_name: string | null;
};

/** The columns of a search answer. */
export const SEARCH_COLUMNS = ['unit_key', 'unit_code', 'unit_level', 'unit_name', 'parent_key', 'parent_name', 'province_name'] as const;

/** Text as the search compares it: lower case, no diacritics, đ as d, single spaces. */
export function foldVietnamese(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase().replace(/\s+/g, ' ').trim();
}

const FOLD = (col: string) => `regexp_replace(replace(lower(strip_accents(${col})), 'đ', 'd'), '\\s+', ' ', 'g')`;

/**
 * Units valid on `day` whose folded name contains every word of `q`, or whose code starts with
 * `q`, that `account` may read: its own unit and its subtree by the parent chain, for a current
 * province also the old provinces merged into it and their units, for a school the same school.
 * Exact code matches first, then by level from the nation down, then by name.
 */
export async function searchUnits(conn: DuckDBConnection, account: ScopedAccount, q: string, day: string, limit: number): Promise<FoundUnit[]> {
  const words = foldVietnamese(q).split(' ').filter(Boolean);
  return readRows<FoundUnit>(
    conn,
    `with recursive below(unit_key, depth) as (
       select $1::varchar, 0
       union all
       select u.unit_key, b.depth + 1 from core.dim_units as u join below as b on u.parent_key = b.unit_key where b.depth < 6
     ),
     own as (select unit_key, valid_to from core.dim_units where unit_key = $1),
     scope as (
       select distinct u.unit_key from core.dim_units as u
       where $2 = 'nation'
          or u.unit_key in (select unit_key from below)
          or ($2 = 'school' and u.unit_level = 'school' and u.unit_code = $3)
          or ($2 = 'province' and u.unit_level <> 'nation' and u.current_province_code = $3 and (select valid_to from own) is null)
     )
     select u.unit_key, u.unit_code, u.unit_level, u.unit_name, u.parent_key, p.unit_name as parent_name, pr.unit_name as province_name
     from core.dim_units as u
     join scope using (unit_key)
     left join core.dim_units as p on p.unit_key = u.parent_key
     left join core.dim_units as pr on pr.unit_key = u.province_key
     where u.valid_from <= cast($4 as date) and coalesce(u.valid_to, date '9999-12-31') >= cast($4 as date)
       and (starts_with(lower(u.unit_code), lower($5))
            or (len($6::varchar[]) > 0 and list_bool_and(list_transform($6::varchar[], w -> contains(${FOLD('u.unit_name')}, w)))))
     order by lower(u.unit_code) = lower($5) desc,
              list_position(['nation', 'province', 'district', 'commune', 'school'], u.unit_level),
              u.unit_name, u.unit_key
     limit $7`,
    [account.unit_key, account.unit_level, account.unit_code, day, q.trim(), words, limit],
  );
}
