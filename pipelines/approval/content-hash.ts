/**
 * The content hash of a version: SHA-256 over the per-unit digests of its three parts in a fixed
 * order. The same figures give the same hash whether read from the published tables or from the
 * frozen ones, which is how "changed since approval" is told and a stored version is verified.
 */
import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../../lib/warehouse.ts';
import { PART_NAMES, partDigestSql, type PartName } from './version-content.ts';

export type ContentDigest = { hash: string; rows: Record<PartName, number> };

/** Hashes the rows `sqlOf(part)` selects for each part. */
export async function contentHash(conn: DuckDBConnection, sqlOf: (part: PartName) => string): Promise<ContentDigest> {
  const hash = createHash('sha256');
  const rows = {} as Record<PartName, number>;
  for (const part of PART_NAMES) {
    const digests = await queryRows<{ unit: string; digest: string; rows: number | string }>(conn, `${partDigestSql(part, sqlOf(part))} order by unit`);
    hash.update(`${part}\n`);
    for (const d of digests) hash.update(`${d.unit}\t${d.digest}\t${d.rows}\n`);
    rows[part] = digests.reduce((n, d) => n + Number(d.rows), 0);
  }
  return { hash: hash.digest('hex'), rows };
}
