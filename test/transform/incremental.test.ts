/**
 * The real models on the hand-built fixture: a run limited to one province must leave exactly
 * what a full rebuild leaves, and a deliberately broken model must be named with its test.
 * @module-tag slow
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

const snapshot = () => fx.rows(`select * exclude (unit_name) from indicators.indicator_values order by period, geography, unit_key, indicator, breakdown`);

async function learnersIn(unit: string, period: string): Promise<number> {
  const [row] = await fx.rows<{ value: number }>(
    `select value from indicators.indicator_values where unit_key = ? and period = ? and indicator = 'LRN' and breakdown = 'total' and geography = 'as_reported'`,
    [unit, period],
  );
  return row.value;
}

describe('a transform limited to one province', () => {
  it('rebuilds that province and the nation, and ends where a full rebuild ends', async () => {
    expect((await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES })).status).toBe('succeeded');
    // Lai Châu (12) changes: a new learner at MN01 and a teacher at PT01 upgrades to a degree
    await insertRaw(fx.conn, 'hoc_sinh', [
      {
        id: 9001,
        ma_hoc_sinh: 'HS-P5',
        ma_truong_hoc: 'MN01',
        nam_hoc: 2025,
        khoi_hoc: 17,
        gioi_tinh: 2,
        ma_dan_toc: '01',
        ngay_sinh: '2021-01-01T00:00:00.0',
        loai_nhap_hoc: 0,
        trang_thai: 1,
      },
    ]);
    await fx.conn.run(`update raw.can_bo set trinh_do_chuyen_mon_nv_cao_nhat = '13' where ma_can_bo = 'CB-W3'`);

    const partial = await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, provinces: ['12'] });
    expect(partial.errors).toEqual([]);
    const modes = Object.fromEntries(
      partial.models.filter((m) => m.model.startsWith('core.fct') || m.model === 'indicators.indicator_values').map((m) => [m.model, m.mode]),
    );
    expect(Object.values(modes).every((m) => m === 'partitions')).toBe(true);
    expect(await learnersIn('P:12@2025', '2025-DN')).toBe(7); // 6 + HS-P5
    expect(await learnersIn('N:VN', '2025-DN')).toBe(19); // 18 + 1
    expect(await learnersIn('P:15@2025', '2025-DN')).toBe(12); // untouched
    const afterPartial = await snapshot();

    expect((await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES })).status).toBe('succeeded');
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

describe('the tests of a transform limited to one province', () => {
  it("read the staging rows of that province's schools only, and still catch a broken row there", async () => {
    expect((await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES })).status).toBe('succeeded');
    // a learner row without its pseudonym at TH01 (province 15): stg_csdl__hoc_sinh's not_null test
    const row = {
      id: 9101,
      ma_hoc_sinh: null,
      ma_truong_hoc: 'TH01',
      nam_hoc: 2025,
      khoi_hoc: 1,
      gioi_tinh: 1,
      ma_dan_toc: '01',
      ngay_sinh: '2019-03-01T00:00:00.0',
      loai_nhap_hoc: 0,
      trang_thai: 1,
    };
    await insertRaw(fx.conn, 'hoc_sinh', [row]);
    const notNull = /^model staging\.stg_csdl__hoc_sinh, test not_null\(ma_hoc_sinh\): 1 offending row\(s\); first keys: hoc_sinh_id=9101$/;

    const elsewhere = await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, provinces: ['12'] });
    expect(elsewhere.errors.filter((e) => e.includes('stg_csdl__hoc_sinh'))).toEqual([]);
    const tested = elsewhere.tests.filter((t) => t.model === 'staging.stg_csdl__hoc_sinh').map((t) => t.test);
    expect(tested).toContain('not_null(ma_hoc_sinh)');

    const here = await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, provinces: ['15'] });
    expect(here.errors.filter((e) => e.includes('stg_csdl__hoc_sinh'))).toEqual([expect.stringMatching(notNull)]);
    const full = await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES });
    expect(full.errors.filter((e) => e.includes('stg_csdl__hoc_sinh'))).toEqual([expect.stringMatching(notNull)]);
  });
});

describe('a deliberately broken model', () => {
  it('fails the test meant to catch it, naming the model, the test and the offending keys', async () => {
    const modelsDir = join(fx.dir, 'models');
    cpSync(defaultModelsDir, modelsDir, { recursive: true });
    const path = join(modelsDir, 'core', 'fct_learners.sql');
    const sql = readFileSync(path, 'utf8').replace(
      /select \* from final\s*$/,
      `select * from final\nunion all\nselect * from final where hoc_sinh_id in (select hoc_sinh_id from learners where ma_hoc_sinh = 'HS-L1')\n`,
    );
    writeFileSync(path, sql);
    const summary = await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, modelsDir, select: ['staging', 'core'] });
    expect(summary.status).toBe('failed');
    // HS-L1 has a record in 2024 and 2025, each in two periods: four duplicated keys
    expect(summary.errors).toEqual([
      expect.stringMatching(
        /^model core\.fct_learners, test unique\(hoc_sinh_id, period\): 4 offending row\(s\); first keys: hoc_sinh_id=\d+ period=20\d\d-(DN|CN) copies=2/,
      ),
    ]);
  });
});

describe('a model built in batches of provinces', () => {
  /** A copy of the models whose core.fct_learners is built with the given `batches` (or in one statement). */
  function modelsWith(name: string, batches: { values: string; max_weight: number } | undefined): string {
    const modelsDir = join(fx.dir, name);
    cpSync(defaultModelsDir, modelsDir, { recursive: true });
    const path = join(modelsDir, 'core', 'fct_learners.json');
    const spec = JSON.parse(readFileSync(path, 'utf8'));
    if (batches) spec.batches = batches;
    else delete spec.batches;
    writeFileSync(path, JSON.stringify(spec));
    return modelsDir;
  }
  const learners = () => fx.rows(`select * from core.fct_learners order by hoc_sinh_id, period`);

  it('ends where a one-statement build ends, unplaced schools included', async () => {
    // a school whose province code names no province: no current province, '' in a batch
    const [mn01] = await fx.rows<Record<string, unknown>>(`select * from raw.truong_hoc where ma_truong_hoc = 'MN01' and nam_hoc = 2025`);
    await insertRaw(fx.conn, 'truong_hoc', [{ ...mn01, id: 8801, ma_truong_hoc: 'ZZ01', ma_tinh: '99', ma_huyen: null, ma_xa: null }]);
    await insertRaw(fx.conn, 'hoc_sinh', [
      {
        id: 8802,
        ma_hoc_sinh: 'HS-Z1',
        ma_truong_hoc: 'ZZ01',
        nam_hoc: 2025,
        khoi_hoc: 17,
        gioi_tinh: 1,
        ma_dan_toc: '01',
        ngay_sinh: '2021-02-01T00:00:00.0',
        loai_nhap_hoc: 0,
        trang_thai: 1,
      },
    ]);
    const select = ['staging', 'core'];
    const whole = await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, select, modelsDir: modelsWith('models-whole', undefined) });
    expect(whole.errors).toEqual([]);
    const expected = await learners();
    expect(expected.filter((r) => r.current_province_code === null).length).toBeGreaterThan(0);

    // one school-year per unit of weight, at most one per batch: every province its own batch
    const batches = { values: 'select current_province_code from core.int_school_years', max_weight: 1 };
    const batched = await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, select, modelsDir: modelsWith('models-batched', batches) });
    expect(batched.errors).toEqual([]);
    expect(batched.models.find((m) => m.model === 'core.fct_learners')).toMatchObject({ status: 'succeeded', mode: 'full', rows: expected.length });
    expect(await learners()).toEqual(expected);
    const [{ building }] = await fx.rows<{ building: number }>(`select count(*) as building from duckdb_tables() where table_name like '%__building'`);
    expect(Number(building)).toBe(0);
  });

  it('packs consecutive provinces up to the weight and names a failing batch build without losing the old table', async () => {
    const { partitionBatches } = await import('../../pipelines/transform/materialize-model.ts');
    const { discoverModels } = await import('../../pipelines/transform/discover-models.ts');
    expect((await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, select: ['staging', 'core'] })).status).toBe('succeeded');
    const [model] = discoverModels(modelsWith('models-pack', { values: 'select current_province_code from core.int_school_years', max_weight: 3 }), [
      'core',
    ]).filter((m) => m.id === 'core.fct_learners');
    const weights = await fx.rows<{ v: string; n: number }>(
      `select current_province_code as v, count(*) as n from core.int_school_years group by 1 order by 1`,
    );
    const batches = await partitionBatches(fx.conn, model);
    // every value once, in order, and no batch over 3 school-years unless one value weighs more
    expect(batches.flat()).toEqual(weights.map((w) => w.v ?? ''));
    const weightOf = new Map(weights.map((w) => [w.v ?? '', Number(w.n)]));
    for (const b of batches) {
      const total = b.reduce((a, v) => a + weightOf.get(v)!, 0);
      expect(total <= 3 || b.length === 1).toBe(true);
    }
    expect(batches.length).toBeGreaterThan(1);

    const before = await learners();
    // a model that fails in its second batch: the previous table stays, no half-built table remains
    const broken = modelsWith('models-broken', { values: 'select current_province_code from core.int_school_years', max_weight: 1 });
    const path = join(broken, 'core', 'fct_learners.sql');
    const first = weights[0].v;
    writeFileSync(path, readFileSync(path, 'utf8').replace(/select \* from final\s*$/, `select * from final where error_if_second(current_province_code)\n`));
    await fx.conn.run(
      `create or replace macro error_if_second(p) as case when coalesce(p, '') <> ${first === null ? "''" : `'${first}'`} then error('batch failed on ' || coalesce(p, '')) else true end`,
    );
    const failed = await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, select: ['staging', 'core'], modelsDir: broken });
    expect(failed.errors).toEqual([expect.stringMatching(/^model core\.fct_learners failed \(.*fct_learners\.sql\): .*batch failed on /)]);
    expect(await learners()).toEqual(before);
    const [{ building }] = await fx.rows<{ building: number }>(`select count(*) as building from duckdb_tables() where table_name like '%__building'`);
    expect(Number(building)).toBe(0);
  });
});
