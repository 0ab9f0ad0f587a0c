/**
 * Evaluates rules in DuckDB, set-based, in two passes per population of records:
 *   1. flags   one scan for all the record rules sharing the population, keeping per record two
 *              bit masks (rules that check it, rules it fails) in a narrow temp table; counts
 *              per period, school and rule, and the smallest failing source ids (`sampleSize`
 *              per rule and school) come from it - no text is built for passing records;
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

/** From `dq_flags`: counts per rule into the results, the smallest failing ids into the sample. */
async function unpackFlags(conn: DuckDBConnection, ruleIds: readonly string[], sampleSize: number): Promise<void> {
  const bits = ruleIds.map((id, n) => ({ id, k: Math.floor(n / BITS), mask: `${2n ** BigInt(n % BITS)}::bigint` }));
  const counts = bits.map(
    (b) => `{'rule_id': ${literal(b.id)}, 'checked': count_if(a_${b.k} & ${b.mask} <> 0), 'failed': count_if(f_${b.k} & ${b.mask} <> 0)}`,
  );
  const failing = [...new Set(bits.map((b) => `f_${b.k} <> 0`))].join(' or ');
  const hits = bits.map((b) => `case when f_${b.k} & ${b.mask} <> 0 then ${literal(b.id)} end`);
  await conn.run(`
    insert into dq_stage_results
    select period, unit_code, r.rule_id, r.checked, r.failed
    from (select period, unit_code, unnest([${counts.join(', ')}]) as r from dq_flags group by period, unit_code)
    where r.checked > 0;
    insert into dq_stage_sample
    select period, unit_code, rule_id, record_id
    from (
      select period, unit_code, record_id, unnest(list_filter([${hits.join(', ')}], x -> x is not null)) as rule_id
      from dq_flags where ${failing}
    )
    qualify row_number() over (partition by period, unit_code, rule_id order by record_id) <= ${sampleSize};`);
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
    await conn.run(`create or replace temp table dq_flags as ${flagsSql(population, group)}`);
    await unpackFlags(
      conn,
      group.map((r) => r.id),
      opts.sampleSize,
    );
    await conn.run(detailSql(population, group));
    steps.push({ name: population, rules: group.length, ms: performance.now() - started });
  }
  for (const rule of rules) {
    if (rule.kind !== 'query') continue;
    const started = performance.now();
    await evaluateQueryRule(conn, rule, opts.sampleSize);
    steps.push({ name: rule.id, rules: 1, ms: performance.now() - started });
  }
  await conn.run('drop table if exists dq_flags; drop table if exists dq_stage_sample');
  return steps;
}
