/**
 * The rule engine on the hand-built warehouse of test/fixtures (shared with the models' tests):
 * findings counted by hand from its rows, the fused evaluation against each rule run alone, every
 * failing record kept, privacy of the details, and the durable history across runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_DEADLINES, openFixtureWarehouse, type FixtureWarehouse } from '../fixtures/fixture-warehouse.ts';
import { transformedHandFixture } from '../models/hand-built-support.ts';
import { runTransform } from '../../pipelines/transform/run-transform.ts';
import { QualityError, runQuality, type QualitySummary } from '../../pipelines/quality/run-quality.ts';
import { StaleModelsError } from '../../pipelines/quality/built-models.ts';
import { OUTPUT_MODELS } from '../../pipelines/quality/models.ts';
import { buildCatalog } from '../../pipelines/quality/catalog.ts';
import { ruleSql } from '../../pipelines/quality/rule-sql.ts';
import { readWarehouseColumns } from '../../pipelines/quality/warehouse-columns.ts';

type Result = { period: string; unit_code: string; checked: number; failed: number };

describe('quality rules on the hand-built warehouse', () => {
  let fx: FixtureWarehouse;
  let first: QualitySummary;
  const results = async (rule: string) =>
    (
      await fx.rows<Result>(
        `select period, unit_code, checked, failed from quality.dq_rule_results
      where unit_level = 'school' and rule_id = ? order by period, unit_code`,
        [rule],
      )
    ).map((r) => [r.period, r.unit_code, Number(r.checked), Number(r.failed)]);

  beforeAll(async () => {
    let t;
    ({ fx, value: t } = await transformedHandFixture());
    expect(t.errors).toEqual([]);
    first = await runQuality({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, runId: 'run-1' });
  }, 300_000);
  afterAll(() => fx?.close());

  it('reports a malformed birth date by the kind of its value, never the value', async () => {
    // TH01 2024: L1-L10 without the soft-deleted L7 = 9 learners, L4 typed '05/01/2014';
    // TH01 2025: L1, L2, L4, L6, L10, L11, L12 = 7 learners, L4 again. XX01 (dissolved) is not checked.
    expect((await results('HS-FMT-ngay_sinh')).filter((r) => r[1] === 'TH01' || r[1] === 'XX01')).toEqual([
      ['2024-CN', 'TH01', 9, 1],
      ['2024-DN', 'TH01', 9, 1],
      ['2025-CN', 'TH01', 7, 1],
      ['2025-DN', 'TH01', 7, 1],
    ]);
    const details = await fx.rows<{ fields: string; detail: string }>(
      `select distinct fields, detail from quality.dq_failures where rule_id = 'HS-FMT-ngay_sinh'`,
    );
    expect(details).toEqual([{ fields: 'ngay_sinh', detail: 'Ngày sinh không đúng định dạng năm-tháng-ngày (yyyy-mm-dd): đang nhập dạng dd/mm/yyyy' }]);
    const leaks = await fx.rows<{ n: number }>(`select count(*) as n from quality.dq_failures as f
      join raw.hoc_sinh as h on f.detail like '%' || h.ngay_sinh || '%'`);
    expect(Number(leaks[0].n)).toBe(0);
  });

  it('reports a room area that is not a number', async () => {
    // TH01 2025 has four rooms, one of '5x6' m²
    expect((await results('PH-FMT-dien_tich')).filter((r) => r[1] === 'TH01')).toEqual([
      ['2024-CN', 'TH01', 4, 0],
      ['2024-DN', 'TH01', 4, 0],
      ['2025-CN', 'TH01', 4, 1],
      ['2025-DN', 'TH01', 4, 1],
    ]);
    const [f] = await fx.rows(`select record_key, detail from quality.dq_failures where rule_id = 'PH-FMT-dien_tich' and period = '2025-DN'`);
    expect(f.detail).toBe('Diện tích không phải là một số (m², dấu chấm thập phân): đang nhập dạng chữ lẫn số');
    expect(f.record_key).toMatch(/^phong_hoc:\d+$/);
  });

  it('checks status against history only where a history exists, and finds it consistent', async () => {
    // 2024 with history: TH01 L5, L6, L8, L9, L10; CS01 M5 (M1's only change is deleted). 2025: TH01 L12.
    expect(await results('HS-STATUS-HIST')).toEqual([
      ['2024-CN', 'CS01', 1, 0],
      ['2024-CN', 'TH01', 5, 0],
      ['2024-DN', 'CS01', 1, 0],
      ['2024-DN', 'TH01', 5, 0],
      ['2025-CN', 'TH01', 1, 0],
      ['2025-DN', 'TH01', 1, 0],
    ]);
  });

  it('expects every active school to report, and checks dissolved or deleted ones nowhere', async () => {
    const missing = await results('TH-MISSING');
    expect(missing.filter((r) => r[0] === '2024-DN').map((r) => r[1])).toEqual(['CS01', 'MN01', 'TH01']);
    expect(missing.filter((r) => r[0] === '2025-DN').map((r) => r[1])).toEqual(['CS01', 'MN01', 'PT01', 'TH01']);
    expect(missing.every((r) => r[3] === 0)).toBe(true);
  });

  it('counts the same records whether rules are fused in one scan or run alone', async () => {
    const rules = buildCatalog(await readWarehouseColumns(fx.conn));
    await fx.conn.run('create or replace temp table dq_eval_periods as select * from quality.dq_periods');
    for (const r of rules) {
      const alone = await fx.rows<Result>(`select period, unit_code, count(*) as checked, count_if(failed) as failed
        from (${ruleSql(r)}) group by all having count(*) > 0 order by all`);
      const fused = await fx.rows<Result>(
        `select period, unit_code, checked, failed from meta.quality_rule_results
        where rule_id = ? order by all`,
        [r.id],
      );
      expect(
        fused.map((x) => [x.period, x.unit_code, Number(x.checked), Number(x.failed)]),
        r.id,
      ).toEqual(alone.map((x) => [x.period, x.unit_code, Number(x.checked), Number(x.failed)]));
    }
  });

  it("checks an administrative code against the units valid on each period's census day", async () => {
    // a commune code of the units before 01/07/2025 only, one of the units after it only; each is
    // invalid on the other side's census days
    const rule = buildCatalog(await readWarehouseColumns(fx.conn)).find((r) => r.id === 'TH-CODE-ma_xa')!;
    await fx.conn.run('create or replace temp table dq_eval_periods as select * from quality.dq_periods');
    const failed = async () =>
      (
        await fx.rows<{ period: string; failed: number }>(`select period, count_if(failed) as failed
      from (${ruleSql(rule)}) where unit_code = 'TH01' group by all order by all`)
      ).map((r) => [r.period, Number(r.failed)]);
    const [codes] = await fx.rows<{ before: string; after: string }>(`select
      min(ma) filter (where hieu_luc_den is not null and ma not in (select ma from raw.dm_xa where hieu_luc_den is null)) as before,
      min(ma) filter (where hieu_luc_den is null and ma not in (select ma from raw.dm_xa where hieu_luc_den is not null)) as after
      from raw.dm_xa`);
    expect(codes.before && codes.after).toBeTruthy();
    expect(await failed()).toEqual([
      ['2024-CN', 0],
      ['2024-DN', 0],
      ['2025-CN', 0],
      ['2025-DN', 0],
    ]);
    await fx.conn.run('begin');
    try {
      await fx.conn.run(`update raw.truong_hoc set ma_xa = case nam_hoc when 2024 then ? else ? end where ma_truong_hoc = 'TH01'`, [codes.after, codes.before]);
      expect(await failed()).toEqual([
        ['2024-CN', 1],
        ['2024-DN', 1],
        ['2025-CN', 1],
        ['2025-DN', 1],
      ]);
      await fx.conn.run(`update raw.truong_hoc set ma_xa = 'no-such-code' where ma_truong_hoc = 'TH01' and nam_hoc = 2024`);
      await fx.conn.run(`update raw.truong_hoc set ma_xa = '02680' where ma_truong_hoc = 'TH01' and nam_hoc = 2025`);
      expect(await failed()).toEqual([
        ['2024-CN', 1],
        ['2024-DN', 1],
        ['2025-CN', 0],
        ['2025-DN', 0],
      ]);
    } finally {
      await fx.conn.run('rollback');
    }
  });

  it('keeps every failing record of every rule and school, with its source id and grade', async () => {
    // HS-REQ-ma_lop_hoc_dn fails for all 9 TH01 learners of 2024 (no classes assigned): all 9 are kept
    expect(await results('HS-REQ-ma_lop_hoc_dn')).toContainEqual(['2024-DN', 'TH01', 9, 9]);
    const kept = await fx.rows<{ record_key: string; record_id: number; grade: string; class_code: string | null }>(`
      select record_key, record_id, grade, class_code from quality.dq_failures
      where rule_id = 'HS-REQ-ma_lop_hoc_dn' and period = '2024-DN' and unit_code = 'TH01' order by record_id`);
    expect(kept).toHaveLength(9);
    expect(kept.every((k) => k.record_key === `hoc_sinh:${k.record_id}` && k.class_code === null && k.grade !== null)).toBe(true);
    // every failing pair counted is listed, in every period, school and rule
    const [{ counted, listed }] = await fx.rows<{ counted: number; listed: number }>(`
      select (select sum(failed) from meta.quality_rule_results) as counted, (select count(*) from quality.dq_failures) as listed`);
    expect(Number(listed)).toBe(Number(counted));
  });

  it("keeps each period's results in the history, replacing only the periods evaluated again, and marks a dead run interrupted", async () => {
    // a run whose process was killed stays `running`; the next run marks it
    await fx.conn.run(`insert into meta.quality_runs (run_id, started_at, periods, rules, status)
      values ('run-killed', current_localtimestamp(), ['2025-DN']::varchar[], 1, 'running')`);
    await runQuality({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, periods: ['2025-DN'], runId: 'run-2' });
    const byRun = await fx.rows<{ period: string; run_id: string; rows: number }>(`
      select period, run_id, count(*) as rows from meta.quality_rule_results group by all order by all`);
    expect(byRun.map((r) => [r.period, r.run_id])).toEqual([
      ['2024-CN', 'run-1'],
      ['2024-DN', 'run-1'],
      ['2025-CN', 'run-1'],
      ['2025-DN', 'run-2'],
    ]);
    const dupes = await fx.rows<{ n: number }>(`select count(*) as n from (
      select period, unit_code, rule_id from meta.quality_rule_results group by all having count(*) > 1)`);
    expect(Number(dupes[0].n)).toBe(0);
    const runs = await fx.rows<{ run_id: string; status: string }>('select run_id, status from meta.quality_runs order by started_at');
    expect(runs).toEqual([
      { run_id: 'run-1', status: 'succeeded' },
      { run_id: 'run-killed', status: 'interrupted' },
      { run_id: 'run-2', status: 'succeeded' },
    ]);
  });

  it('refuses a run id already recorded, which would mix two catalogues under one id', async () => {
    const err = await runQuality({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, periods: ['2025-DN'], runId: 'run-2' }).catch((e) => e);
    expect(err).toBeInstanceOf(QualityError);
    expect(err.message).toContain('quality run id run-2 is already recorded');
    const catalogue = await fx.rows<{ n: number }>(`select count(*) as n from (select rule_id from quality.dq_rule_catalog group by all having count(*) > 1)`);
    expect(Number(catalogue[0].n)).toBe(0);
  });

  it("rebuilds every period's scores from the history alone after the published tables are dropped", async () => {
    const before = await fx.rows('select period, unit_code, dimension, score, rank from quality.dq_unit_scores order by all');
    await fx.conn.run('drop schema quality cascade');
    await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, select: ['dq_periods', 'dq_units', ...OUTPUT_MODELS] });
    const after = await fx.rows('select period, unit_code, dimension, score, rank from quality.dq_unit_scores order by all');
    expect(after).toEqual(before);
    expect(new Set(after.map((r) => r.period))).toEqual(new Set(['2024-DN', '2024-CN', '2025-DN', '2025-CN']));
  });

  it('names the periods it knows when asked for one it does not', async () => {
    await expect(runQuality({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, periods: ['2030-DN'] })).rejects.toThrow(QualityError);
    await expect(runQuality({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, periods: ['2030-DN'] })).rejects.toThrow(/2024-DN, 2024-CN, 2025-DN, 2025-CN/);
  });

  it('summarises national scores for each dimension of each period evaluated', () => {
    expect(first.periods).toEqual(['2024-DN', '2024-CN', '2025-DN', '2025-CN']);
    const dims = first.national.filter((d) => d.period === '2025-DN').map((d) => d.dimension);
    expect(dims).toEqual(['completeness', 'consistency', 'timeliness', 'uniqueness', 'validity', 'overall']);
    for (const d of first.national) expect(d.score).toBeGreaterThanOrEqual(0);
  });
});

describe('a quality run with other deadlines than the last transform', () => {
  let fx: FixtureWarehouse;
  beforeAll(async () => {
    fx = await openFixtureWarehouse();
    // every 2025 record entered on 10/10/2025: on time for the fixture's deadlines (15/10, 31/10)
    for (const t of ['truong_hoc', 'lop_hoc', 'can_bo', 'hoc_sinh']) {
      await fx.conn.run(
        `update raw.${t} set created_at = timestamptz '2025-10-10 09:00:00+07', updated_at = timestamptz '2025-10-10 09:00:00+07' where nam_hoc = 2025`,
      );
    }
    expect((await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES })).errors).toEqual([]);
  }, 300_000);
  afterAll(() => fx?.close());

  it('judges timeliness by the deadlines it is given, not by those the transform bound', async () => {
    const late = async () =>
      (
        await fx.rows<Result>(`select period, unit_code, checked, failed from quality.dq_rule_results
        where unit_level = 'school' and rule_id = 'TH-LATE' and period = '2025-DN' order by unit_code`)
      ).map((r) => [r.unit_code, Number(r.failed)]);
    await runQuality({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, periods: ['2025-DN'], runId: 'deadlines-1' });
    const before = await late();
    expect(before.length).toBeGreaterThan(0);
    expect(
      before.every(([, failed]) => failed === 0),
      JSON.stringify(before),
    ).toBe(true);
    // a deadline before every entry of the period: every school that reported is late
    const early = { deadlines: {}, defaultDeadline: { dn: '09-01', cn: '06-30' } };
    await runQuality({ warehouse: fx.conn, deadlines: early, periods: ['2025-DN'], runId: 'deadlines-2' });
    const [{ deadline }] = await fx.rows<{ deadline: string }>(
      `select distinct strftime(deadline, '%d/%m/%Y') as deadline from core.dim_period_deadlines where period = '2025-DN'`,
    );
    expect(deadline).toBe('01/09/2025');
    const after = await late();
    expect(after.map(([unit]) => unit)).toEqual(before.map(([unit]) => unit));
    expect(after.every(([, failed]) => failed === 1)).toBe(true);
  });
});

describe('a quality run on models built by an older version', () => {
  let fx: FixtureWarehouse;
  beforeAll(async () => {
    let t;
    ({ fx, value: t } = await transformedHandFixture());
    expect(t.errors).toEqual([]);
  }, 300_000);
  afterAll(() => fx?.close());

  it('names each stale or missing model and tells to transform, instead of failing in a rule', async () => {
    // the learner fact as older code built it (without its last status change), and a core table that was never built
    await fx.conn.run('create or replace table core.fct_learners as select * exclude (last_change_status, last_change_date) from core.fct_learners');
    await fx.conn.run('drop table core.fct_rooms');
    const err = await runQuality({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, periods: ['2025-DN'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StaleModelsError);
    expect((err as StaleModelsError).code).toBe('MODELS_STALE');
    expect((err as Error).message).toMatch(/run csdl transform/);
    expect((err as Error).message).toMatch(/core\.fct_learners: described columns the model does not produce: last_change_status, last_change_date/);
    expect((err as Error).message).toMatch(/core\.fct_rooms does not exist/);
    // after a transform the same run goes through
    expect((await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES })).errors).toEqual([]);
    const ok = await runQuality({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, periods: ['2025-DN'] });
    expect(ok.rules).toBeGreaterThan(100);
  });
});
