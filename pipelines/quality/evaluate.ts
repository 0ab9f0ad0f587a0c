/**
 * Evaluates rules in DuckDB, set-based, in two passes per population of records:
 *   1. flags   one scan for all the record rules sharing the population, keeping per record two
 *              bit masks (rules that check it, rules it fails) in a narrow temp table; counts
 *              per period, school and rule, the records of each school, and every failing
 *              (record, rule) pair come from it - no text is built for passing records;
 *   2. detail  the fields at fault and the explanation of each failing pair, the failing
 *              records read back by id.
 * A query rule runs its own SELECT once into a narrow temp table (it builds its text for failing
 * records only), counted from there. Results land in temp tables:
 *   dq_stage_results   (period, unit_code, rule_id, checked, failed)          per school, checked > 0
 *   dq_stage_records   (period, unit_code, record_kind, records)              per school and record kind
 *   dq_stage_failures  (period, unit_code, rule_id, record_kind, record_id, fields, detail,
 *                       related_record_id, related_unit)                      every failing record
 * A record kind is the table whose records a rule checks; its records at a school are its
 * population there, whatever the rules check of them.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { literal } from '../../lib/warehouse.ts';
import type { QueryRule, RecordRule, Rule } from './rule.ts';
import { appliesExpr, detailExpr, failsExpr, fieldsExpr, ruleSql } from './rule-sql.ts';
import { failingSql, populationSql } from './populations.ts';

/** Time spent per population or query rule, for the benchmark and the logs. */
export type EvaluationStep = { name: string; rules: number; ms: number };

/** Creates (or empties) the temp tables the evaluation writes. */
async function createStage(conn: DuckDBConnection): Promise<void> {
  await conn.run(`
    create or replace temp table dq_stage_results (
      period varchar, unit_code varchar, rule_id varchar, checked bigint, failed bigint);
    create or replace temp table dq_stage_records (period varchar, unit_code varchar, record_kind varchar, records bigint);
    create or replace temp table dq_stage_failures (
      period varchar, unit_code varchar, rule_id varchar, record_kind varchar, record_id bigint,
      fields varchar, detail varchar, related_record_id bigint, related_unit varchar);`);
}

/** Rules per 64-bit mask (one bit each for "checked" and "failed"). */
const BITS = 62;

/**
 * Pass 1 for one population, the rows of temp table `dq_flags`: per record, which rules check
 * it and which it fails, as bit masks (a_k, f_k for the rules 62k .. 62k + 61).
 */
export function flagsSql(population: string, rules: readonly RecordRule[]): string {
  const bit = (expr: string, i: number) => `(case when ${expr} then ${2n ** BigInt(i)}::bigint else 0 end)`;
  const masks: string[] = [];
  for (let k = 0; k * BITS < rules.length; k++) {
    const chunk = rules.slice(k * BITS, (k + 1) * BITS);
    masks.push(`${chunk.map((r, i) => bit(appliesExpr(r), i)).join('\n        | ')} as a_${k}`);
    masks.push(`${chunk.map((r, i) => bit(`${appliesExpr(r)} and ${failsExpr(r)}`, i)).join('\n        | ')} as f_${k}`);
  }
  return `
    select period, unit_code, record_id,
      ${masks.join(',\n      ')}
    from (${populationSql(population)}) as pop`;
}

/**
 * From `dq_flags`: counts per rule into the results, the records per school into the record
 * counts, and every failing (record, rule) pair into temp table `dq_stage_failing`.
 */
