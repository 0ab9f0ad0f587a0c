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
  ['15', 2025, [6, 10], 3], // new Lào Cai: 30
  ['15', 2025, [11, 14], 4], // 32
];

beforeAll(async () => {
  fx = await openFixtureWarehouse();
  const lines = ['ma_tinh,nam,tuoi,gioi_tinh,dan_so'];
  for (const [code, year, [from, to], persons] of POPULATION) {
    for (let age = from; age <= to; age++) for (const sex of [1, 2]) lines.push(`${code},${year},${age},${sex},${persons}`);
  }
  const csv = join(fx.dir, 'population.csv');
  writeFileSync(csv, lines.join('\n') + '\n');
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
    expect([n, d]).toEqual([13, 76]); // (8 + 5) / (50 + 26)
    expect(v).toBeCloseTo(1300 / 76, 9);
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
