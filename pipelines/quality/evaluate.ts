/**
 * Evaluates rules in DuckDB, set-based, in two passes per population of records:
 *   1. count   one grouped scan for all the record rules sharing the population: per period
 *              and school, records checked and failed per rule, and the smallest failing source
 *              ids (`sampleSize` per rule) - only ids, so no text is built for passing records;
 *   2. detail  the keys, pseudonyms and details of the sampled records only, read back by id.
 * A query rule runs its own SELECT once into a narrow temp table, counted and sampled from there.
 * Results land in temp tables:
 *   dq_stage_results   (period, unit_code, rule_id, checked, failed)     per school, checked > 0
 *   dq_stage_failures  (period, unit_code, rule_id, record_key, record_id, pseudonym, detail)
 * The sample holds the failing records with the smallest source ids, so it is stable from one
 * run to the next.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { literal } from '../../lib/warehouse.ts';
import type { QueryRule, RecordRule, Rule } from './rule.ts';
import { appliesExpr, detailExpr, failsExpr, ruleSql } from './rule-sql.ts';
import { populationSql, sampledSql } from './populations.ts';

/** Time spent per population or query rule, for the benchmark and the logs. */
export type EvaluationStep = { name: string; rules: number; ms: number };

/** Creates (or empties) the temp tables the evaluation writes. */
async function createStage(conn: DuckDBConnection): Promise<void> {
  await conn.run(`
    create or replace temp table dq_stage_results (
      period varchar, unit_code varchar, rule_id varchar, checked bigint, failed bigint);
    create or replace temp table dq_stage_sample (period varchar, unit_code varchar, rule_id varchar, record_id bigint);
    create or replace temp table dq_stage_failures (
      period varchar, unit_code varchar, rule_id varchar, record_key varchar,
      record_id bigint, pseudonym varchar, detail varchar);`);
}

/** Pass 1 for one population: per period and school, checked, failed and sampled ids per rule. */
export function fusedSql(population: string, rules: readonly RecordRule[], sampleSize: number): string {
  const flags = rules.flatMap((r, i) => [`${appliesExpr(r)} as a_${i}`, `${appliesExpr(r)} and ${failsExpr(r)} as f_${i}`]);
  const aggregates = rules.flatMap((_, i) => [
    `count_if(a_${i}) as c_${i}`,
    `count_if(f_${i}) as n_${i}`,
    `min(record_id, ${sampleSize}) filter (where f_${i}) as s_${i}`,
  ]);
  return `
    with pop as (${populationSql(population)}),
    flagged as (select period, unit_code, record_id,
      ${flags.join(',\n      ')}
      from pop)
    select period, unit_code,
      ${aggregates.join(',\n      ')}
    from flagged
    group by period, unit_code`;
}

/** Copies one pass-1 table (columns c_i, n_i, s_i per rule) into the results and the sample. */
async function unpack(conn: DuckDBConnection, table: string, ruleIds: readonly string[]): Promise<void> {
  const structs = ruleIds.map((id, i) => `{'rule_id': ${literal(id)}, 'checked': c_${i}, 'failed': n_${i}, 'sample': s_${i}}`).join(', ');
  await conn.run(`
    create or replace temp table dq_unpacked as
    select period, unit_code, unnest([${structs}]) as r from ${table};
    insert into dq_stage_results
    select period, unit_code, r.rule_id, r.checked, r.failed from dq_unpacked where r.checked > 0;
    insert into dq_stage_sample
    select period, unit_code, rule_id, unnest(sample)
    from (select period, unit_code, r.rule_id as rule_id, r.sample as sample from dq_unpacked where r.failed > 0);
    drop table dq_unpacked;`);
}

/** Pass 2 for one population: keys, pseudonyms and details of the sampled records. */
function detailSql(population: string, rules: readonly RecordRule[]): string {
  const cases = rules.map((r) => `when ${literal(r.id)} then ${detailExpr(r)}`).join('\n        ');
  return `
    insert into dq_stage_failures
    select period, unit_code, rule_id, record_key, record_id, pseudonym,
      case rule_id
        ${cases}
      end
    from (${sampledSql(population)})
    where rule_id in (${rules.map((r) => literal(r.id)).join(', ')})`;
}

/**
 * A query rule: its SELECT once into a narrow temp table (rules build their text only for
 * failing records), then the counts and the sample from it.
 */
async function evaluateQueryRule(conn: DuckDBConnection, rule: QueryRule, sampleSize: number): Promise<void> {
  await conn.run(`
    create or replace temp table dq_rule_rows as
    select period, unit_code, record_id, failed,
      case when failed then record_key end as record_key,
      case when failed then pseudonym end as pseudonym,
      case when failed then detail end as detail
    from (${ruleSql(rule)});
    insert into dq_stage_results
    select period, unit_code, ${literal(rule.id)}, count(*), count_if(failed) from dq_rule_rows group by all;
    insert into dq_stage_failures
    select period, unit_code, ${literal(rule.id)}, record_key, record_id, pseudonym, detail from dq_rule_rows
    where failed qualify row_number() over (partition by period, unit_code order by record_id) <= ${sampleSize};
    drop table dq_rule_rows;`);
}

/**
 * Evaluates `rules` over the periods in temp table `dq_eval_periods`; returns the time per step.
 *
 * @example
 *   await evaluateRules(conn, catalog, { sampleSize: 20 });
 *   // then: select * from dq_stage_results
 */
export async function evaluateRules(conn: DuckDBConnection, rules: readonly Rule[], opts: { sampleSize: number }): Promise<EvaluationStep[]> {
  await createStage(conn);
  const steps: EvaluationStep[] = [];
  const byPopulation = new Map<string, RecordRule[]>();
  for (const rule of rules) {
    if (rule.kind === 'population') byPopulation.set(rule.population, [...(byPopulation.get(rule.population) ?? []), rule]);
  }
  for (const [population, group] of byPopulation) {
    const started = performance.now();
    await conn.run(`create or replace temp table dq_agg as ${fusedSql(population, group, opts.sampleSize)}`);
    await unpack(conn, 'dq_agg', group.map((r) => r.id));
    await conn.run(detailSql(population, group));
    steps.push({ name: population, rules: group.length, ms: performance.now() - started });
  }
  for (const rule of rules) {
    if (rule.kind !== 'query') continue;
    const started = performance.now();
    await evaluateQueryRule(conn, rule, opts.sampleSize);
    steps.push({ name: rule.id, rules: 1, ms: performance.now() - started });
  }
  await conn.run('drop table if exists dq_agg; drop table if exists dq_stage_sample');
  return steps;
}
