/**
 * The append-only record of approval actions (meta.approval_actions) and what it says now: a unit
 * is approved when its last approve/unapprove is an approval, and marked not reporting when its
 * last mark/unmark is a mark. Versions (meta.approved_versions) are written once.
 */
import { randomBytes } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sql } from 'kysely';
import { metaDb, type ApprovalActionWord } from '../../lib/meta-store/index.ts';
import type { Actor } from './approval-target.ts';

/** A unit's standing in a period, from its actions. */
export type ApprovalState = {
  unit_key: string;
  approved: boolean;
  version_id: string | null;
  approved_at: string | null;
  approved_by: string | null;
  comment: string | null;
  not_reporting: boolean;
  not_reporting_comment: string | null;
};

/** One action as read back. */
export type ApprovalActionRow = {
  action_id: string;
  period: string;
  unit_key: string;
  unit_code: string;
  unit_level: string;
  action: ApprovalActionWord;
  version_id: string | null;
  account_id: string;
  account_name: string | null;
  comment: string | null;
  detail: string | null;
  acted_at: string;
};

/** Appends one action; returns its id. */
export async function recordAction(
  conn: DuckDBConnection,
  a: {
    period: string;
    unit: { unit_key: string; unit_code: string; unit_level: string };
    action: ApprovalActionWord;
    actor: Actor;
    comment?: string | null;
    versionId?: string | null;
    detail?: unknown;
  },
): Promise<string> {
  const id = 'apr_' + randomBytes(8).toString('hex');
  await metaDb(conn)
    .insertInto('meta.approval_actions')
    .values({
      action_id: id,
      period: a.period,
      unit_key: a.unit.unit_key,
      unit_code: a.unit.unit_code,
      unit_level: a.unit.unit_level,
      action: a.action,
      version_id: a.versionId ?? null,
      account_id: a.actor.account_id,
      account_name: a.actor.name,
      comment: a.comment ?? null,
      detail: a.detail === undefined ? null : JSON.stringify(a.detail),
      acted_at: new Date(),
    })
    .execute();
  return id;
}

/** Every action of a period (all periods when omitted), newest first. */
export async function listActions(conn: DuckDBConnection, filter: { period?: string; unitKeys?: string[] } = {}): Promise<ApprovalActionRow[]> {
  let q = metaDb(conn)
    .selectFrom('meta.approval_actions')
    .select([
      'action_id',
      'period',
      'unit_key',
      'unit_code',
      'unit_level',
      'action',
      'version_id',
      'account_id',
      'account_name',
      'comment',
      'detail',
      sql<string>`strftime(acted_at at time zone 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ')`.as('acted_at'),
    ]);
  if (filter.period) q = q.where('period', '=', filter.period);
  if (filter.unitKeys) q = q.where('unit_key', 'in', filter.unitKeys.length ? filter.unitKeys : ['']);
  return (await q.orderBy('acted_at', 'desc').orderBy('action_id', 'desc').execute()) as ApprovalActionRow[];
}

/** The standing of every unit with an action in `period`, by unit key. */
export async function approvalStates(conn: DuckDBConnection, period: string): Promise<Map<string, ApprovalState>> {
  const actions = (await listActions(conn, { period })).reverse();
  const states = new Map<string, ApprovalState>();
  for (const a of actions) {
    const s = states.get(a.unit_key) ?? {
      unit_key: a.unit_key,
      approved: false,
      version_id: null,
      approved_at: null,
      approved_by: null,
      comment: null,
      not_reporting: false,
      not_reporting_comment: null,
    };
    if (a.action === 'approve')
      Object.assign(s, { approved: true, version_id: a.version_id, approved_at: a.acted_at, approved_by: a.account_name, comment: a.comment });
    if (a.action === 'unapprove') Object.assign(s, { approved: false, version_id: null, approved_at: null, approved_by: null, comment: a.comment });
    if (a.action === 'mark_not_reporting') Object.assign(s, { not_reporting: true, not_reporting_comment: a.comment });
    if (a.action === 'unmark_not_reporting') Object.assign(s, { not_reporting: false, not_reporting_comment: null });
    states.set(a.unit_key, s);
  }
  return states;
}

/** A version's record, if it exists. */
export async function findVersion(conn: DuckDBConnection, versionId: string) {
  return metaDb(conn)
    .selectFrom('meta.approved_versions')
    .select([
      'version_id',
      'period',
      'unit_key',
      'unit_code',
      'unit_level',
      'unit_name',
      'content_hash',
      'indicator_rows',
      'form_rows',
      'quality_rows',
      'consolidates',
      'transform_run_id',
      'quality_run_id',
      sql<string>`strftime(created_at at time zone 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ')`.as('created_at'),
      'created_by',
    ])
    .where('version_id', '=', versionId)
    .executeTakeFirst();
}

export type VersionRecord = NonNullable<Awaited<ReturnType<typeof findVersion>>>;
