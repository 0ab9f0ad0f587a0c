/**
 * The optional population table behind GER and NER (input.population): persons by province,
 * year, age and sex from a CSV `ma_tinh,nam,tuoi,gioi_tinh,dan_so[,dia_gioi]`, checked against the
 * warehouse's provinces before it replaces the table, so that a bad file changes nothing.
 *
 * A province code alone does not name a province: seven of today's 34 provinces reuse the code of
 * a different old one (15 is Yên Bái before 01/07/2025 and Lào Cai after), and a merged province
 * keeps the code of one of its parts (48 is old Đà Nẵng and today's Đà Nẵng, which adds Quảng
 * Nam). So every row says, or the loader works out, which provinces its code is of:
 *   dia_gioi '63'  the 63 provinces before the reorganisation of 01/07/2025
 *   dia_gioi '34'  today's 34 provinces
 * whatever the year (a statistics office may publish 2024 figures already under today's 34).
 * Without the column, each year is read from its codes: a code that exists only among the old
 * provinces means '63'; otherwise the provinces of that year's start-of-year census day; a year
 * before the reorganisation whose codes are exactly today's 34 means '34'; codes that name the
 * same territory either way (provinces not merged) may be read either way; any other year is
 * ambiguous and the file is refused until it states dia_gioi.
 *
 * The model indicators.int_population_cells counts a row towards every province of the period
 * that contains the row's own. A file whose rows for a year, age and sex cover only part of a
 * province (old Đà Nẵng without Quảng Nam, for today's Đà Nẵng) would half-count it: it is
 * refused, naming the provinces.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { RefusedError } from '../../lib/errors.ts';
import { literal, queryRows } from '../../lib/warehouse.ts';

const REQUIRED = ['ma_tinh', 'nam', 'tuoi', 'gioi_tinh', 'dan_so'] as const;
/** The provinces a file's codes are of: '63' before 01/07/2025, '34' today's. */
type Geography = '63' | '34';
/** Problems listed in a refusal before it says how many more there are. */
const SHOWN = 8;

/** Creates the (empty) population table when none was loaded, so the models can read it. */
export async function ensurePopulation(conn: DuckDBConnection): Promise<void> {
  await conn.run(`create schema if not exists input;
    create table if not exists input.population (
      ma_tinh varchar not null,   -- province code, of the provinces dia_gioi names
      nam integer not null,       -- calendar year the population refers to (= nam_hoc)
      tuoi integer not null,      -- age in completed years at the end of year nam
      gioi_tinh integer not null, -- 1 male, 2 female
      dan_so bigint not null,     -- persons
      dia_gioi varchar            -- '63': the provinces before 01/07/2025; '34': today's
    );
    alter table input.population add column if not exists dia_gioi varchar;
    -- a table loaded before files stated their provinces read each code as the province of its
    -- year's start-of-year census day (30/09)
    update input.population set dia_gioi = case when make_date(nam, 9, 30) < date '2025-07-01' then '63' else '34' end
    where dia_gioi is null;`);
}

/** A population file refused: every problem found, named, in Vietnamese then English. */
function refuse(path: string, problems: string[]): never {
  const shown = problems.slice(0, SHOWN);
  if (problems.length > SHOWN) shown.push(`... và ${problems.length - SHOWN} vấn đề khác`);
  throw new RefusedError(`Tệp dân số ${path} bị từ chối, bảng dân số giữ nguyên:\n${shown.map((p) => `  - ${p}`).join('\n')}`, {
    path,
    problems,
  });
}

/**
 * Replaces input.population with a CSV (header required: ma_tinh,nam,tuoi,gioi_tinh,dan_so and
 * optionally dia_gioi) after the checks of the module comment. Returns the rows loaded.
 *
 * @example
 *   await loadPopulation(conn, 'dan-so-2024.csv'); // 2024 rows keyed by today's 34 provinces: detected, or dia_gioi = 34
 */
