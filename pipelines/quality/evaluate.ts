/**
 * Evaluates rules in DuckDB, set-based. Record rules sharing a population are fused into one
 * grouped scan (one count, one failure count and one bounded sample per rule); query rules run
 * one grouped query each. Results land in temp tables:
 *   dq_stage_results   (period, unit_code, rule_id, checked, failed)     per school, checked > 0
 *   dq_stage_failures  (period, unit_code, rule_id, record_key, record_id, pseudonym, detail)
 * The sample holds the failing records with the smallest source ids, `sampleSize` per rule and
 * school, so it is stable from one run to the next.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { literal } from '../../lib/warehouse.ts';
import type { RecordRule, Rule } from './rule.ts';
import { appliesExpr, detailExpr, failsExpr, ruleSql } from './rule-sql.ts';
import { populationSql } from './populations.ts';

/** Time spent per population or query rule, for the benchmark and the logs. */
export type EvaluationStep = { name: string; rules: number; ms: number };

const sampleStruct = (key: string, id: string, pseudonym: string, detail: string) =>
  `{'id': ${id}, 'k': ${key}, 'p': ${pseudonym}, 'd': ${detail}}`;

/** Creates (or empties) the temp tables the evaluation writes. */
async function createStage(conn: DuckDBConnection): Promise<void> {
  await conn.run(`
    create or replace temp table dq_stage_results (
      period varchar, unit_code varchar, rule_id varchar, checked bigint, failed bigint);
    create or replace temp table dq_stage_failures (
      period varchar, unit_code varchar, rule_id varchar, record_key varchar,
      record_id bigint, pseudonym varchar, detail varchar);`);
}

/** The fused scan of one population: per school and period, three aggregates per rule. */
export function fusedSql(population: string, rules: RecordRule[], sampleSize: number): string {
  const flags = rules.flatMap((r, i) => [
    `${appliesExpr(r)} as a_${i}`,
    `${appliesExpr(r)} and ${failsExpr(r)} as f_${i}`,
  ]);
  const details = rules.map((r, i) => `case when f_${i} then ${detailExpr(r)} end as d_${i}`);
  const aggregates = rules.flatMap((_, i) => [
    `count_if(a_${i}) as c_${i}`,
    `count_if(f_${i}) as n_${i}`,
    `min(${sampleStruct('record_key', 'record_id', 'pseudonym', `d_${i}`)}, ${sampleSize}) filter (where f_${i}) as s_${i}`,
  ]);
  return `
    with pop as (${populationSql(population)}),
    flagged as (select *, ${flags.join(',\n      ')} from pop),
    detailed as (select period, unit_code, record_key, record_id, pseudonym, ${rules.map((_, i) => `a_${i}, f_${i}`).join(', ')},
      ${details.join(',\n      ')} from flagged)
    select period, unit_code,
      ${aggregates.join(',\n      ')}
    from detailed
    group by period, unit_code`;
}

/** Copies one aggregate temp table (columns c_i, n_i, s_i per rule) into the stage tables. */
async function unpack(conn: DuckDBConnection, table: string, ruleIds: string[]): Promise<void> {
  const structs = ruleIds
    .map((id, i) => `{'rule_id': ${literal(id)}, 'checked': c_${i}, 'failed': n_${i}, 'sample': s_${i}}`)
    .join(', ');
  await conn.run(`
    create or replace temp table dq_unpacked as
    select period, unit_code, unnest([${structs}], recursive := false) as r from ${table};
    insert into dq_stage_results
    select period, unit_code, r.rule_id, r.checked, r.failed from dq_unpacked where r.checked > 0;
    insert into dq_stage_failures
    select period, unit_code, rule_id, s.k, s.id, s.p, s.d
    from (select period, unit_code, r.rule_id as rule_id, unnest(r.sample) as s from dq_unpacked where r.failed > 0);
    drop table dq_unpacked;`);
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
    steps.push({ name: population, rules: group.length, ms: performance.now() - started });
  }
  for (const rule of rules) {
    if (rule.kind !== 'query') continue;
    const started = performance.now();
    await conn.run(`
      create or replace temp table dq_agg as
      select period, unit_code, count(*) as c_0, count_if(failed) as n_0,
        min(${sampleStruct('record_key', 'record_id', 'pseudonym', 'detail')}, ${opts.sampleSize}) filter (where failed) as s_0
      from (${ruleSql(rule)}) as checked_records
      group by period, unit_code`);
    await unpack(conn, 'dq_agg', [rule.id]);
    steps.push({ name: rule.id, rules: 1, ms: performance.now() - started });
  }
  await conn.run('drop table if exists dq_agg');
  return steps;
}
