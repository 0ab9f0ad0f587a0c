/**
 * Sign-off on the forms fixture (Lai Châu, 2025-DN): who may approve what, the quality gate, the
 * order province -> nation with not-reporting marks, un-approving until the level above has
 * approved, the frozen version and its hash, the diff against changed figures and the overview.
 * The tests run in order on one warehouse.
 */
import { describe, expect, it } from 'vitest';
import * as approval from '../../pipelines/approval/index.ts';
import { runTransform } from '../../pipelines/transform/run-transform.ts';
import { FIXTURE_DEADLINES } from '../fixtures/fixture-warehouse.ts';
import { PASSING_GATE, reportsFixture } from '../support/reports-fixture.ts';

const h = reportsFixture();
const P = '2025-DN';

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string; details: Record<string, unknown> }> {
  const err = (await p.then(
    () => undefined,
    (e: unknown) => e,
  )) as { code: string; message: string; details: Record<string, unknown> } | undefined;
  expect(err, 'expected a refusal').toBeDefined();
  return err!;
}

describe('sign-off per period and unit', () => {
  it("refuses another province's admin, a reading account, and a period or unit that does not exist", async () => {
    const other = await refusal(approval.approve(h.fx.conn, { period: P, unit: '12', actor: h.laoCai, gate: PASSING_GATE }));
    expect(other.code).toBe('APPROVAL_FORBIDDEN');
    expect(other.message).toContain('Tỉnh Lai Châu');
    expect((await refusal(approval.approve(h.fx.conn, { period: P, unit: '12', actor: h.laiChauReader, gate: PASSING_GATE }))).code).toBe('APPROVAL_FORBIDDEN');
    expect((await refusal(approval.approve(h.fx.conn, { period: P, unit: 'VN', actor: h.laiChau, gate: PASSING_GATE }))).code).toBe('APPROVAL_FORBIDDEN');
    expect((await refusal(approval.approve(h.fx.conn, { period: '2030-DN', unit: '12', actor: h.laiChau, gate: PASSING_GATE }))).code).toBe('UNKNOWN_PERIOD');
    expect((await refusal(approval.approve(h.fx.conn, { period: P, unit: '03394', actor: h.laiChau, gate: PASSING_GATE }))).code).toBe('UNKNOWN_UNIT');
  });

  it('refuses while the unit fails the quality gate, naming each failing rule, and keeps the refusal in the log', async () => {
    // the fixture's learners carry no end-of-year class: HS-REQ-ma_lop_hoc_cn fails for each of the 22 live records of active schools
    const gate = [...PASSING_GATE, { rule: 'HS-REQ-ma_lop_hoc_cn', max_failed: 0 }, { rule: 'XX-NO-SUCH-RULE' }];
    const err = await refusal(approval.approve(h.fx.conn, { period: P, unit: '12', actor: h.laiChau, gate, comment: 'thử' }));
    expect(err.code).toBe('APPROVAL_REFUSED');
    expect(err.message).toMatch(/HS-REQ-ma_lop_hoc_cn \(.+\): 22 \/ 22 bản ghi không đạt, cho phép ≤ 0/);
    expect(err.message).toContain('XX-NO-SUCH-RULE');
    expect(err.message).not.toContain('HS-REQ-trang_thai');
    const [logged] = await approval.listActions(h.fx.conn, { period: P, unitKeys: ['P:12@2025'] });
    expect(logged).toMatchObject({ action: 'approve_refused', account_id: h.laiChau.account_id, comment: 'thử', version_id: null });
    expect(JSON.parse(logged.detail!).failures.map((f: { rule: string }) => f.rule)).toEqual(['HS-REQ-ma_lop_hoc_cn', 'XX-NO-SUCH-RULE']);
    // a share threshold the fixture passes
    const share = await approval.approve(h.fx.conn, { period: P, unit: '12', actor: h.laiChau, gate: [{ rule: 'HS-REQ-ma_lop_hoc_cn', max_failed_share: 1 }] });
    expect(share.action).toBe('approve');
    await approval.unapprove(h.fx.conn, { period: P, unit: '12', actor: h.laiChau });
  });

  it('refuses the nation until every province has approved or is marked not reporting, naming them', async () => {
    const err = await refusal(approval.approve(h.fx.conn, { period: P, unit: 'VN', actor: h.nation, gate: PASSING_GATE }));
    expect(err.code).toBe('APPROVAL_REFUSED');
    expect(err.message).toContain('34 tỉnh chưa sẵn sàng');
    expect(err.message).toContain('Tỉnh Lai Châu (12): chưa duyệt');
    expect(err.message).toContain('Tỉnh Lào Cai (15): không có dữ liệu trong kỳ');
  });

  it("approves Lai Châu, freezing its subtree's indicator values, form cells and quality scores", async () => {
    const outcome = await approval.approve(h.fx.conn, { period: P, unit: '12', actor: h.laiChau, gate: PASSING_GATE, comment: 'Sở đã rà soát' });
    expect(outcome.frozen).toBe(false); // the share-gate approval above froze the same figures
    const v = outcome.version!;
    expect(v.version_id).toMatch(/^v-2025-DN-12-[0-9a-f]{12}$/);
    expect(v.version_id).toBe(`v-2025-DN-12-${v.content_hash.slice(0, 12)}`);
    const [counts] = await h.fx.rows<{ ind: number; forms: number; quality: number; live: number; units: number }>(
      `select
         (select count(*) from meta.frozen_indicator_values where version_id = $1)::int as ind,
         (select count(*) from meta.frozen_form_cells where version_id = $1)::int as forms,
         (select count(*) from meta.frozen_quality_scores where version_id = $1)::int as quality,
         (select count(*) from forms.form_values where period = '2025-DN' and geography = 'as_reported'
            and unit_key in (select unit_key from core.dim_units where unit_key = 'P:12@2025' or province_key = 'P:12@2025'))::int as live,
         (select count(distinct unit_key) from meta.frozen_form_cells where version_id = $1)::int as units`,
      [v.version_id],
    );
    expect(counts).toMatchObject({ ind: Number(v.indicator_rows), forms: Number(v.form_rows), quality: Number(v.quality_rows) });
    expect(counts.forms).toBe(counts.live);
    expect(counts.units).toBe(1 + 2 + 7); // the province, its two communes, its seven schools with cells (OFF has none)
    const [cell] = await h.fx.rows<{ value: number }>(
      `select value::int as value from meta.frozen_form_cells where version_id = ? and unit_key = 'P:12@2025' and sheet = 'Trường-Lớp' and ma_so = 1 and col_no = 1`,
      [v.version_id],
    );
    expect(cell.value).toBe(4);
    expect((await approval.storedHash(h.fx.conn, v)).hash).toBe(v.content_hash);
    const [latest] = await approval.listActions(h.fx.conn, { period: P, unitKeys: ['P:12@2025'] });
    expect(latest).toMatchObject({ action: 'approve', version_id: v.version_id, account_name: 'Sở GDĐT Lai Châu', comment: 'Sở đã rà soát' });
  });

  it('re-uses the version and records nothing when the same figures are approved again', async () => {
    const before = (await approval.listActions(h.fx.conn, { period: P })).length;
    const again = await approval.approve(h.fx.conn, { period: P, unit: '12', actor: h.laiChau, gate: PASSING_GATE });
    expect(again.action_id).toBeNull();
    expect(again.message).toContain('đã duyệt');
    expect((await approval.listActions(h.fx.conn, { period: P })).length).toBe(before);
  });

  it('marks the other provinces, approves the nation, and then holds the province until the nation un-approves', async () => {
    const others = await h.fx.rows<{ unit_code: string }>(
      `select unit_code from core.dim_units where unit_level = 'province' and valid_to is null and unit_code <> '12' order by 1`,
    );
    expect(others.length).toBe(33);
    expect((await refusal(approval.setNotReporting(h.fx.conn, { period: P, unit: '15', actor: h.laoCai, notReporting: true }))).code).toBe(
      'APPROVAL_FORBIDDEN',
    );
    const approved = await refusal(approval.setNotReporting(h.fx.conn, { period: P, unit: '12', actor: h.nation, notReporting: true }));
    expect(approved.details.reason).toBe('approved');
    for (const p of others)
      await approval.setNotReporting(h.fx.conn, { period: P, unit: p.unit_code, actor: h.nation, notReporting: true, comment: 'không có trường' });
    const nation = await approval.approve(h.fx.conn, { period: P, unit: 'VN', actor: h.nation, gate: PASSING_GATE });
    expect(nation.version!.consolidates).toEqual([(await approval.approvalStates(h.fx.conn, P)).get('P:12@2025')!.version_id]);
    expect(Number(nation.version!.form_rows)).toBeGreaterThan(0);

    expect((await refusal(approval.unapprove(h.fx.conn, { period: P, unit: '12', actor: h.laiChau }))).details.reason).toBe('nation_approved');
    expect((await refusal(approval.approve(h.fx.conn, { period: P, unit: '12', actor: h.laiChau, gate: PASSING_GATE }))).details.reason).toBe(
      'nation_approved',
    );
    expect((await refusal(approval.setNotReporting(h.fx.conn, { period: P, unit: '15', actor: h.nation, notReporting: false }))).details.reason).toBe(
      'nation_approved',
    );

    await approval.unapprove(h.fx.conn, { period: P, unit: 'VN', actor: h.nation, comment: 'mở lại' });
    const withdrawn = await approval.unapprove(h.fx.conn, { period: P, unit: '12', actor: h.laiChau });
    expect(withdrawn.action).toBe('unapprove');
    expect((await refusal(approval.unapprove(h.fx.conn, { period: P, unit: '12', actor: h.laiChau }))).details.reason).toBe('not_approved');
    await approval.approve(h.fx.conn, { period: P, unit: '12', actor: h.laiChau, gate: PASSING_GATE });
    await approval.approve(h.fx.conn, { period: P, unit: 'VN', actor: h.nation, gate: PASSING_GATE });
    const history = (await approval.listActions(h.fx.conn, { period: P, unitKeys: ['N:VN'] })).map((a) => a.action);
    expect(history).toEqual(['approve', 'unapprove', 'approve', 'approve_refused']);
  });

  it("lists the period's state: approved, marked, deadlines and lateness", async () => {
    const o = await approval.approvalOverview(h.fx.conn, { period: P, today: '2025-10-20' });
    expect(o.nation).toMatchObject({ status: 'approved', deadline: '2025-10-31', changed_since_approval: false });
    const laiChau = o.provinces.find((p) => p.unit_code === '12')!;
    expect(laiChau).toMatchObject({ status: 'approved', schools: 7, deadline: '2025-10-31', changed_since_approval: false, approved_by: 'Sở GDĐT Lai Châu' });
    const laoCai = o.provinces.find((p) => p.unit_code === '15')!;
    expect(laoCai).toMatchObject({ status: 'not_reporting', deadline: '2025-10-15', comment: 'không có trường', changed_since_approval: null });
    expect(o.provinces).toHaveLength(34);
  });

  it('follows every action at once however often it is asked, and hands out answers a caller may change', async () => {
    const ask = () => approval.approvalOverview(h.fx.conn, { period: P, today: '2025-10-20' });
    const first = await ask();
    expect(first.nation.status).toBe('approved');
    first.nation.status = 'pending';
    first.provinces.length = 0;
    expect((await ask()).nation.status).toBe('approved');
    expect((await ask()).provinces).toHaveLength(34);
    await approval.unapprove(h.fx.conn, { period: P, unit: 'VN', actor: h.nation, comment: 'xem lại' });
    expect((await ask()).nation).toMatchObject({ status: 'pending', version_id: null });
    await approval.approve(h.fx.conn, { period: P, unit: 'VN', actor: h.nation, gate: PASSING_GATE });
    const again = await ask();
    expect(again.nation.status).toBe('approved');
    expect(again.nation.version_id).not.toBeNull();
  });

  it('shows what changed since approval, keeps the frozen version as it was, and lets the nation wait for a re-approval', async () => {
    await approval.unapprove(h.fx.conn, { period: P, unit: 'VN', actor: h.nation });
    const state = (await approval.approvalStates(h.fx.conn, P)).get('P:12@2025')!;
    const version = (await approval.findVersion(h.fx.conn, state.version_id!))!;
    // a later run changes Lai Châu's figures: a learner record of TH1 is no longer counted
    await h.fx.conn.run(`update raw.hoc_sinh set deleted_at = '2025-10-01 00:00:00+00' where ma_hoc_sinh = 'HS-e4'`);
    await runTransform({ warehouse: h.fx.conn, deadlines: FIXTURE_DEADLINES });

    const stale = await refusal(approval.approve(h.fx.conn, { period: P, unit: '12', actor: h.laiChau, gate: PASSING_GATE }));
    expect(stale.message).toContain('csdl quality');

    const diff = await approval.versionDiff(h.fx.conn, { period: P, unit: '12' });
    expect(diff.changed).toBe(true);
    const forms = diff.parts.find((p) => p.part === 'forms')!;
    const total = forms.rows.find((r) => r.unit_key === 'P:12@2025' && r.sheet === 'III' && r.ma_so === 37 && r.col_no === 1)!;
    expect(total).toMatchObject({ change: 'changed', old: 8, new: 7, delta: -1, label: 'Tổng quy mô', cell: 'E5' });
    const removed = forms.rows.find((r) => r.unit_key === 'P:12@2025' && r.sheet === 'III' && r.ma_so === 51 && r.col_no === 1)!;
    expect(removed).toMatchObject({ change: 'removed', old: 1, new: null }); // e4 was the only learner over 10
    expect(diff.parts.find((p) => p.part === 'indicators')!.changed).toBeGreaterThan(0);

    const o = await approval.approvalOverview(h.fx.conn, { period: P });
    expect(o.provinces.find((p) => p.unit_code === '12')!.changed_since_approval).toBe(true);
    expect((await approval.storedHash(h.fx.conn, version)).hash).toBe(version.content_hash);
    const [frozen] = await h.fx.rows<{ value: number }>(
      `select value::int as value from meta.frozen_form_cells where version_id = ? and unit_key = 'P:12@2025' and sheet = 'III' and ma_so = 37 and col_no = 1`,
      [version.version_id],
    );
    expect(frozen.value).toBe(8);
    const nation = await refusal(approval.approve(h.fx.conn, { period: P, unit: 'VN', actor: h.nation, gate: PASSING_GATE }));
    expect(nation.message).toContain('Tỉnh Lai Châu (12): số liệu đã thay đổi sau khi duyệt');
  });
});