export async function loadPopulation(conn: DuckDBConnection, csvPath: string): Promise<number> {
  const path = resolve(csvPath);
  if (!existsSync(path)) throw new RefusedError(`Tệp dân số ${path} không tồn tại`, { path });
  await ensurePopulation(conn);
  const file = `read_csv(${literal(path)}, header = true, all_varchar = true)`;
  const columns = (await queryRows<{ column_name: string }>(conn, `select column_name from (describe select * from ${file})`)).map((c) =>
    c.column_name.trim().toLowerCase(),
  );
  const missing = REQUIRED.filter((c) => !columns.includes(c));
  if (missing.length) refuse(path, [`thiếu cột ${missing.join(', ')} (cần ma_tinh,nam,tuoi,gioi_tinh,dan_so[,dia_gioi])`]);
  const stated = columns.includes('dia_gioi');
  await conn.run(`create or replace temp table population_file as
    select
      row_number() over () + 1 as line,
      lpad(trim(ma_tinh), 2, '0') as ma_tinh,
      try_cast(trim(nam) as integer) as nam,
      try_cast(trim(tuoi) as integer) as tuoi,
      try_cast(trim(gioi_tinh) as integer) as gioi_tinh,
      try_cast(trim(dan_so) as bigint) as dan_so,
      ${stated ? `nullif(trim(dia_gioi), '')` : 'null::varchar'} as dia_gioi,
      nullif(trim(ma_tinh), '') is null
        or try_cast(trim(nam) as integer) is null
        or try_cast(trim(tuoi) as integer) is null or try_cast(trim(tuoi) as integer) < 0
        or try_cast(trim(gioi_tinh) as integer) is distinct from 1 and try_cast(trim(gioi_tinh) as integer) is distinct from 2
        or try_cast(trim(dan_so) as bigint) is null or try_cast(trim(dan_so) as bigint) < 0
        ${stated ? `or nullif(trim(dia_gioi), '') not in ('63', '34')` : ''} as is_invalid
    from ${file}`);
  try {
    const invalid = await queryRows<{ line: number }>(conn, 'select line from population_file where is_invalid order by line');
    if (invalid.length) {
      refuse(path, [
        `${invalid.length} dòng có giá trị không hợp lệ (ma_tinh trống, nam/tuoi/dan_so không phải số nguyên không âm, gioi_tinh khác 1/2${stated ? ', dia_gioi khác 63/34' : ''}), dòng ${invalid
          .slice(0, 10)
          .map((r) => r.line)
          .join(', ')}${invalid.length > 10 ? ', ...' : ''}`,
      ]);
    }
    const provinces = await provinceLists(conn, path);
    await resolveGeographies(conn, path, provinces);
    await checkCodes(conn, path);
    await checkCoverage(conn, path);
    // inside the transform's transaction: a file refused or failing to load leaves the previous population
    await conn.run(`delete from input.population;
      insert into input.population by name
      select ma_tinh, nam, tuoi, gioi_tinh, dan_so, dia_gioi from population_file;`);
  } finally {
    await conn.run('drop table if exists population_file; drop table if exists population_provinces; drop table if exists population_atoms;');
  }
  const [{ n }] = await queryRows<{ n: number }>(conn, 'select count(*) as n from input.population');
  return Number(n);
}

type ProvinceLists = {
  /** Codes of the old (63) and today's (34) provinces. */
  codes: Record<Geography, Set<string>>;
  /** Today's provinces that were not merged: their code names the same territory before and after. */
  unchanged: Set<string>;
  /** The first day of the 34 provinces. */
  reorganisation: string;
};

/**
 * The province lists of the warehouse's source, into temp tables population_provinces
 * (dia_gioi, ma_tinh, ten) and population_atoms (each province as the old provinces it covers),
 * from raw.dm_tinh and raw.dm_tinh_sap_nhap, which core.dim_units and core.dim_province_crosswalk
 * are built from.
 */
