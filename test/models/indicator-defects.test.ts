/**
 * Defects of the indicator definitions, each planted by SQL in a generated source (the `tiny`
 * preset) after generation: the source is loaded and transformed once as generated, then the
 * defects are planted in PostgreSQL, the source is loaded and transformed again, and each
 * indicator must move by exactly what the definitions say about the planted records.
 *
 * In the school with the most plainly enrolled learners in 2025 (status 01 since 05/09, Kinh,
 * grades 1-12, on age, with a possible birth date, no generated defect), on 2025-DN:
 *   - three learners get ethnicity codes outside DM_DAN_TOC (99, 00, 56), two get 55 (người nước
 *     ngoài) and one gets 02 (Tày): minority=yes +1 and minority=no -4 (the three invalid codes
 *     are unknown, 55 is not a minority);
 *   - two learners are given birth dates after the census day and one a birth date before 1900:
 *     all three leave both the numerator and the denominator of ONAGE;
 * and among its working teachers (status 01, hired by the census day):
 *   - two become 04 chờ nghỉ hưu and one 07 chuyển đến, who still work there, and one 05 đã nghỉ
 *     hưu, who does not: TCH -1;
 *   - one teacher gets an ethnicity code outside DM_DAN_TOC: unknown, no longer minority=no;
 * and one more plainly enrolled learner is entered a second time, under the same learner code, in
 * another school of 2025 (the copy without ethnicity or birth date): one more record there and in
 * the province and nation, but no more persons above the school (LRN-P).
 * Last, a population file keyed by today's 34 provinces (not saying so: the loader detects it)
 * must give new Đà Nẵng's 2024 GER as all its learners (old Đà Nẵng's and Quảng Nam's) over its
 * whole population, and no ratio to either old province.
 *
 * @module-tag slow
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReference } from '../../lib/reference.ts';
import { runTransform } from '../../pipelines/transform/run-transform.ts';
import { generatedSource, type GeneratedWarehouse } from '../support/generated-warehouse.ts';

let g: GeneratedWarehouse;
let school: string;
/** Another school of 2025, which receives a copy of one of the learners. */
let other: string;
/** indicator|breakdown|unit_key -> [numerator, denominator], before and after planting. */
let before: Map<string, [number, number | null]>;
let after: Map<string, [number, number | null]>;
const PERIOD = '2025-DN';

type Picked = { id: number; ma_truong_hoc: string };

/** Learners of 2025 plainly enrolled on 30/09/2025 and on age, in the school that has most of them. */
const PLAIN_LEARNERS = `
  with plain as (
    select h.id, h.ma_truong_hoc
    from csdl.hoc_sinh as h
    join csdl.truong_hoc as t on t.ma_truong_hoc = h.ma_truong_hoc and t.nam_hoc = h.nam_hoc
    where h.nam_hoc = 2025 and h.deleted_at is null and h.trang_thai = 1 and h.ma_dan_toc = '01'
      and h.khoi_hoc between 1 and 12
      and h.ngay_sinh ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' and 2025 - left(h.ngay_sinh, 4)::int = h.khoi_hoc + 5
      and t.trang_thai = '1' and t.deleted_at is null and (t.ngay_thanh_lap is null or t.ngay_thanh_lap <= date '2025-09-30')
      and not exists (select 1 from csdl.hoc_sinh_trang_thai as s
        where s.ma_hoc_sinh = h.ma_hoc_sinh and s.ma_truong_hoc = h.ma_truong_hoc and s.nam_hoc = h.nam_hoc
          and (s.trang_thai <> 1 or s.ngay_hieu_luc > date '2025-09-30'))
      and not exists (select 1 from synthetic.defects as d where d.table_name = 'hoc_sinh' and d.record_id = h.id)
      and not exists (select 1 from csdl.hoc_sinh as o
        where o.ma_hoc_sinh = h.ma_hoc_sinh and o.nam_hoc = h.nam_hoc and o.id <> h.id)
  )
  select id, ma_truong_hoc from plain
  where ma_truong_hoc = (select ma_truong_hoc from plain group by 1 order by count(*) desc, 1 limit 1)
  order by id limit 10`;

/** Teachers of the school working on 30/09/2025, Kinh, without a generated defect. */
const WORKING_TEACHERS = `
  select c.id, c.ma_truong_hoc from csdl.can_bo as c
  where c.ma_truong_hoc = $1 and c.nam_hoc = 2025 and c.deleted_at is null and c.loai_can_bo = '03'
    and c.trang_thai = '01' and (c.ngay_tuyen_dung is null or c.ngay_tuyen_dung <= date '2025-09-30')
    and c.ma_dan_toc = '01'
    and not exists (select 1 from synthetic.defects as d where d.table_name = 'can_bo' and d.record_id = c.id)
  order by c.id limit 5`;

