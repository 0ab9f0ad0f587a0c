/**
 * The quality history keeps every failing record, not a sample, and what the record-based scores
 * need (pipelines/quality, models/README.md):
 *   - meta.quality_failures: one row per failing record and rule, by record kind (the table) and
 *     source id, with the fields at fault, the explanation in Vietnamese and, for a record that
 *     repeats another (duplicates), that other record and its school. Rows of earlier runs are
 *     kept: their kind and id come from the record key, their field from the run's catalogue;
 *     their pseudonym is not kept (the published table reads it from the warehouse);
 *   - meta.quality_record_counts: the records of each kind each school holds in a period;
 *   - meta.quality_record_kind_weights: the weight of each record kind in a score, per run;
 *   - meta.quality_score_bands: the score bands (thresholds, labels, colours) a run published;
 *   - meta.quality_completions: the first time a run saw a school's data for a period complete
 *     by its deadline, which later corrections do not move;
 *   - the rules lose their weight inside a dimension (a score counts records, not rule checks),
 *     and a run no longer has a sample size.
 * meta.quality_dimension_weights stays as the earlier runs left it; no run writes it any more.
 */
import type { Migration } from '../migration.ts';

export const migration: Migration = {
  version: 4,
  name: 'quality-full-failures',
  async up(conn) {
    await conn.run(`
      create table meta.quality_failures_full (
          period varchar not null,
          unit_code varchar not null,
          rule_id varchar not null,
          record_kind varchar not null,
          record_id bigint,
          fields varchar,
          detail varchar,
          related_record_id bigint,
          related_unit varchar,
          run_id varchar not null
      );
      insert into meta.quality_failures_full
      select f.period, f.unit_code, f.rule_id, split_part(f.record_key, ':', 1),
          coalesce(f.record_id, try_cast(split_part(f.record_key, ':', 2) as bigint)),
          c.field, f.detail, null, null, f.run_id
      from meta.quality_failures as f
      left join meta.quality_rule_catalog as c
          on c.run_id = f.run_id and c.rule_id = f.rule_id;
      drop table meta.quality_failures;
      alter table meta.quality_failures_full rename to quality_failures;

      create table meta.quality_record_counts (
          period varchar not null,
          unit_code varchar not null,
          record_kind varchar not null,
          records bigint not null,
          run_id varchar not null
      );
      create table meta.quality_record_kind_weights (
          run_id varchar not null,
          record_kind varchar not null,
          weight double not null
      );
      create table meta.quality_score_bands (
          run_id varchar not null,
          band varchar not null,
          min_score double not null,
          label_vi varchar not null,
          color varchar not null
      );
      create table meta.quality_completions (
          period varchar not null,
          unit_code varchar not null,
          completed_on date not null,
          deadline date not null,
          observed_at timestamp not null,
          run_id varchar not null
      );

      alter table meta.quality_rule_catalog drop column weight;
      alter table meta.quality_runs alter column sample_size drop not null;`);
  },
};
