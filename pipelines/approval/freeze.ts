/**
 * Freezing a version: the current figures of a unit's subtree are read once into temporary
 * tables, hashed and, unless a version with the same content exists already (a re-approval of
 * unchanged figures), copied into the frozen tables with the version's record. Called inside the
 * approval's transaction, so everything reads one snapshot of the published tables.
 */
import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sql } from 'kysely';
import { metaDb } from '../../lib/meta-store/index.ts';
import { literal, queryRows } from '../../lib/warehouse.ts';
import type { Actor, ApprovalUnit } from './approval-target.ts';
import { contentHash, type ContentDigest } from './content-hash.ts';
import { findVersion, type VersionRecord } from './approval-log.ts';
import { currentPartSql, frozenPartSql, PART_NAMES, PARTS, type PartName } from './version-content.ts';

/** The id of the version of `unit` in `period` whose content hashes to `hash`. */
export function versionId(period: string, unit: Pick<ApprovalUnit, 'unit_code'>, hash: string): string {
  return `v-${period}-${unit.unit_code}-${hash.slice(0, 12)}`;
}

/** The content hash of the current figures (and, for the nation, the versions it consolidates). */
export async function currentHash(conn: DuckDBConnection, period: string, unit: ApprovalUnit, consolidates: string[] = []) {
  const digest = await contentHash(conn, (part) => currentPartSql(part, period, unit));
  return { ...digest, hash: withConsolidated(digest.hash, consolidates) };
}

/**
 * The content hash of a stored version, recomputed from its frozen rows, or from a copy of them
 * (`rowsOf(part)`, in the part's columns) that a caller has already read.
 */
export async function storedHash(conn: DuckDBConnection, version: Pick<VersionRecord, 'version_id' | 'consolidates'>, rowsOf?: (part: PartName) => string) {
  const digest = await contentHash(conn, rowsOf ?? ((part) => frozenPartSql(part, version.version_id)));
  return { ...digest, hash: withConsolidated(digest.hash, version.consolidates ?? []) };
}

/** A consolidation's identity includes the versions it sums: the same totals from other province versions are another version. */
function withConsolidated(hash: string, consolidates: string[]): string {
  if (consolidates.length === 0) return hash;
  return createHash('sha256')
    .update(`${hash}\n${consolidates.join('\n')}`)
    .digest('hex');
}

/** Freezes the current figures of `unit` in `period` (or finds the identical version); returns the version. */
export async function freezeVersion(
  conn: DuckDBConnection,
  opts: { period: string; unit: ApprovalUnit; actor: Actor; consolidates: string[]; transformRunId: string | null; qualityRunId: string | null },
): Promise<{ version: VersionRecord; created: boolean }> {
  // the published views (form_values unions the sheet models) are read once per part
  const staged = (part: PartName) => `freeze_${part}`;
  for (const part of PART_NAMES) await conn.run(`create or replace temp table ${staged(part)} as ${currentPartSql(part, opts.period, opts.unit)}`);
  try {
    const digest = await contentHash(conn, (part) => `select * from ${staged(part)}`);
    digest.hash = withConsolidated(digest.hash, opts.consolidates);
    const id = versionId(opts.period, opts.unit, digest.hash);
    const existing = await findVersion(conn, id);
    if (existing) return { version: existing, created: false };
    for (const part of PART_NAMES) {
      const spec = PARTS[part];
      await conn.run(
        `insert into ${spec.table} (version_id, ${spec.columns.join(', ')}) select ${literal(id)}, ${spec.columns.join(', ')} from ${staged(part)}`,
      );
    }
    return { version: await recordVersion(conn, id, digest, opts), created: true };
  } finally {
    // after a failed statement the transaction is aborted and the rollback drops them anyway
    for (const part of PART_NAMES) await conn.run(`drop table if exists ${staged(part)}`).catch(() => {});
  }
}

async function recordVersion(
  conn: DuckDBConnection,
  id: string,
  digest: ContentDigest,
  opts: { period: string; unit: ApprovalUnit; actor: Actor; consolidates: string[]; transformRunId: string | null; qualityRunId: string | null },
): Promise<VersionRecord> {
  await metaDb(conn)
    .insertInto('meta.approved_versions')
    .values({
      version_id: id,
      period: opts.period,
      unit_key: opts.unit.unit_key,
      unit_code: opts.unit.unit_code,
      unit_level: opts.unit.unit_level,
      unit_name: opts.unit.unit_name,
      content_hash: digest.hash,
      indicator_rows: digest.rows.indicators,
      form_rows: digest.rows.forms,
      quality_rows: digest.rows.quality,
      consolidates: sql<string[]>`cast(${JSON.stringify(opts.consolidates)} as json)::varchar[]`,
      transform_run_id: opts.transformRunId,
      quality_run_id: opts.qualityRunId,
      created_at: new Date(),
      created_by: opts.actor.account_id,
    })
    .execute();
  const [check] = await queryRows<{ n: number | string }>(conn, `select count(*) as n from meta.frozen_form_cells where version_id = ?`, [id]);
  if (Number(check.n) !== digest.rows.forms) throw new Error(`version ${id}: ${check.n} form cells frozen, ${digest.rows.forms} expected`);
  return (await findVersion(conn, id))!;
}
