/**
 * Enrolment ratios on the hand-built fixture once a population table is loaded. Start-of-year
 * learners of grades 1-12 (age = nam_hoc - birth year):
 *   2024, Yên Bái (old 15), TH01 primary: L1 6, L2 7, L3 10, L4 unknown, L5 10, L8 7, L9 7, L10 9
 *   2024, Lào Cai (old 10), CS01 lower secondary: M1 11, M2 12, M3 14, M4 14, M5 14
 *   2025, Lào Cai (new 15): TH01 primary L1 7, L2 8, L4 unknown, L6 9, L10 10, L11 6, L12 6;
 *         CS01 lower secondary L3 11, M1 12, M2 13, M6 11, M7 12
 *   2025, Lai Châu (new 12): PT01 Q1, Q2, Q3, but no population for Lai Châu
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReference } from '../../lib/reference.ts';
import { runTransform } from '../../pipelines/transform/run-transform.ts';
import { FIXTURE_DEADLINES, openFixtureWarehouse, type FixtureWarehouse } from '../fixtures/fixture-warehouse.ts';

let fx: FixtureWarehouse;

/** Persons per age and sex: `[province, year, ages, persons per age and sex]`. */
const POPULATION: Array<[string, number, [number, number], number]> = [
  ['15', 2024, [6, 10], 2], // old Yên Bái: primary ages 20 persons, 10 of each sex
  ['15', 2024, [11, 14], 3], // 24
  ['15', 2024, [15, 17], 1], // 6
  ['15', 2024, [18, 20], 9], // outside every age group: ignored
  ['10', 2024, [6, 10], 1], // old Lào Cai: 10
  ['10', 2024, [11, 14], 2], // 16
  ['10', 2024, [15, 17], 1], // 6: with Yên Bái's, new Lào Cai is covered at every age of the file
  ['10', 2024, [18, 20], 9],
  ['15', 2025, [6, 10], 3], // new Lào Cai: 30
  ['15', 2025, [11, 14], 4], // 32
];

/** Writes a population CSV of `rows` (each age of the range, both sexes), with a dia_gioi column when given. */
function populationFile(name: string, rows: Array<[string, number, [number, number], number]>, geography?: string): string {
  const lines = [`ma_tinh,nam,tuoi,gioi_tinh,dan_so${geography ? ',dia_gioi' : ''}`];
  for (const [code, year, [from, to], persons] of rows) {
    for (let age = from; age <= to; age++) for (const sex of [1, 2]) lines.push(`${code},${year},${age},${sex},${persons}${geography ? `,${geography}` : ''}`);
  }
  const csv = join(fx.dir, name);
  writeFileSync(csv, lines.join('\n') + '\n');
  return csv;
}

beforeAll(async () => {
  fx = await openFixtureWarehouse();
  const csv = populationFile('population.csv', POPULATION);
  const summary = await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, populationCsv: csv });
  expect(summary.errors).toEqual([]);
});

afterAll(() => fx?.close());

async function ratio(period: string, geography: string, unit: string, indicator: string, breakdown: string) {
  const rows = await fx.rows<{ numerator: number; denominator: number; value: number }>(
    `select numerator, denominator, value from indicators.indicator_values
     where period = ? and geography = ? and unit_key = ? and indicator = ? and breakdown = ?`,
    [period, geography, unit, indicator, breakdown],
  );
  return rows.map((r) => [Number(r.numerator), Number(r.denominator), r.value]);
}

describe('enrolment ratios with a population table', () => {
  it('divides a province’s learners by the population of the official ages', async () => {
    expect(await ratio('2024-DN', 'as_reported', 'P:15@2000', 'GER', 'total')).toEqual([[8, 50, 16]]); // 8 / (20 + 24 + 6)
    expect(await ratio('2024-DN', 'as_reported', 'P:15@2000', 'GER', 'level=primary')).toEqual([[8, 20, 40]]);
    expect(await ratio('2024-DN', 'as_reported', 'P:15@2000', 'NER', 'level=primary')).toEqual([[7, 20, 35]]); // not L4
    expect(await ratio('2024-DN', 'as_reported', 'P:15@2000', 'GER', 'level=lower_secondary')).toEqual([[0, 24, 0]]);
    expect(await ratio('2024-DN', 'as_reported', 'P:15@2000', 'GER', 'sex=female')).toEqual([[4, 25, 16]]); // L1 L3 L8 L10
    expect(await ratio('2024-DN', 'as_reported', 'P:10@2000', 'NER', 'level=lower_secondary')).toEqual([[5, 16, 31.25]]);
  });

  it('re-aggregates population and learners to today’s provinces', async () => {
    const [[n, d, v]] = await ratio('2024-DN', 'current_34', 'P:15@2025', 'GER', 'total');
    expect([n, d]).toEqual([13, 82]); // (8 + 5) / (50 + 26 + 6)
    expect(v).toBeCloseTo(1300 / 82, 9);
    expect(await ratio('2024-DN', 'current_34', 'P:15@2025', 'NER', 'level=primary')).toEqual([[7, 30, (700 / 30)]]);
  });

  it('leaves out provinces without population, also from the nation', async () => {
    expect(await ratio('2025-DN', 'as_reported', 'P:12@2025', 'GER', 'total')).toEqual([]);
    const [[n, d]] = await ratio('2025-DN', 'as_reported', 'N:VN', 'GER', 'total');
    expect([n, d]).toEqual([12, 62]); // Lào Cai only: 7 + 5 over 30 + 32
    expect(await ratio('2025-DN', 'as_reported', 'P:15@2025', 'NER', 'level=primary')).toEqual([[6, 30, 20]]); // L1 L2 L6 L10 L11 L12; L4's age is unknown
  });

  it('computes ratios only for start-of-year periods', async () => {
    const [{ n }] = await fx.rows<{ n: number }>(`select count(*) as n from indicators.indicator_values where indicator in ('GER', 'NER') and period like '%-CN'`);
    expect(Number(n)).toBe(0);
  });
});

