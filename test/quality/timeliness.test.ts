/**
 * TH-LATE reads the first complete submission: on the hand-built warehouse (test/fixtures), every
 * 2025 record entered on 10/10/2025 and its end-of-year update on 10/06/2026, before the deadlines
 * (Lào Cai 15/10 and 15/06, Lai Châu 31/10 and 30/06). A correction entered after the deadline
 * (an end-of-year record updated in August, a start-of-year learner deleted and entered again in
 * November) must not make a school late whose data a run saw complete in time, for ĐN and CN
 * alike; a school whose data were not complete in time (learners without a class) is late when
 * they are completed after the deadline. The same corrections on a warehouse no run had seen
 * before make the school late: the record times alone cannot tell a correction from a late entry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_DEADLINES, openFixtureWarehouse, type FixtureWarehouse } from '../fixtures/fixture-warehouse.ts';
import { runTransform } from '../../pipelines/transform/run-transform.ts';
import { runQuality } from '../../pipelines/quality/run-quality.ts';

const PERIODS = ['2025-DN', '2025-CN'];

/** Entry times before the deadlines; every learner placed in a class of its school, but PT01's. */
async function enteredInTime(fx: FixtureWarehouse): Promise<void> {
  for (const t of ['truong_hoc', 'lop_hoc', 'can_bo', 'hoc_sinh']) {
    await fx.conn.run(
      `update raw.${t} set created_at = timestamptz '2025-10-10 09:00:00+07', updated_at = timestamptz '2026-06-10 09:00:00+07' where nam_hoc = 2025`,
    );
  }
  await fx.conn.run(`update raw.hoc_sinh as h set ma_lop_hoc_dn = c.first_class, ma_lop_hoc_cn = c.first_class
    from (select ma_truong_hoc, min(ma_lop_hoc) as first_class from raw.lop_hoc where nam_hoc = 2025 group by all) as c
    where h.nam_hoc = 2025 and h.ma_truong_hoc = c.ma_truong_hoc and h.ma_truong_hoc <> 'PT01'`);
}

/**
 * After the deadlines: TH01 corrects a learner in August (end of year) and deletes and enters
 * again in November a learner studying all year (start of year); PT01 places its learners in
 * classes in August.
 */
async function correctedLate(fx: FixtureWarehouse): Promise<void> {
  const [{ first, second }] = await fx.rows<{ first: number; second: number }>(
    `select min(id)::int as first, max(id)::int as second from raw.hoc_sinh
     where nam_hoc = 2025 and ma_truong_hoc = 'TH01' and deleted_at is null and trang_thai = 1`,
  );
  await fx.conn.run(`update raw.hoc_sinh set updated_at = timestamptz '2026-08-20 10:00:00+07' where id = ${first}`);
  await fx.conn.run(`insert into raw.hoc_sinh select * replace (id + 100000 as id,
      timestamptz '2025-11-20 10:00:00+07' as created_at, timestamptz '2025-11-20 10:00:00+07' as updated_at)
    from raw.hoc_sinh where id = ${second}`);
  await fx.conn.run(`update raw.hoc_sinh set deleted_at = timestamptz '2025-11-20 10:00:00+07' where id = ${second}`);
  await fx.conn.run(`update raw.hoc_sinh as h set ma_lop_hoc_dn = c.first_class, ma_lop_hoc_cn = c.first_class,
      updated_at = timestamptz '2026-08-20 10:00:00+07'
    from (select min(ma_lop_hoc) as first_class from raw.lop_hoc where nam_hoc = 2025 and ma_truong_hoc = 'PT01') as c
    where h.nam_hoc = 2025 and h.ma_truong_hoc = 'PT01'`);
}

async function transformed(fx: FixtureWarehouse): Promise<void> {
  const t = await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, select: ['staging', 'core'] });
  expect(t.errors).toEqual([]);
}

/** TH-LATE per period and school: 'late' or 'on time'. */
async function lateness(fx: FixtureWarehouse): Promise<Record<string, string>> {
  const rows = await fx.rows<{ period: string; unit_code: string; failed: number }>(
    `select period, unit_code, failed from meta.quality_rule_results where rule_id = 'TH-LATE' and period in ('2025-DN', '2025-CN')`,
  );
  return Object.fromEntries(rows.map((r) => [`${r.period} ${r.unit_code}`, Number(r.failed) > 0 ? 'late' : 'on time']));
}

describe('timeliness: the first complete submission', () => {
  let seen: FixtureWarehouse;
  let unseen: FixtureWarehouse;
  beforeAll(async () => {
    seen = await openFixtureWarehouse();
    await enteredInTime(seen);
    await transformed(seen);
    await runQuality({ warehouse: seen.conn, periods: PERIODS, deadlines: FIXTURE_DEADLINES, runId: 'before-corrections' });
    unseen = await openFixtureWarehouse();
    await enteredInTime(unseen);
  }, 300_000);
  afterAll(() => {
    seen?.close();
    unseen?.close();
  });

  it('finds every school on time when its records were entered before the deadline', async () => {
    expect(await lateness(seen)).toEqual({
      '2025-DN TH01': 'on time',
      '2025-DN CS01': 'on time',
      '2025-DN MN01': 'on time',
      '2025-DN PT01': 'on time',
      '2025-CN TH01': 'on time',
      '2025-CN CS01': 'on time',
      '2025-CN MN01': 'on time',
      '2025-CN PT01': 'on time',
    });
    // the completions kept: every school but PT01, whose learners have no class yet
    const kept = await seen.rows<{ period: string; unit_code: string; completed_on: string }>(
      `select period, unit_code, strftime(completed_on, '%d/%m/%Y') as completed_on from meta.quality_completions order by all`,
    );
    expect(kept.map((k) => `${k.period} ${k.unit_code} ${k.completed_on}`)).toEqual([
      '2025-CN CS01 10/06/2026',
      '2025-CN MN01 10/06/2026',
      '2025-CN TH01 10/06/2026',
      '2025-DN CS01 10/10/2025',
      '2025-DN MN01 10/10/2025',
      '2025-DN TH01 10/10/2025',
    ]);
  });

  it('keeps a school on time in ĐN and CN after corrections entered past the deadline', async () => {
    await correctedLate(seen);
    await transformed(seen);
    await runQuality({ warehouse: seen.conn, periods: PERIODS, deadlines: FIXTURE_DEADLINES, runId: 'after-corrections' });
    const after = await lateness(seen);
    expect(after['2025-DN TH01']).toBe('on time');
    expect(after['2025-CN TH01']).toBe('on time');
    // PT01 completed its end-of-year data (its learners' classes) only in August: late for CN;
    // its start-of-year records were entered on 10/10/2025: on time for ĐN
    expect(after['2025-CN PT01']).toBe('late');
    expect(after['2025-DN PT01']).toBe('on time');
    const [detail] = await seen.rows<{ detail: string }>(`select detail from quality.dq_failures where rule_id = 'TH-LATE' and unit_code = 'PT01'`);
    expect(detail.detail).toBe('Số liệu của kỳ hoàn thành ngày 20/08/2026, sau hạn báo cáo 30/06/2026');
  });

  it('judges a warehouse that never saw the data in time by the records as they are', async () => {
    await correctedLate(unseen);
    await transformed(unseen);
    await runQuality({ warehouse: unseen.conn, periods: PERIODS, deadlines: FIXTURE_DEADLINES, runId: 'first-seen-late' });
    const late = await lateness(unseen);
    expect(late['2025-DN TH01']).toBe('late');
    expect(late['2025-CN TH01']).toBe('late');
  });
});
