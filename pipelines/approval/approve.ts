/**
 * Sign-off actions (seed 000 Điều 6.5; DHIS2's data approval): a province's admin approves its
 * province's figures for a period, which freezes them as a version; the nation's admin approves
 * the national consolidation once every province valid in the period has approved (with figures
 * unchanged since) or is marked not reporting. A unit un-approves until the level above has
 * approved. An approval is refused while the unit fails the quality gate; the refusal is kept
 * in the action log with what failed.
 *
 * @example
 *   await approve(conn, { period: '2025-DN', unit: '48', actor, comment: 'Sở đã rà soát', gate: config.approvalGate });
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Config } from '../../lib/config.ts';
import { inTransaction, queryRows } from '../../lib/warehouse.ts';
import { ApprovalError } from './approval-errors.ts';
import { approvalStates, findVersion, recordAction, type ApprovalState, type VersionRecord } from './approval-log.ts';
import { assertReady, findApprovalPeriod, findApprovalUnit, periodProvinces, type Actor, type ApprovalPeriod, type ApprovalUnit } from './approval-target.ts';
import { currentHash, freezeVersion } from './freeze.ts';
import { describeGateFailures, evaluateGate, type GateResult } from './quality-gate.ts';

export type ApprovalRequest = { period: string; unit: string; actor: Actor; comment?: string | null };

export type ApprovalOutcome = {
  action: 'approve' | 'unapprove' | 'mark_not_reporting' | 'unmark_not_reporting';
  action_id: string | null;
  period: string;
  unit: ApprovalUnit;
  version: VersionRecord | null;
  /** True when the approval froze new figures, false when it re-used an identical version. */
  frozen: boolean;
  gate?: GateResult;
  message: string;
};

const NATION_KEY = 'N:VN';

/**
 * Sign-off actions run one at a time in this process: each checks the state (the level above,
 * the provinces, the version) and then writes it, so two that interleave would both pass their
 * checks and collide on the frozen version's key. One process writes the warehouse at a time
 * (DuckDB's rule), so this queue orders every action on it.
 */
let queue: Promise<unknown> = Promise.resolve();
function oneAtATime<A extends unknown[], T>(action: (...args: A) => Promise<T>): (...args: A) => Promise<T> {
  return (...args) => {
    const run = queue.then(() => action(...args));
    queue = run.catch(() => {});
    return run;
  };
}

async function target(conn: DuckDBConnection, req: ApprovalRequest): Promise<{ period: ApprovalPeriod; unit: ApprovalUnit }> {
  await assertReady(conn);
  const period = await findApprovalPeriod(conn, req.period);
  const unit = await findApprovalUnit(conn, req.unit, period);
  return { period, unit };
}

/** An admin of the province (or of the current province it merged into) for a province; the nation's admin for the nation. */
async function assertMayApprove(conn: DuckDBConnection, actor: Actor, unit: ApprovalUnit): Promise<void> {
  const who = `${actor.name} (${actor.account_id}, ${actor.kind} ${actor.unit_key})`;
  if (actor.kind !== 'admin') {
    throw new ApprovalError('APPROVAL_FORBIDDEN', `Chỉ tài khoản quản trị được duyệt số liệu; ${who} không phải tài khoản quản trị`);
  }
  if (unit.unit_level === 'nation') {
    if (actor.unit_level !== 'nation') {
      throw new ApprovalError('APPROVAL_FORBIDDEN', `Chỉ quản trị cấp Bộ duyệt số liệu toàn quốc; ${who} không phải quản trị cấp Bộ`);
    }
    return;
  }
  if (actor.unit_level === 'province') {
    if (actor.unit_key === unit.unit_key) return;
    const [own] = await queryRows<{ valid_to: string | null }>(conn, `select cast(valid_to as varchar) as valid_to from core.dim_units where unit_key = ?`, [
      actor.unit_key,
    ]);
    if (own && own.valid_to === null && unit.current_province_code === actor.unit_code) return;
  }
  throw new ApprovalError(
    'APPROVAL_FORBIDDEN',
    `Tài khoản ${who} không duyệt được số liệu của ${unit.unit_name} (${unit.unit_key}): mỗi Sở duyệt số liệu của tỉnh mình`,
  );
}