async function provinceLists(conn: DuckDBConnection, path: string): Promise<ProvinceLists> {
  const [{ n }] = await queryRows<{ n: number }>(
    conn,
    `select count(*) as n from information_schema.tables where table_schema = 'raw' and table_name in ('dm_tinh', 'dm_tinh_sap_nhap')`,
  );
  if (Number(n) < 2) refuse(path, ['kho chưa có danh mục tỉnh (raw.dm_tinh, raw.dm_tinh_sap_nhap): hãy chạy csdl etl trước']);
  await conn.run(`create or replace temp table population_provinces as
    with reorganisation as (
      select min(cast(hieu_luc_tu as date)) as day from raw.dm_tinh_sap_nhap
    ),
    provinces as (
      select ma, ten, cast(hieu_luc_tu as date) as valid_from, coalesce(cast(hieu_luc_den as date), date '9999-12-31') as valid_to from raw.dm_tinh
    )
    select '63' as dia_gioi, p.ma as ma_tinh, p.ten, r.day as reorganisation
    from provinces as p, reorganisation as r where r.day - 1 between p.valid_from and p.valid_to
    union all
    select '34', p.ma, p.ten, r.day
    from provinces as p, reorganisation as r where r.day between p.valid_from and p.valid_to;
    create or replace temp table population_atoms as
    select distinct '63' as dia_gioi, ma_tinh_cu as ma_tinh, ma_tinh_cu as atom from raw.dm_tinh_sap_nhap
    union all
    select distinct '34', ma_tinh_moi, ma_tinh_cu from raw.dm_tinh_sap_nhap;`);
  const rows = await queryRows<{ dia_gioi: Geography; ma_tinh: string; reorganisation: string }>(
    conn,
    'select dia_gioi, ma_tinh, reorganisation::varchar as reorganisation from population_provinces',
  );
  if (rows.length === 0) refuse(path, ['kho chưa có danh mục tỉnh trước và sau 01/07/2025']);
  const unchanged = await queryRows<{ ma_tinh: string }>(
    conn,
    `select ma_tinh from population_atoms where dia_gioi = '34' group by ma_tinh having count(*) = 1 and any_value(atom) = ma_tinh`,
  );
  return {
    codes: {
      '63': new Set(rows.filter((r) => r.dia_gioi === '63').map((r) => r.ma_tinh)),
      '34': new Set(rows.filter((r) => r.dia_gioi === '34').map((r) => r.ma_tinh)),
    },
    unchanged: new Set(unchanged.map((r) => r.ma_tinh)),
    reorganisation: rows[0].reorganisation,
  };
}

/** Fills dia_gioi of the rows without it, year by year (see the module comment); refuses ambiguous years. */
async function resolveGeographies(conn: DuckDBConnection, path: string, p: ProvinceLists): Promise<void> {
  const years = await queryRows<{ nam: number; codes: string[] }>(
    conn,
    'select nam, list(distinct ma_tinh order by ma_tinh) as codes from population_file where dia_gioi is null group by nam order by nam',
  );
  const problems: string[] = [];
  for (const { nam, codes } of years) {
    const unknown = codes.filter((c) => !p.codes['63'].has(c) && !p.codes['34'].has(c));
    if (unknown.length) {
      problems.push(`năm ${nam}: mã tỉnh ${unknown.join(', ')} không có trong danh mục tỉnh`);
      continue;
    }
    const geography = detect(nam, codes, p);
    if (geography) {
      await conn.run(`update population_file set dia_gioi = ${literal(geography)} where dia_gioi is null and nam = ${nam}`);
      continue;
    }
    const differing = codes.filter((c) => !p.unchanged.has(c));
    problems.push(
      `năm ${nam}: không rõ mã tỉnh theo 63 tỉnh cũ hay 34 tỉnh hiện nay (mã ${differing.join(', ')} chỉ tỉnh khác nhau trước và sau 01/07/2025); hãy thêm cột dia_gioi (63 hoặc 34)`,
    );
  }
  if (problems.length) refuse(path, problems);
  const mixed = await queryRows<{ nam: number }>(conn, 'select nam from population_file group by nam having count(distinct dia_gioi) > 1 order by nam');
  if (mixed.length) {
    refuse(
      path,
      mixed.map((m) => `năm ${m.nam}: các dòng dùng cả 63 tỉnh cũ và 34 tỉnh hiện nay, có thể đếm trùng`),
    );
  }
}

/** The provinces a year's codes are of, or undefined when the codes allow both readings to differ. */
function detect(nam: number, codes: string[], p: ProvinceLists): Geography | undefined {
  if (codes.some((c) => !p.codes['34'].has(c))) return '63';
  if (codes.some((c) => !p.codes['63'].has(c))) return '34';
  // every code is both an old and a new province's: the units of the year's census day (core.dim_periods: 30/09)
  if (`${nam}-09-30` >= p.reorganisation) return '34';
  if ([...p.codes['34']].every((c) => codes.includes(c))) return '34';
  if (codes.every((c) => p.unchanged.has(c))) return '63';
  return undefined;
}

