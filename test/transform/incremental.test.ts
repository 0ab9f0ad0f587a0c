/**
 * The real models on the hand-built fixture: a run limited to one province must leave exactly
 * what a full rebuild leaves, and a deliberately broken model must be named with its test.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultModelsDir } from '../../pipelines/transform/discover-models.ts';
import { runTransform } from '../../pipelines/transform/run-transform.ts';
import { insertRaw } from '../fixtures/raw-tables.ts';
import { FIXTURE_DEADLINES, openFixtureWarehouse, type FixtureWarehouse } from '../fixtures/fixture-warehouse.ts';

let fx: FixtureWarehouse;

beforeEach(async () => {
  fx = await openFixtureWarehouse();
});

afterEach(() => fx?.close());

const snapshot = () =>
  fx.rows(`select * exclude (unit_name) from indicators.indicator_values order by period, geography, unit_key, indicator, breakdown`);

async function learnersIn(unit: string, period: string): Promise<number> {
  const [row] = await fx.rows<{ value: number }>(
    `select value from indicators.indicator_values where unit_key = ? and period = ? and indicator = 'LRN' and breakdown = 'total' and geography = 'as_reported'`,
    [unit, period],
  );
  return row.value;
}

describe('a transform limited to one province', () => {
  it('rebuilds that province and the nation, and ends where a full rebuild ends', async () => {
    expect((await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES })).status).toBe('success');
    // Lai Châu (12) changes: a new learner at MN01 and a teacher at PT01 upgrades to a degree
    await insertRaw(fx.conn, 'hoc_sinh', [
      { id: 9001, ma_hoc_sinh: 'HS-P5', ma_truong_hoc: 'MN01', nam_hoc: 2025, khoi_hoc: 17, gioi_tinh: 2, ma_dan_toc: '01', ngay_sinh: '2021-01-01T00:00:00.0', loai_nhap_hoc: 0, trang_thai: 1 },
    ]);
    await fx.conn.run(`update raw.can_bo set trinh_do_chuyen_mon_nv_cao_nhat = '13' where ma_can_bo = 'CB-W3'`);

    const partial = await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, provinces: ['12'] });
    expect(partial.errors).toEqual([]);
    const modes = Object.fromEntries(partial.models.filter((m) => m.model.startsWith('core.fct') || m.model === 'indicators.indicator_values').map((m) => [m.model, m.mode]));
    expect(Object.values(modes).every((m) => m === 'partitions')).toBe(true);
    expect(await learnersIn('P:12@2025', '2025-DN')).toBe(7); // 6 + HS-P5
    expect(await learnersIn('N:VN', '2025-DN')).toBe(19); // 18 + 1
    expect(await learnersIn('P:15@2025', '2025-DN')).toBe(12); // untouched
    const afterPartial = await snapshot();

    expect((await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES })).status).toBe('success');
    expect(afterPartial).toEqual(await snapshot());
  });

  it('recomputes only what it is asked to: another province keeps its stale figures', async () => {
    await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES });
    await fx.conn.run(`update raw.hoc_sinh set deleted_at = now() where ma_hoc_sinh = 'HS-L11'`); // TH01, province 15
    await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, provinces: ['12'] });
    expect(await learnersIn('P:15@2025', '2025-DN')).toBe(12); // not asked for: still 12
    expect(await learnersIn('N:VN', '2025-DN')).toBe(18); // the nation sums the stored provinces
    await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, provinces: ['15'] });
    expect(await learnersIn('P:15@2025', '2025-DN')).toBe(11);
    expect(await learnersIn('N:VN', '2025-DN')).toBe(17);
  });
});

describe('a deliberately broken model', () => {
  it('fails the test meant to catch it, naming the model, the test and the offending keys', async () => {
    const modelsDir = join(fx.dir, 'models');
    cpSync(defaultModelsDir, modelsDir, { recursive: true });
    const path = join(modelsDir, 'core', 'fct_learners.sql');
    const sql = readFileSync(path, 'utf8').replace(/select \* from final\s*$/, `select * from final\nunion all\nselect * from final where ma_hoc_sinh = 'HS-L1'\n`);
    writeFileSync(path, sql);
    const summary = await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, modelsDir, select: ['staging', 'core'] });
    expect(summary.status).toBe('failed');
    // HS-L1 has a record in 2024 and 2025, each in two periods: four duplicated keys
    expect(summary.errors).toEqual([expect.stringMatching(/^model core\.fct_learners, test unique\(hoc_sinh_id, period\): 4 offending row\(s\); first keys: hoc_sinh_id=\d+ period=20\d\d-(DN|CN) copies=2/)]);
  });
});
