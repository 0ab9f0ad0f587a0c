/**
 * Where sign-off stands in a period: the nation and every province valid in it, each approved,
 * marked not reporting, pending or without data, with its version, who approved and when, its
 * deadline (core.dim_period_deadlines; the nation's is the default one), whether it is late, and
 * whether its figures changed since its approval. What the dashboard page and `csdl approvals`
 * show.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../../lib/warehouse.ts';
import { approvalStates, findVersion } from './approval-log.ts';
import { assertReady, findApprovalPeriod, findApprovalUnit, periodProvinces, type ApprovalUnit } from './approval-target.ts';
import { currentHash } from './freeze.ts';

export type UnitStatus = 'approved' | 'not_reporting' | 'pending' | 'no_data';

export type OverviewRow = {
  unit_key: string;
  unit_code: string;
  unit_level: 'province' | 'nation';
  unit_name: string;
  schools: number | null;
  status: UnitStatus;
  version_id: string | null;
  approved_at: string | null;
  approved_by: string | null;
  comment: string | null;
  deadline: string | null;
  /** Pending after its deadline, or approved after it. */
  late: boolean;
  /** Approved, and the current figures differ from the version (null when not approved or not computed). */
  changed_since_approval: boolean | null;
};

export type ApprovalOverview = { period: string; label: string; today: string; nation: OverviewRow; provinces: OverviewRow[] };

/**
 * Remembers whether a version's figures changed, per version and state of the published tables
 * (the last transform and quality runs), so a page asking again does not hash the subtree again.
 */
const changedCache = new Map<string, boolean>();

async function tablesState(conn: DuckDBConnection): Promise<string> {
  const [r] = await queryRows<{ t: string | null; q: string | null }>(
    conn,
    `select (select cast(max(finished_at) as varchar) from meta.transform_runs) as t, (select cast(max(finished_at) as varchar) from meta.quality_runs) as q`,
  );
  return `${r.t}|${r.q}`;
}

async function changedSince(conn: DuckDBConnection, period: string, unit: ApprovalUnit, versionId: string, state: string): Promise<boolean | null> {
  const key = `${versionId}|${state}`;
  const hit = changedCache.get(key);
  if (hit !== undefined) return hit;
  const version = await findVersion(conn, versionId);
  if (!version) return null;
  const now = await currentHash(conn, period, unit, version.consolidates ?? []);
  const changed = now.hash !== version.content_hash;
  changedCache.set(key, changed);
  return changed;
}

/**
 * Remembers whole overviews, per period, day, options, state of the published tables and state of
 * the period's sign-off log (append-only: its count and last action move with every action), so
 * that a page polled by many users costs three small queries instead of one per province.
 */
const overviewCache = new Map<string, ApprovalOverview>();
const OVERVIEWS_KEPT = 64;

async function actionsState(conn: DuckDBConnection, period: string): Promise<string> {
  const [r] = await queryRows<{ n: number; last: string | null }>(
    conn,
    `select count(*)::integer as n, cast(max(acted_at) as varchar) || '|' || max(action_id) as last from meta.approval_actions where period = ?`,
    [period],
  );
  return `${r.n}|${r.last}`;
}

/** The calendar date in Vietnam (UTC+7, no daylight saving) of an ISO instant. */
function vietnamDate(iso: string | null): string {
  return iso === null ? '' : new Date(Date.parse(iso) + 7 * 3600_000).toISOString().slice(0, 10);
}

/** The overview of `period`; `today` (YYYY-MM-DD, Vietnam's date by default) decides lateness. */
export async function approvalOverview(
  conn: DuckDBConnection,
  opts: { period: string; today?: string; withChanges?: boolean; provinceKeys?: string[] },
): Promise<ApprovalOverview> {
  await assertReady(conn);
  const period = await findApprovalPeriod(conn, opts.period);
  const today = opts.today ?? vietnamDate(new Date().toISOString());
  const state = await tablesState(conn);
  const cacheKey = [period.period, today, opts.withChanges !== false, opts.provinceKeys?.join(',') ?? '*', state, await actionsState(conn, period.period)].join(
    '\n',
  );
  const cached = overviewCache.get(cacheKey);
  if (cached) return structuredClone(cached);
  const states = await approvalStates(conn, period.period);
  const row = async (u: ApprovalUnit, schools: number | null, deadline: string | null): Promise<OverviewRow> => {
    const s = states.get(u.unit_key);
    const status: UnitStatus = s?.approved ? 'approved' : s?.not_reporting ? 'not_reporting' : schools === 0 ? 'no_data' : 'pending';
    const late = deadline !== null && (status === 'approved' ? vietnamDate(s?.approved_at ?? null) > deadline : status === 'pending' && today > deadline);
    return {
      unit_key: u.unit_key,
      unit_code: u.unit_code,
      unit_level: u.unit_level,
      unit_name: u.unit_name,
      schools,
      status,
      version_id: s?.version_id ?? null,
      approved_at: s?.approved_at ?? null,
      approved_by: s?.approved_by ?? null,
      comment: status === 'not_reporting' ? (s?.not_reporting_comment ?? null) : (s?.comment ?? null),
      deadline,
      late,
      changed_since_approval:
        status === 'approved' && opts.withChanges !== false && s?.version_id ? await changedSince(conn, period.period, u, s.version_id, state) : null,
    };
  };
  const provinces = [];
  for (const p of await periodProvinces(conn, period)) {
    if (opts.provinceKeys && !opts.provinceKeys.includes(p.unit_key)) continue;
    provinces.push(await row(p, p.schools, p.deadline));
  }
  const nationUnit = await findApprovalUnit(conn, 'N:VN', period);
  const [d] = await queryRows<{ deadline: string | null }>(
    conn,
    `select cast(strptime(? || '-' || mm_dd, '%Y-%m-%d') as date)::varchar as deadline from input.deadlines where ma_tinh = '*' and ky = ?`,
    [String(period.ky === 'DN' ? period.nam_hoc : period.nam_hoc + 1), period.ky],
  );
  const nation = await row(nationUnit, null, d?.deadline ?? null);
  const overview = { period: period.period, label: period.name_vi, today, nation, provinces };
  if (overviewCache.size >= OVERVIEWS_KEPT) overviewCache.delete(overviewCache.keys().next().value as string);
  overviewCache.set(cacheKey, structuredClone(overview));
  return overview;
}