describe('a population file keyed by today’s 34 provinces for 2024', () => {
  // new Lào Cai (15) = old Lào Cai (10) + old Yên Bái (15): 2 persons per age and sex, 48 aged 6-17;
  // new Lai Châu (12) = old Lai Châu (12): 1 per age and sex, 24
  const rows: Array<[string, number, [number, number], number]> = [
    ['15', 2024, [6, 17], 2],
    ['12', 2024, [6, 17], 1],
  ];

  async function expectTodaysProvinces(csv: string): Promise<void> {
    const summary = await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, populationCsv: csv, select: ['indicators'] });
    expect(summary.errors).toEqual([]);
    // all of new Lào Cai's 2024 learners over its whole population, never old Yên Bái's alone
    expect(await ratio('2024-DN', 'current_34', 'P:15@2025', 'GER', 'total')).toEqual([[13, 48, 1300 / 48]]);
    expect(await ratio('2024-DN', 'as_reported', 'P:15@2000', 'GER', 'total')).toEqual([]);
    expect(await ratio('2024-DN', 'as_reported', 'P:10@2000', 'GER', 'total')).toEqual([]);
    // Lai Châu was not merged: its population is also old Lai Châu's (no learner of grades 1-12 there)
    expect(await ratio('2024-DN', 'as_reported', 'P:12@2000', 'GER', 'total')).toEqual([[0, 24, 0]]);
    expect(await ratio('2024-DN', 'current_34', 'P:12@2025', 'GER', 'total')).toEqual([[0, 24, 0]]);
  }

  it('re-keys the rows across the 2025 crosswalk when the file states dia_gioi 34', async () => {
    await expectTodaysProvinces(populationFile('population-34.csv', rows, '34'));
  });

  it('detects today’s provinces from a year whose codes are exactly the 34', async () => {
    const all = loadReference().units2025.provinces.map((p) => p.ma);
    expect(all).toHaveLength(34);
    const others = all.filter((c) => c !== '15' && c !== '12').map((c): [string, number, [number, number], number] => [c, 2024, [6, 17], 5]);
    await expectTodaysProvinces(populationFile('population-34-detected.csv', [...rows, ...others]));
  });
});

describe('a population file that would be misread is refused, and the table kept', () => {
  async function refusal(csv: string): Promise<string> {
    const [{ before }] = await fx.rows<{ before: number }>('select count(*) as before from input.population');
    const error = await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, populationCsv: csv, select: ['indicators'] }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.name).toBe('RefusedError');
    const [{ after }] = await fx.rows<{ after: number }>('select count(*) as after from input.population');
    expect(Number(after)).toBe(Number(before));
    return error!.message;
  }

  it('refuses rows that cover only part of a province, naming the provinces', async () => {
    // old Lào Cai alone, keyed by the old provinces, for 2025: part of new Lào Cai
    const message = await refusal(populationFile('population-partial.csv', [['10', 2025, [6, 17], 1]], '63'));
    expect(message).toContain('năm 2025: dân số của Tỉnh Lào Cai (15, 34 tỉnh) chỉ có một phần: có Tỉnh Lào Cai (10), thiếu Tỉnh Yên Bái (15)');
  });

  it('refuses a year whose codes name different provinces before and after 01/07/2025 when the file does not say which', async () => {
    const message = await refusal(populationFile('population-ambiguous.csv', [['15', 2024, [6, 17], 1]]));
    expect(message).toContain('năm 2024');
    expect(message).toContain('dia_gioi');
  });

  it('refuses codes that are not provinces and values that are not counts', async () => {
    expect(await refusal(populationFile('population-unknown.csv', [['99', 2024, [6, 17], 1]]))).toContain('mã tỉnh 99 không có trong danh mục tỉnh');
    expect(await refusal(populationFile('population-not-34.csv', [['10', 2025, [6, 17], 1]], '34'))).toContain('mã tỉnh 10 không có trong danh mục 34 tỉnh');
    expect(await refusal(populationFile('population-negative.csv', [['15', 2025, [6, 17], -1]]))).toContain('không hợp lệ');
  });
});