async function stateOf(conn: DuckDBConnection, period: string, unitKey: string): Promise<ApprovalState | undefined> {
  return (await approvalStates(conn, period)).get(unitKey);
}

/** The provinces that keep the nation from approving, with why. */
async function provincesBlockingNation(conn: DuckDBConnection, period: ApprovalPeriod): Promise<{ blocking: string[]; versions: string[] }> {
  const states = await approvalStates(conn, period.period);
  const blocking: string[] = [];
  const versions: string[] = [];
  for (const p of await periodProvinces(conn, period)) {
    const s = states.get(p.unit_key);
    if (s?.approved && s.version_id) {
      const version = await findVersion(conn, s.version_id);
      const now = await currentHash(conn, period.period, p);
      if (version && now.hash !== version.content_hash) {
        blocking.push(`${p.unit_name} (${p.unit_code}): số liệu đã thay đổi sau khi duyệt (phiên bản ${s.version_id}), cần duyệt lại`);
      } else versions.push(s.version_id);
    } else if (!s?.not_reporting) {
      blocking.push(
        p.schools === 0
          ? `${p.unit_name} (${p.unit_code}): không có dữ liệu trong kỳ, cần đánh dấu không báo cáo`
          : `${p.unit_name} (${p.unit_code}): chưa duyệt`,
      );
    }
  }
  return { blocking, versions: versions.sort() };
}

/** Approves `unit`'s figures for `period`, freezing them as a version; see the module comment. */
export const approve = oneAtATime(async (conn: DuckDBConnection, req: ApprovalRequest & { gate: Config['approvalGate'] }): Promise<ApprovalOutcome> => {
  const { period, unit } = await target(conn, req);
  await assertMayApprove(conn, req.actor, unit);
  const refuse = async (message: string, detail: Record<string, unknown>): Promise<never> => {
    await recordAction(conn, { period: period.period, unit, action: 'approve_refused', actor: req.actor, comment: req.comment, detail });
    throw new ApprovalError('APPROVAL_REFUSED', message, detail);
  };
  let consolidates: string[] = [];
  if (unit.unit_level === 'province') {
    const nation = await stateOf(conn, period.period, NATION_KEY);
    if (nation?.approved) {
      await refuse(`Bộ đã duyệt số liệu toàn quốc kỳ ${period.period}: không duyệt lại được số liệu tỉnh cho đến khi Bộ hủy duyệt`, {
        reason: 'nation_approved',
      });
    }
  } else {
    const { blocking, versions } = await provincesBlockingNation(conn, period);
    if (blocking.length) {
      await refuse(
        `Chưa duyệt được số liệu toàn quốc kỳ ${period.period}: ${blocking.length} tỉnh chưa sẵn sàng (Bộ duyệt khi mọi tỉnh đã duyệt hoặc được đánh dấu không báo cáo):\n${blocking.map((b) => `  - ${b}`).join('\n')}`,
        { reason: 'provinces_pending', provinces: blocking },
      );
    }
    consolidates = versions;
  }
  const gate = await evaluateGate(conn, req.gate, period.period, unit);
  if (!gate.passed) {
    const lines = describeGateFailures(gate);
    await refuse(`Số liệu của ${unit.unit_name} kỳ ${period.period} chưa đạt điều kiện chất lượng để duyệt:\n${lines.map((l) => `  - ${l}`).join('\n')}`, {
      reason: 'quality_gate',
      failures: gate.failures,
      stale: gate.stale,
    });
  }
  return inTransaction(conn, async () => {
    const { version, created } = await freezeVersion(conn, {
      period: period.period,
      unit,
      actor: req.actor,
      consolidates,
      transformRunId: gate.transformRunId,
      qualityRunId: gate.qualityRunId,
    });
    const before = await stateOf(conn, period.period, unit.unit_key);
    if (before?.approved && before.version_id === version.version_id) {
      return {
        action: 'approve' as const,
        action_id: null,
        period: period.period,
        unit,
        version,
        frozen: false,
        gate,
        message: `${unit.unit_name} đã duyệt kỳ ${period.period} với phiên bản ${version.version_id}; số liệu không thay đổi`,
      };
    }
    const actionId = await recordAction(conn, {
      period: period.period,
      unit,
      action: 'approve',
      actor: req.actor,
      comment: req.comment,
      versionId: version.version_id,
    });
    return {
      action: 'approve' as const,
      action_id: actionId,
      period: period.period,
      unit,
      version,
      frozen: created,
      gate,
      message: `Đã duyệt số liệu ${unit.unit_name} kỳ ${period.period}, phiên bản ${version.version_id}`,
    };
  });
});

