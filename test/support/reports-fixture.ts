/**
 * The forms fixture (test/fixtures/forms-fixture.ts) built the way production builds it for
 * sign-off: transform, then quality, then accounts for the nation's admin, Lai Châu's admin and
 * an admin of another province. Each test file gets its own copy of the warehouse.
 */
import { afterAll, beforeAll } from 'vitest';
import { runQuality } from '../../pipelines/quality/index.ts';
import { runTransform, type TransformSummary } from '../../pipelines/transform/run-transform.ts';
import { createAccount, type Account } from '../../server/accounts/accounts.store.ts';
import { FIXTURE_DEADLINES, preparedWarehouse, type FixtureWarehouse } from '../fixtures/fixture-warehouse.ts';
import { buildFormsFixture } from '../fixtures/forms-fixture.ts';

export type ReportsFixture = {
  fx: FixtureWarehouse;
  nation: Account;
  laiChau: Account;
  laoCai: Account;
  laiChauReader: Account;
  keys: Record<'nation' | 'laiChau' | 'laoCai' | 'laiChauReader', string>;
};

/** The gate the tests approve under unless they test the gate itself. */
export const PASSING_GATE = [{ rule: 'HS-REQ-trang_thai', max_failed: 0 }];

/** A copy of the forms fixture after a whole transform and a quality run, with the transform's summary. */
export function scoredFormsFixture(): Promise<{ fx: FixtureWarehouse; value: TransformSummary }> {
  return preparedWarehouse('forms:transformed+quality', async (fx) => {
    await buildFormsFixture(fx.conn);
    const t = await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES });
    if (t.status !== 'succeeded') throw new Error(t.errors.join('\n'));
    await runQuality({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES });
    return t;
  });
}

/** Builds the fixture before the file's tests and closes it after. */
export function reportsFixture(): ReportsFixture {
  const h = {} as ReportsFixture;
  beforeAll(async () => {
    ({ fx: h.fx } = await scoredFormsFixture());
    const make = async (unit: string, kind: 'admin' | 'exploit', name: string) => createAccount(h.fx.conn, { unit, kind, name });
    const nation = await make('VN', 'admin', 'Cục CNTT');
    const laiChau = await make('P:12@2025', 'admin', 'Sở GDĐT Lai Châu');
    const laoCai = await make('P:15@2025', 'admin', 'Sở GDĐT Lào Cai');
    const reader = await make('P:12@2025', 'exploit', 'Phòng thống kê Lai Châu');
    h.nation = nation.account;
    h.laiChau = laiChau.account;
    h.laoCai = laoCai.account;
    h.laiChauReader = reader.account;
    h.keys = { nation: nation.key, laiChau: laiChau.key, laoCai: laoCai.key, laiChauReader: reader.key };
  }, 120_000);
  afterAll(() => h.fx?.close());
  return h;
}

/** Marks every province of 2025 but Lai Châu as not reporting, then approves Lai Châu and the nation. */
export async function approveLaiChauAndNation(h: ReportsFixture, approval: typeof import('../../pipelines/approval/index.ts')): Promise<void> {
  await approval.approve(h.fx.conn, { period: '2025-DN', unit: '12', actor: h.laiChau, gate: PASSING_GATE });
  const others = await h.fx.rows<{ unit_code: string }>(
    `select unit_code from core.dim_units where unit_level = 'province' and valid_to is null and unit_code <> '12' order by 1`,
  );
  for (const p of others) await approval.setNotReporting(h.fx.conn, { period: '2025-DN', unit: p.unit_code, actor: h.nation, notReporting: true });
  await approval.approve(h.fx.conn, { period: '2025-DN', unit: 'VN', actor: h.nation, gate: PASSING_GATE });
}
