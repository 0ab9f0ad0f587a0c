/**
 * Records the rule catalogue and the dimension weights a run uses in the quality history (meta.quality_*), from
 * which the models publish quality.dq_rule_catalog and quality.dq_dimension_weights: a score
 * can be explained from the warehouse alone, rule SQL included.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { literal } from '../../lib/warehouse.ts';
import { DIMENSION_WEIGHTS, type Rule } from './rule.ts';
import { ruleSql } from './rule-sql.ts';

const sqlValue = (v: string | number | undefined): string => (v === undefined ? 'null' : typeof v === 'number' ? String(v) : literal(v));

/** Inserts the run's catalogue and weights into the quality history (meta.quality_*) . */
export async function recordCatalog(conn: DuckDBConnection, runId: string, rules: readonly Rule[]): Promise<void> {
  for (let i = 0; i < rules.length; i += 200) {
    const rows = rules.slice(i, i + 200).map((r) => {
      const t = Object.entries(r.thresholds ?? {});
      const thresholds = t.length ? `map {${t.map(([k, v]) => `${literal(k)}: ${v}`).join(', ')}}` : 'null';
      const values = [runId, r.id, r.dimension, r.family, r.level, r.table, r.field, r.vi, r.en, r.weight].map(sqlValue);
      return `(${values.join(', ')}, ${thresholds}, ${literal(ruleSql(r))})`;
    });
    await conn.run(`insert into meta.quality_rule_catalog values ${rows.join(',\n')}`);
  }
  const weights = Object.entries(DIMENSION_WEIGHTS).map(([d, w]) => `(${literal(runId)}, ${literal(d)}, ${w})`);
  await conn.run(`insert into meta.quality_dimension_weights values ${weights.join(', ')}`);
}