/** Withdraws `unit`'s approval for `period`, while the level above has not approved. */
export const unapprove = oneAtATime(async (conn: DuckDBConnection, req: ApprovalRequest): Promise<ApprovalOutcome> => {
  const { period, unit } = await target(conn, req);
  await assertMayApprove(conn, req.actor, unit);
  const state = await stateOf(conn, period.period, unit.unit_key);
  if (!state?.approved) {
    throw new ApprovalError('APPROVAL_REFUSED', `${unit.unit_name} chưa duyệt kỳ ${period.period}, không có gì để hủy`, {
      reason: 'not_approved',
    });
  }
  if (unit.unit_level === 'province' && (await stateOf(conn, period.period, NATION_KEY))?.approved) {
    throw new ApprovalError('APPROVAL_REFUSED', `Bộ đã duyệt số liệu toàn quốc kỳ ${period.period}: tỉnh chỉ hủy duyệt được sau khi Bộ hủy duyệt`, {
      reason: 'nation_approved',
    });
  }
  const actionId = await recordAction(conn, {
    period: period.period,
    unit,
    action: 'unapprove',
    actor: req.actor,
    comment: req.comment,
    versionId: state.version_id,
  });
  return {
    action: 'unapprove',
    action_id: actionId,
    period: period.period,
    unit,
    version: state.version_id ? ((await findVersion(conn, state.version_id)) ?? null) : null,
    frozen: false,
    message: `Đã hủy duyệt số liệu ${unit.unit_name} kỳ ${period.period}; phiên bản ${state.version_id} vẫn được lưu`,
  };
});

/** The nation's admin marks a province as not reporting in `period` (or withdraws the mark), while the nation has not approved. */
export const setNotReporting = oneAtATime(async (conn: DuckDBConnection, req: ApprovalRequest & { notReporting: boolean }): Promise<ApprovalOutcome> => {
  const { period, unit } = await target(conn, req);
  if (req.actor.kind !== 'admin' || req.actor.unit_level !== 'nation') {
    throw new ApprovalError('APPROVAL_FORBIDDEN', `Chỉ quản trị cấp Bộ đánh dấu tỉnh không báo cáo`);
  }
  if (unit.unit_level !== 'province') throw new ApprovalError('APPROVAL_REFUSED', `Chỉ đánh dấu được tỉnh không báo cáo, không đánh dấu được đơn vị khác`);
  if ((await stateOf(conn, period.period, NATION_KEY))?.approved) {
    throw new ApprovalError('APPROVAL_REFUSED', `Bộ đã duyệt kỳ ${period.period}: hãy hủy duyệt toàn quốc trước`, {
      reason: 'nation_approved',
    });
  }
  const state = await stateOf(conn, period.period, unit.unit_key);
  if (req.notReporting && state?.approved) {
    throw new ApprovalError('APPROVAL_REFUSED', `${unit.unit_name} đã duyệt kỳ ${period.period}, không đánh dấu không báo cáo được`, {
      reason: 'approved',
    });
  }
  if (Boolean(state?.not_reporting) === req.notReporting) {
    return {
      action: req.notReporting ? 'mark_not_reporting' : 'unmark_not_reporting',
      action_id: null,
      period: period.period,
      unit,
      version: null,
      frozen: false,
      message: req.notReporting ? `${unit.unit_name} đã được đánh dấu không báo cáo từ trước` : `${unit.unit_name} không bị đánh dấu không báo cáo`,
    };
  }
  const action = req.notReporting ? ('mark_not_reporting' as const) : ('unmark_not_reporting' as const);
  const actionId = await recordAction(conn, { period: period.period, unit, action, actor: req.actor, comment: req.comment });
  return {
    action,
    action_id: actionId,
    period: period.period,
    unit,
    version: null,
    frozen: false,
    message: req.notReporting ? `Đã đánh dấu ${unit.unit_name} không báo cáo kỳ ${period.period}` : `Đã bỏ đánh dấu không báo cáo của ${unit.unit_name}`,
  };
});
