/**
 * Records what a run scores with in the quality history (meta.quality_*): the rule catalogue,
 * the weights of the record kinds and the score bands, from which the models publish
 * quality.dq_rule_catalog, quality.dq_record_kind_weights and quality.dq_score_bands: a score
 * can be explained from the warehouse alone, rule SQL included.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { QualityBand } from '../../lib/config.ts';
import { literal } from '../../lib/warehouse.ts';
import { RECORD_KIND_WEIGHTS, type Rule } from './rule.ts';
import { ruleSql } from './rule-sql.ts';

const sqlValue = (v: string | number | undefined): string => (v === undefined ? 'null' : typeof v === 'number' ? String(v) : literal(v));

/** Inserts the run's catalogue, record-kind weights and score bands into the quality history. */
export async function recordCatalog(conn: DuckDBConnection, runId: string, rules: readonly Rule[], bands: readonly QualityBand[]): Promise<void> {
  for (let i = 0; i < rules.length; i += 200) {
    const rows = rules.slice(i, i + 200).map((r) => {
      const t = Object.entries(r.thresholds ?? {});
      const thresholds = t.length ? `map {${t.map(([k, v]) => `${literal(k)}: ${v}`).join(', ')}}` : 'null';
      const values = [runId, r.id, r.dimension, r.family, r.level, r.table, r.field, r.vi, r.en].map(sqlValue);
      return `(${values.join(', ')}, ${thresholds}, ${literal(ruleSql(r))})`;
    });
    await conn.run(`insert into meta.quality_rule_catalog values ${rows.join(',\n')}`);
  }
  const kinds = [...new Set(rules.map((r) => r.table))];
  const unweighted = kinds.filter((k) => !(k in RECORD_KIND_WEIGHTS));
  if (unweighted.length) throw new Error(`record kinds without a weight in RECORD_KIND_WEIGHTS (pipelines/quality/rule.ts): ${unweighted.join(', ')}`);
  const weights = Object.entries(RECORD_KIND_WEIGHTS).map(([k, w]) => `(${literal(runId)}, ${literal(k)}, ${w})`);
  await conn.run(`insert into meta.quality_record_kind_weights values ${weights.join(', ')}`);
  const bandRows = bands.map((b) => `(${[runId, b.band, b.min, b.label, b.color].map(sqlValue).join(', ')})`);
  await conn.run(`insert into meta.quality_score_bands values ${bandRows.join(', ')}`);
}
