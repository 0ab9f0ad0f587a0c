/**
 * Which injected legacy-encoding defects the extraction can see: the ETL keeps only a
 * `<col>__legacy` flag, computed in the source with the pattern of pipelines/extract/flags.ts,
 * so a value typed in VNI that happens to read as valid Vietnamese ('Thò', 'Hoàng') cannot be
 * told from a correct one in the warehouse. The tests read the injected values from the source
 * and apply the same pattern, to separate a rule miss from an extraction limit.
 */
import { legacyPattern } from '../../../pipelines/extract/flags.ts';
import { SOURCE_TABLES } from '../../../pipelines/extract/tables.ts';
import type { Defect } from '../../../pipelines/quality/proof.ts';

type Query = (sql: string, params?: unknown[]) => Promise<{ rows: Array<Record<string, unknown>> }>;

/** Record keys ('<table>:<id>') of legacy_encoding defects whose value the ETL's pattern misses. */
export async function invisibleLegacyDefects(query: Query, defects: readonly Defect[]): Promise<Set<string>> {
  const invisible = new Set<string>();
  const legacy = defects.filter((d) => d.kind === 'legacy_encoding' && d.record_id !== null && d.field);
  const groups = new Map<string, Defect[]>();
  for (const d of legacy) groups.set(`${d.table_name}.${d.field}`, [...(groups.get(`${d.table_name}.${d.field}`) ?? []), d]);
  for (const [key, list] of groups) {
    const [table, field] = key.split('.');
    const kind = SOURCE_TABLES.find((t) => t.name === table)?.personal[field] ?? 'text';
    const pattern = new RegExp(legacyPattern(kind), 'u');
    const { rows } = await query(`select id, ${field} as value from csdl.${table} where id = any($1::bigint[])`, [list.map((d) => String(d.record_id))]);
    for (const r of rows) if (typeof r.value === 'string' && !pattern.test(r.value)) invisible.add(`${table}:${r.id}`);
  }
  return invisible;
}