/** Refuses codes that are not provinces of the geography their rows state. */
async function checkCodes(conn: DuckDBConnection, path: string): Promise<void> {
  const wrong = await queryRows<{ dia_gioi: string; ma_tinh: string; lines: number[] }>(
    conn,
    `select f.dia_gioi, f.ma_tinh, list(f.line order by f.line)[1:5] as lines
     from population_file as f
     anti join population_provinces as p on p.dia_gioi = f.dia_gioi and p.ma_tinh = f.ma_tinh
     group by all order by all`,
  );
  if (wrong.length) {
    refuse(
      path,
      wrong.map((w) => `mã tỉnh ${w.ma_tinh} không có trong danh mục ${w.dia_gioi} tỉnh (dòng ${w.lines.join(', ')})`),
    );
  }
}

/**
 * Refuses a file whose rows for a year, age and sex cover only part of a province the model
 * would count them towards: the year's provinces (those of its start-of-year census day) and
 * today's. A province is covered by the rows of provinces wholly inside it.
 */
async function checkCoverage(conn: DuckDBConnection, path: string): Promise<void> {
  const partial = await queryRows<{ nam: number; target: string; present: string[]; missing: string[] }>(
    conn,
    `with atom_counts as (
       select dia_gioi, ma_tinh, count(*) as atoms from population_atoms group by all
     ),
     inside as (
       -- (source, target): every old province of the source is in the target
       select s.dia_gioi as source_geography, s.ma_tinh as source_code, t.dia_gioi as target_geography, t.ma_tinh as target_code
       from population_atoms as s
       join population_atoms as t on t.atom = s.atom
       join atom_counts as n on n.dia_gioi = s.dia_gioi and n.ma_tinh = s.ma_tinh
       group by all
       having count(*) = any_value(n.atoms)
     ),
     sources as (
       select distinct nam, tuoi, gioi_tinh, dia_gioi, ma_tinh from population_file
     ),
     targets as (
       -- the provinces the model counts a year towards: as reported and today's
       select distinct s.nam, p.dia_gioi, p.ma_tinh
       from (select distinct nam from population_file) as s
       join population_provinces as p
         on p.dia_gioi = '34' or (p.dia_gioi = '63' and make_date(s.nam, 9, 30) < p.reorganisation)
     ),
     covered_atoms as (
       select s.nam, s.tuoi, s.gioi_tinh, i.target_geography, i.target_code, a.atom
       from sources as s
       join inside as i on i.source_geography = s.dia_gioi and i.source_code = s.ma_tinh
       join population_atoms as a on a.dia_gioi = s.dia_gioi and a.ma_tinh = s.ma_tinh
     ),
     partial as (
       select c.nam, c.tuoi, c.gioi_tinh, c.target_geography, c.target_code, list(distinct c.atom) as atoms
       from covered_atoms as c
       join targets as t on t.nam = c.nam and t.dia_gioi = c.target_geography and t.ma_tinh = c.target_code
       join atom_counts as n on n.dia_gioi = c.target_geography and n.ma_tinh = c.target_code
       group by all
       having count(distinct c.atom) < any_value(n.atoms)
     ),
     named as (
       select p.nam, p.target_geography, p.target_code, a.atom, list_contains(p.atoms, a.atom) as is_present
       from partial as p
       join population_atoms as a on a.dia_gioi = p.target_geography and a.ma_tinh = p.target_code
     )
     select
       n.nam,
       tp.ten || ' (' || n.target_code || ', ' || n.target_geography || ' tỉnh)' as target,
       list(distinct op.ten || ' (' || n.atom || ')' order by op.ten || ' (' || n.atom || ')') filter (where n.is_present) as present,
       list(distinct op.ten || ' (' || n.atom || ')' order by op.ten || ' (' || n.atom || ')') filter (where not n.is_present) as missing
     from named as n
     join population_provinces as tp on tp.dia_gioi = n.target_geography and tp.ma_tinh = n.target_code
     join population_provinces as op on op.dia_gioi = '63' and op.ma_tinh = n.atom
     group by all
     order by all`,
  );
  if (partial.length) {
    refuse(
      path,
      partial.map(
        (p) =>
          `năm ${p.nam}: dân số của ${p.target} chỉ có một phần: có ${(p.present ?? []).join(', ')}, thiếu ${(p.missing ?? []).join(', ')} (ít nhất ở một độ tuổi, giới tính)`,
      ),
    );
  }
}