async function unpackFlags(conn: DuckDBConnection, kind: string, ruleIds: readonly string[]): Promise<void> {
  const bits = ruleIds.map((id, n) => ({ id, k: Math.floor(n / BITS), mask: `${2n ** BigInt(n % BITS)}::bigint` }));
  const counts = bits.map(
    (b) => `{'rule_id': ${literal(b.id)}, 'checked': count_if(a_${b.k} & ${b.mask} <> 0), 'failed': count_if(f_${b.k} & ${b.mask} <> 0)}`,
  );
  const failing = [...new Set(bits.map((b) => `f_${b.k} <> 0`))].join(' or ');
  const hits = bits.map((b) => `case when f_${b.k} & ${b.mask} <> 0 then ${literal(b.id)} end`);
  await conn.run(`
    create or replace temp table dq_flag_counts as
    select period, unit_code, count(*) as records, [${counts.join(', ')}] as rules from dq_flags group by period, unit_code;
    insert into dq_stage_records select period, unit_code, ${literal(kind)}, records from dq_flag_counts;
    insert into dq_stage_results
    select period, unit_code, r.rule_id, r.checked, r.failed
    from (select period, unit_code, unnest(rules) as r from dq_flag_counts)
    where r.checked > 0;
    create or replace temp table dq_stage_failing as
    select period, unit_code, record_id, unnest(list_filter([${hits.join(', ')}], x -> x is not null)) as rule_id
    from dq_flags where ${failing};`);
}

/** Pass 2 for one population: the fields at fault and the explanation of every failing pair. */
function detailSql(population: string, rules: readonly RecordRule[]): string {
  const byRule = (expr: (r: RecordRule) => string) => rules.map((r) => `when ${literal(r.id)} then ${expr(r)}`).join('\n        ');
  return `
    insert into dq_stage_failures
    select period, unit_code, rule_id, ${literal(rules[0].table)}, record_id,
      case rule_id
        ${byRule(fieldsExpr)}
      end,
      case rule_id
        ${byRule(detailExpr)}
      end,
      null, null
    from (${failingSql(population)})`;
}

/** A query rule: its SELECT once into a narrow temp table, then the counts and failures from it. */
async function evaluateQueryRule(conn: DuckDBConnection, rule: QueryRule): Promise<void> {
  await conn.run(`
    create or replace temp table dq_rule_rows as
    select period, unit_code, record_id, failed,
      case when failed then fields end as fields,
      case when failed then detail end as detail,
      case when failed then related_record_id end as related_record_id,
      case when failed then related_unit end as related_unit
    from (${ruleSql(rule)});
    insert into dq_stage_results
    select period, unit_code, ${literal(rule.id)}, count(*), count_if(failed) from dq_rule_rows group by all;
    insert into dq_stage_failures
    select period, unit_code, ${literal(rule.id)}, ${literal(rule.table)}, record_id, fields, detail, related_record_id, related_unit
    from dq_rule_rows where failed;
    drop table dq_rule_rows;`);
}

/**
 * Evaluates `rules` over the periods in temp table `dq_eval_periods`; returns the time per step.
 *
 * @example
 *   await evaluateRules(conn, catalog);
 *   // then: select * from dq_stage_results
 */
export async function evaluateRules(conn: DuckDBConnection, rules: readonly Rule[]): Promise<EvaluationStep[]> {
  await createStage(conn);
  const steps: EvaluationStep[] = [];
  const byPopulation = new Map<string, RecordRule[]>();
  for (const rule of rules) {
    if (rule.kind === 'population') byPopulation.set(rule.population, [...(byPopulation.get(rule.population) ?? []), rule]);
  }
  for (const [population, group] of byPopulation) {
    const started = performance.now();
    await conn.run(`create or replace temp table dq_flags as ${flagsSql(population, group)}`);
    await unpackFlags(
      conn,
      group[0].table,
      group.map((r) => r.id),
    );
    await conn.run(detailSql(population, group));
    steps.push({ name: population, rules: group.length, ms: performance.now() - started });
  }
  for (const rule of rules) {
    if (rule.kind !== 'query') continue;
    const started = performance.now();
    await evaluateQueryRule(conn, rule);
    steps.push({ name: rule.id, rules: 1, ms: performance.now() - started });
  }
  // the records of kinds that only query rules check
  for (const kind of new Set(rules.map((r) => r.table))) {
    if (byPopulation.has(kind)) continue;
    await conn.run(`insert into dq_stage_records
      select period, unit_code, ${literal(kind)}, count(*) from (${populationSql(kind)}) group by period, unit_code`);
  }
  await conn.run('drop table if exists dq_flags; drop table if exists dq_flag_counts; drop table if exists dq_stage_failing');
  return steps;
}