async function snapshot(): Promise<Map<string, [number, number | null]>> {
  const rows = await g.rows<{ k: string; numerator: number; denominator: number | null }>(
    `select indicator || '|' || breakdown || '|' || unit_key as k, numerator, denominator
     from indicators.indicator_values
     where period = ? and geography = 'as_reported' and unit_key in (?, ?, 'P:48@2025', 'N:VN')`,
    [PERIOD, `S:${school}@2025`, `S:${other}@2025`],
  );
  return new Map(rows.map((r) => [r.k, [Number(r.numerator), r.denominator === null ? null : Number(r.denominator)]]));
}

/** [numerator, denominator] after planting minus before, for the school, province and nation (and the other school). */
function moved(indicator: string, breakdown: string, units = [`S:${school}@2025`, 'P:48@2025', 'N:VN']): Array<[number, number | null]> {
  return units.map((unit) => {
    const k = `${indicator}|${breakdown}|${unit}`;
    const [n0, d0] = before.get(k) ?? [0, null];
    const [n1, d1] = after.get(k) ?? [0, null];
    return [n1 - n0, d0 === null || d1 === null ? null : d1 - d0];
  });
}

beforeAll(async () => {
  g = await generatedSource('tiny', 5);
  const first = await g.load();
  expect(first.transform.errors).toEqual([]);

  const learners = (await g.source.query(PLAIN_LEARNERS)).rows as Picked[];
  expect(learners).toHaveLength(10);
  school = learners[0].ma_truong_hoc;
  other = (
    await g.source.query(
      `select ma_truong_hoc from csdl.truong_hoc
       where nam_hoc = 2025 and trang_thai = '1' and deleted_at is null and ma_truong_hoc <> $1
         and (ngay_thanh_lap is null or ngay_thanh_lap <= date '2025-09-30')
       order by ma_truong_hoc limit 1`,
      [school],
    )
  ).rows[0].ma_truong_hoc;
  const teachers = (await g.source.query(WORKING_TEACHERS, [school])).rows as Picked[];
  expect(teachers).toHaveLength(5);
  // the picked records are counted as the test assumes before anything is planted
  const [{ enrolled, on_age }] = await g.rows<{ enrolled: number; on_age: number }>(
    `select count(*) filter (where l.is_enrolled) as enrolled, count(*) filter (where l.age = g.official_age) as on_age
     from core.fct_learners as l join core.dim_grades as g on g.khoi_hoc = l.khoi_hoc
     where l.period = ? and l.hoc_sinh_id in (${learners.map((l) => Number(l.id)).join(', ')})`,
    [PERIOD],
  );
  expect([Number(enrolled), Number(on_age)]).toEqual([10, 10]);
  before = await snapshot();

  const [l, t] = [learners.map((r) => r.id), teachers.map((r) => r.id)];
  const plant = async (sql: string, ids: number[]) => expect((await g.source.query(sql, [ids])).rowCount).toBe(ids.length);
  await plant(`update csdl.hoc_sinh set ma_dan_toc = (array['99', '00', '56'])[array_position($1::bigint[], id)] where id = any($1)`, l.slice(0, 3));
  await plant(`update csdl.hoc_sinh set ma_dan_toc = '55' where id = any($1)`, l.slice(3, 5));
  await plant(`update csdl.hoc_sinh set ma_dan_toc = '02' where id = any($1)`, l.slice(5, 6));
  await plant(`update csdl.hoc_sinh set ngay_sinh = '2026-08-01T00:00:00.0' where id = any($1)`, l.slice(6, 8));
  await plant(`update csdl.hoc_sinh set ngay_sinh = '1899-12-31T00:00:00.0' where id = any($1)`, l.slice(8, 9));
  await plant(`update csdl.can_bo set trang_thai = '04' where id = any($1)`, t.slice(0, 2));
  await plant(`update csdl.can_bo set trang_thai = '07' where id = any($1)`, t.slice(2, 3));
  await plant(`update csdl.can_bo set trang_thai = '05' where id = any($1)`, t.slice(3, 4));
  await plant(`update csdl.can_bo set ma_dan_toc = '99' where id = any($1)`, t.slice(4, 5));
  // the tenth learner is entered a second time, in the other school, under the same learner code
  // (without ethnicity and birth date, so that the copy moves no minority or on-age count)
  await g.source.query(`create temp table copy as select * from csdl.hoc_sinh where id = ${Number(l[9])};
    update copy set id = (select max(id) + 1 from csdl.hoc_sinh), ma_truong_hoc = '${other}', ma_dan_toc = null, ngay_sinh = null;
    insert into csdl.hoc_sinh select * from copy; drop table copy;`);

  const second = await g.load();
  expect(second.transform.errors).toEqual([]);
  after = await snapshot();
}, 300_000);

afterAll(() => g?.close());

