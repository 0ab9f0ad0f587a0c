/**
 * The rule catalogue: the checks the provinces ask of their data ("đúng, đủ, sạch, sống";
 * "thống nhất, đầy đủ, chính xác, kịp thời") by DAMA dimension, built for the columns the
 * warehouse holds. Spec-derived families (required, conditionally required, code lists) come
 * from data/reference/field-spec.json; the others are declared in the rules-*.ts files. Every
 * family's SQL is models/quality/rules/<family>.sql.
 *
 * @example
 *   const rules = buildCatalog(await readWarehouseColumns(conn));
 *   rules.filter((r) => r.dimension === 'uniqueness').map((r) => r.id); // ['HS-DUP-ACTIVE', ...]
 */
import type { Rule } from './rule.ts';
import { requiredRules } from './rules-required.ts';
import { conditionalRules } from './rules-conditional.ts';
import { codeListRules } from './rules-code-list.ts';
import { dateRules } from './rules-dates.ts';
import { uniformityRules } from './rules-uniformity.ts';
import { uniquenessRules } from './rules-uniqueness.ts';
import { consistencyRules } from './rules-consistency.ts';
import { statisticsRules } from './rules-statistics.ts';
import { timelinessRules } from './rules-timeliness.ts';
import { has, type WarehouseColumns } from './warehouse-columns.ts';

/** All rules whose table (and fixed field) exist in the warehouse, ids unique, in a stable order. */
export function buildCatalog(columns: WarehouseColumns): Rule[] {
  const rules: Rule[] = [
    ...requiredRules(columns),
    ...conditionalRules(columns),
    ...codeListRules(columns),
    // fixed columns: kept only where the warehouse has them
    ...dateRules().filter((r) => !r.field || has(columns, r.table, r.field)),
    ...uniformityRules(columns),
    ...uniquenessRules(),
    ...consistencyRules(),
    ...statisticsRules(),
    ...timelinessRules(),
  ].filter((r) => columns.has(r.table));
  const seen = new Set<string>();
  for (const r of rules) {
    if (seen.has(r.id)) throw new Error(`rule id ${r.id} is defined twice in the quality catalogue`);
    seen.add(r.id);
  }
  return rules;
}

/** Rules per dimension, for reports. */
export function countByDimension(rules: readonly Rule[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rules) out[r.dimension] = (out[r.dimension] ?? 0) + 1;
  return out;
}
