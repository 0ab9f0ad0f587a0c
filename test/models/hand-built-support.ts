/**
 * The hand-built fixture (test/fixtures/hand-built-fixture.ts) transformed once per test file, and
 * the check of indicator values against figures worked out by hand. Census days: 2024-DN
 * 30/09/2024, 2024-CN 31/05/2025, 2025-DN 30/09/2025, 2025-CN 31/05/2026.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { runTransform, type TransformSummary } from '../../pipelines/transform/run-transform.ts';
import { FIXTURE_DEADLINES, preparedWarehouse, type FixtureWarehouse } from '../fixtures/fixture-warehouse.ts';
import { buildHandFixture } from '../fixtures/hand-built-fixture.ts';

/** The fixture warehouse and the summary of its transform, set before the file's tests run. */
export type TransformedFixture = { fx: FixtureWarehouse; summary: TransformSummary };

/** A copy of the hand-built fixture after a whole transform with FIXTURE_DEADLINES, and the transform's summary. */
export function transformedHandFixture(): Promise<{ fx: FixtureWarehouse; value: TransformSummary }> {
  return preparedWarehouse('hand:transformed', async (fx) => {
    await buildHandFixture(fx.conn);
    return runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES });
  });
}

/** Builds the fixture warehouse and runs the whole transform before the file's tests; closes it after. */
export function transformedFixture(): TransformedFixture {
  const h = {} as TransformedFixture;
  beforeAll(async () => {
    ({ fx: h.fx, value: h.summary } = await transformedHandFixture());
  });
  afterAll(() => h.fx?.close());
  return h;
}

export type Expected = [period: string, geography: string, unit: string, indicator: string, breakdown: string, numerator: number, denominator: number | null, value: number];

/** Each expected row is in indicators.indicator_values exactly once, with these figures. */
export async function checkIndicators(fx: FixtureWarehouse, rows: Expected[]): Promise<void> {
  for (const [period, geography, unit, indicator, breakdown, numerator, denominator, value] of rows) {
    const found = await fx.rows<{ numerator: number; denominator: number | null; value: number }>(
      `select numerator, denominator, value from indicators.indicator_values
       where period = ? and geography = ? and unit_key = ? and indicator = ? and breakdown = ?`,
      [period, geography, unit, indicator, breakdown],
    );
    const label = `${indicator} ${breakdown} ${unit} ${period} ${geography}`;
    expect(found, label).toHaveLength(1);
    expect(Number(found[0].numerator), label).toBe(numerator);
    expect(found[0].denominator === null ? null : Number(found[0].denominator), label).toBe(denominator);
    expect(found[0].value, label).toBeCloseTo(value, 6);
  }
}