describe('ethnic minority', () => {
  it('counts a valid DM_DAN_TOC code other than 01 and 55; an invalid code is unknown', () => {
    expect(moved('LRN', 'minority=yes')).toEqual([
      [1, null],
      [1, null],
      [1, null],
    ]); // 02 only
    expect(moved('LRN', 'minority=no')).toEqual([
      [-4, null],
      [-4, null],
      [-4, null],
    ]); // 99, 00, 56 become unknown; 02 becomes minority; 55 stays not minority
  });
});

describe('learners as persons (LRN-P)', () => {
  it('counts a learner entered in two schools twice as records and once as a person above the schools', () => {
    const units = [`S:${school}@2025`, `S:${other}@2025`, 'P:48@2025', 'N:VN'];
    expect(moved('LRN', 'total', units)).toEqual([
      [0, null],
      [1, null],
      [1, null],
      [1, null],
    ]);
    expect(moved('LRN-P', 'total', units)).toEqual([
      [0, null],
      [1, null],
      [0, null],
      [0, null],
    ]);
  });
});

describe('on-age learners (ONAGE)', () => {
  it('leaves learners with a birth date after the census day or before 1900 out of both counts', () => {
    expect(moved('ONAGE', 'total')).toEqual([
      [-3, -3],
      [-3, -3],
      [-3, -3],
    ]);
  });
});

describe('teachers and staff on the census day', () => {
  it('count the statuses 01, 04 chờ nghỉ hưu and 07 chuyển đến, not 05 đã nghỉ hưu', () => {
    for (const indicator of ['TCH', 'STF']) {
      expect(moved(indicator, 'total'), indicator).toEqual([
        [-1, null],
        [-1, null],
        [-1, null],
      ]);
    }
  });

  it('count a staff member with an ethnicity code outside DM_DAN_TOC as unknown', () => {
    // the retired teacher and the one with code 99 leave minority=no; nobody joins minority=yes
    for (const indicator of ['TCH', 'STF']) {
      expect(moved(indicator, 'minority=no'), indicator).toEqual([
        [-2, null],
        [-2, null],
        [-2, null],
      ]);
      expect(moved(indicator, 'minority=yes'), indicator).toEqual([
        [0, null],
        [0, null],
        [0, null],
      ]);
    }
  });
});

describe('a population file keyed by today’s 34 provinces', () => {
  it('divides all of new Đà Nẵng’s 2024 learners by its whole population, never old Đà Nẵng’s alone', async () => {
    // every one of today's provinces, 2024 and 2025, 1.000 persons per age and sex; no dia_gioi:
    // the codes of each year are exactly today's 34, so the loader reads them as today's
    const lines = ['ma_tinh,nam,tuoi,gioi_tinh,dan_so'];
    for (const { ma } of loadReference().units2025.provinces) {
      for (const year of [2024, 2025]) for (let age = 0; age <= 20; age++) for (const sex of [1, 2]) lines.push(`${ma},${year},${age},${sex},1000`);
    }
    const csv = join(g.dir, 'population-34.csv');
    writeFileSync(csv, lines.join('\n') + '\n');
    const summary = await runTransform({ warehouse: g.conn, deadlines: g.config, populationCsv: csv, select: ['indicators'] });
    expect(summary.errors).toEqual([]);

    const value = async (period: string, geography: string, unit: string, indicator: string) =>
      (
        await g.rows<{ numerator: number; denominator: number | null }>(
          `select numerator, denominator from indicators.indicator_values
           where period = ? and geography = ? and unit_key = ? and indicator = ? and breakdown = 'total'`,
          [period, geography, unit, indicator],
        )
      ).map((r) => [Number(r.numerator), r.denominator === null ? null : Number(r.denominator)]);
    // learners of grades 1-12: LRN of the three general-education levels
    const general = async (period: string, geography: string, unit: string) => {
      const [{ n }] = await g.rows<{ n: number }>(
        `select sum(numerator) as n from indicators.indicator_values
         where period = ? and geography = ? and unit_key = ? and indicator = 'LRN'
           and breakdown in ('level=primary', 'level=lower_secondary', 'level=upper_secondary')`,
        [period, geography, unit],
      );
      return Number(n);
    };
    const population = 12 * 2 * 1000; // ages 6-17
    const learners2024 = await general('2024-DN', 'current_34', 'P:48@2025');
    expect(learners2024).toBeGreaterThan(await general('2024-DN', 'as_reported', 'P:48@2000')); // Quảng Nam's too
    expect(await value('2024-DN', 'current_34', 'P:48@2025', 'GER')).toEqual([[learners2024, population]]);
    // old Đà Nẵng and old Quảng Nam are each only part of the province the rows describe
    expect(await value('2024-DN', 'as_reported', 'P:48@2000', 'GER')).toEqual([]);
    expect(await value('2024-DN', 'as_reported', 'P:49@2000', 'GER')).toEqual([]);
    expect(await value('2025-DN', 'as_reported', 'P:48@2025', 'GER')).toEqual([[await general('2025-DN', 'as_reported', 'P:48@2025'), population]]);
  });
});
