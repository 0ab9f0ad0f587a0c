/**
 * The independent recount (test/support/recount.ts): schools, classes, learners (records and
 * persons), teachers, staff, ethnic minority and on-age learners per province, as reported and
 * among today's 34, and for the nation, counted with plain SQL on the generated source and
 * compared with indicators.indicator_values cell by cell, on 2024-DN (the 63 old provinces) and
 * 2025-CN (the 34, at the end of the year). The `demo` preset runs in `npm run bench:recount`.
 * @module-tag slow
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWithIndicators, recount } from '../support/recount.ts';
import { generatedSource, type GeneratedWarehouse } from '../support/generated-warehouse.ts';

const PERIODS = ['2024-DN', '2025-CN'];
let g: GeneratedWarehouse;

beforeAll(async () => {
  g = await generatedSource('tiny', 11);
  const { transform } = await g.load();
  expect(transform.errors).toEqual([]);
}, 300_000);

afterAll(() => g?.close());

describe('an independent recount on the source', () => {
  it('agrees with every province and nation cell it recounts, for two periods (tiny)', async () => {
    const cells = await recount(g.source, PERIODS);
    const result = await compareWithIndicators(g.conn, PERIODS, cells);
    expect(result.mismatches).toEqual([]);
    // both periods, both geographies, every recounted indicator
    expect(result.compared).toBeGreaterThan(200);
    const seen = new Set(cells.map((c) => `${c.period} ${c.geography} ${c.unit_level} ${c.indicator}`));
    for (const period of PERIODS) {
      for (const geography of ['as_reported', 'current_34']) {
        for (const indicator of ['SCH', 'CLS', 'LRN', 'LRN-P', 'TCH', 'STF', 'STF-MGR', 'STF-EMP', 'ONAGE']) {
          expect(seen.has(`${period} ${geography} province ${indicator}`), `${period} ${geography} ${indicator}`).toBe(true);
          expect(seen.has(`${period} ${geography} nation ${indicator}`), `${period} ${geography} ${indicator}`).toBe(true);
        }
      }
    }
  });
});
