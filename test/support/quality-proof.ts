/**
 * Measures the rules against a ground-truth manifest of injected defects (the generator's
 * synthetic.defects): recall per defect kind (every defect found by a rule meant for it) and
 * precision per rule (flagged records that carry an injected defect). Each rule runs on its own
 * (its standalone SQL), over every record, not only the sample; the matching is set-based SQL.
 *
 * A record-level defect is found when a rule of its kind flags its record ('<table>:<id>'); a
 * unit-level defect (late, missing, jump, outlier) when a rule of its kind flags a record of its
 * school in its period. A flagged record is explained by any defect on that record, or by a
 * unit-level defect of its school-year whose kind the rule finds or knowingly follows from; a
 * duplicate, which names the other record of its group, also by a defect on that record or by
 * such a unit-level defect of that record's school.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { literal, queryRows } from '../../lib/warehouse.ts';
import type { Rule } from '../../pipelines/quality/rule.ts';
import { ruleSql } from '../../pipelines/quality/rule-sql.ts';

/** One row of the manifest. */
export type Defect = {
  kind: string;
  table_name: string;
  record_id: number | string | null;
  ma_truong_hoc: string;
  nam_hoc: number;
  ky: string | null;
  field: string | null;
};

/** Defect kinds decided per school-year rather than per record. */
export const UNIT_KINDS = ['late_unit', 'missing_unit', 'period_jump', 'outlier_value'];

/** The rules meant to find each kind (a defect counts as found if one of them flags it). */
export const KIND_RULES: Readonly<Record<string, string[]>> = {
  missing_required: [
    'HS-REQ-ma_dan_toc',
    'HS-REQ-gioi_tinh',
    'HS-REQ-ngay_sinh',
    'HS-REQ-ma_lop_hoc_cn',
    'CB-REQ-trinh_do_chuyen_mon_nv_cao_nhat',
    'CB-REQ-loai_hop_dong',
    'CB-REQ-ngay_sinh',
    'LH-REQ-khoi_hoc',
  ],
  missing_conditional: [
    'HS-CREQ-ma_ly_do_thoi_hoc',
    'HS-CREQ-ma_loai_khuyet_tat',
    'HS-CREQ-noi_chuyen_di',
    'LH-CREQ-ma_lop_ghep',
    'LH-CREQ-ma_he_chuyen',
    'LH-CREQ-ma_hoc_ban_tru',
  ],
  invalid_code: ['HS-CODE-ma_dan_toc', 'HS-CODE-gioi_tinh', 'HS-CODE-trang_thai', 'CB-CODE-loai_hop_dong', 'CB-CODE-trinh_do_chuyen_mon_nv_cao_nhat'],
  impossible_date: ['HS-DATE-ngay_sinh', 'CB-DATE-ngay_sinh', 'HS-DATE-ngay_trang_thai'],
  implausible_age: ['HS-AGE-khoi_hoc'],
  malformed_value: ['HS-FMT-ngay_sinh', 'CB-FMT-ngay_sinh', 'PH-FMT-dien_tich'],
  duplicate_active_learner: ['HS-DUP-ACTIVE'],
  duplicate_staff: ['CB-DUP'],
  declared_total_mismatch: ['TH-TOTAL-hoc_sinh', 'TH-TOTAL-lop_hoc', 'TH-TOTAL-can_bo'],
  class_size_mismatch: ['LH-SISO'],
  grade_outside_level: ['HS-GRADE-LEVEL', 'LH-GRADE-LEVEL'],
  status_date_conflict: ['HS-STATUS-HIST'],
  late_unit: ['TH-LATE'],
  missing_unit: ['TH-MISSING'],
  period_jump: ['TH-JUMP'],
  outlier_value: ['LH-OUTLIER-SIZE'],
  legacy_encoding: ['HS-LEGACY', 'CB-LEGACY', 'TH-LEGACY'],
  unicode_nfd: ['HS-NFC', 'CB-NFC', 'TH-NFC'],
  malformed_contact: ['HS-WELLFORMED', 'CB-WELLFORMED'],
};

/**
 * Rules that rightly fire on the records of a unit-level defect without being meant for it:
 * a jump inflated with fake learners under new codes shows as duplicate citizen IDs.
 */
export const SIDE_EFFECTS: Readonly<Record<string, string[]>> = {
  period_jump: ['HS-DUP-CCCD'],
};

export type KindRecall = { kind: string; defects: number; found: number; recall: number; missed: string[] };
export type RulePrecision = { rule_id: string; flagged: number; explained: number; precision: number | null; unexplained: string[] };
export type ProofReport = { recall: KindRecall[]; precision: RulePrecision[] };

/**
 * Flags every record each rule fails, over the periods in temp table dq_eval_periods, one period
 * at a time: a rule's working set is then one period's (all periods at once spill more to disk
 * than a national proof can hold). Every rule sees the same history it sees in a quality run of that period.
 */
async function flagAll(conn: DuckDBConnection, rules: readonly Rule[], onProgress?: (message: string) => void): Promise<void> {
  await conn.run(
    'create or replace temp table dq_flagged (rule_id varchar, period varchar, unit_code varchar, record_key varchar, other_school varchar, other_key varchar)',
  );
  await conn.run('create or replace temp table dq_proof_periods as select * from dq_eval_periods');
  const periods = await queryRows<{ period: string }>(conn, 'select period from dq_proof_periods order by period');
  try {
    for (const { period } of periods) {
      await conn.run(`create or replace temp table dq_eval_periods as select * from dq_proof_periods where period = ${literal(period)}`);
      const t0 = performance.now();
      for (const r of rules) {
        // a duplicate names the other record of its group and its school: either may explain it
        await conn.run(`insert into dq_flagged select distinct ${literal(r.id)}, period, unit_code, record_key,
          related_unit, ${literal(`${r.table}:`)} || related_record_id from (${ruleSql(r)}) where failed`);
      }
      onProgress?.(`proof: ${rules.length} rules over ${period} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
  } finally {
    await conn.run('create or replace temp table dq_eval_periods as select * from dq_proof_periods');
  }
}

async function loadTruth(conn: DuckDBConnection, defects: readonly Defect[]): Promise<void> {
  await conn.run(
    `create or replace temp table dq_truth (kind varchar, table_name varchar, record_id bigint, ma_truong_hoc varchar, nam_hoc integer, ky varchar, field varchar, record_key varchar, unit_level boolean)`,
  );
  for (let i = 0; i < defects.length; i += 1000) {
    const rows = defects.slice(i, i + 1000).map((d) => {
      const unit = UNIT_KINDS.includes(d.kind);
      const key = d.record_id === null || unit ? 'null' : literal(`${d.table_name}:${d.record_id}`);
      const v = (x: string | null) => (x === null ? 'null' : literal(x));
      return `(${[v(d.kind), v(d.table_name), d.record_id === null ? 'null' : String(Number(d.record_id)), v(d.ma_truong_hoc), String(d.nam_hoc), v(d.ky), v(d.field), key, String(unit)].join(', ')})`;
    });
    if (rows.length) await conn.run(`insert into dq_truth values ${rows.join(',\n')}`);
  }
  const kindRules = Object.entries(KIND_RULES).flatMap(([k, ids]) => ids.map((id) => `(${literal(k)}, ${literal(id)}, 'finds')`));
  const side = Object.entries(SIDE_EFFECTS).flatMap(([k, ids]) => ids.map((id) => `(${literal(k)}, ${literal(id)}, 'follows')`));
  await conn.run(`create or replace temp table dq_kind_rules as select * from (values ${[...kindRules, ...side].join(', ')}) t(kind, rule_id, role)`);
}

/**
 * Runs every rule in full and compares with the manifest; needs temp table dq_eval_periods.
 *
 * @example
 *   const report = await measure(conn, catalog, (await source.query('select * from synthetic.defects')).rows);
 *   report.recall.every((k) => k.recall === 1);
 */
export async function measure(
  conn: DuckDBConnection,
  rules: readonly Rule[],
  defects: readonly Defect[],
  onProgress?: (message: string) => void,
): Promise<ProofReport> {
  await flagAll(conn, rules, onProgress);
  await loadTruth(conn, defects);
  // Every match is an equi-join on distinct keys (an OR inside a correlated EXISTS would compare
  // every defect with every flagged record: fine on demo, hours on national).
  const recall = await queryRows<KindRecall>(
    conn,
    `
    with finds as (
      select f.period, f.unit_code, f.record_key, k.kind
      from dq_flagged as f join dq_kind_rules as k on k.rule_id = f.rule_id and k.role = 'finds'
    ),
    record_hits as (select distinct kind, record_key from finds),
    unit_hits as (
      select distinct kind, unit_code, cast(split_part(period, '-', 1) as integer) as nam_hoc, split_part(period, '-', 2) as ky
      from finds
    ),
    hits as (
      select t.*,
        case when t.unit_level
          then exists (select 1 from unit_hits as u where u.kind = t.kind and u.unit_code = t.ma_truong_hoc and u.nam_hoc = t.nam_hoc
                                                      and (t.ky is null or u.ky = t.ky))
          else r.kind is not null
        end as found
      from dq_truth as t
      left join record_hits as r on r.kind = t.kind and r.record_key = t.record_key
      where t.kind in (select kind from dq_kind_rules)
    )
    select kind, count(*) as defects, count_if(found) as found, count_if(found) / count(*) as recall,
      list(coalesce(record_key, ma_truong_hoc || '@' || nam_hoc) order by record_key) filter (where not found)[1:10] as missed
    from hits group by kind order by kind`,
  );
  const precision = await queryRows<RulePrecision>(
    conn,
    `
    with flagged as (
      select rule_id, unit_code, record_key, other_school, other_key, min(period) as period from dq_flagged group by all
    ),
    truth_keys as (select distinct record_key from dq_truth where record_key is not null),
    unit_truth as (
      select distinct t.ma_truong_hoc, t.nam_hoc, k.rule_id
      from dq_truth as t join dq_kind_rules as k on k.kind = t.kind
      where t.unit_level
    ),
    judged as (
      select f.*,
        tk.record_key is not null or ok.record_key is not null or u1.rule_id is not null or u2.rule_id is not null as explained
      from (select *, cast(split_part(period, '-', 1) as integer) as nam_hoc from flagged) as f
      left join truth_keys as tk on tk.record_key = f.record_key
      left join truth_keys as ok on ok.record_key = f.other_key
      left join unit_truth as u1 on u1.rule_id = f.rule_id and u1.ma_truong_hoc = f.unit_code and u1.nam_hoc = f.nam_hoc
      left join unit_truth as u2 on u2.rule_id = f.rule_id and u2.ma_truong_hoc = f.other_school and u2.nam_hoc = f.nam_hoc
    )
    select rule_id, count(*) as flagged, count_if(explained) as explained,
      count_if(explained) / count(*) as precision,
      list(record_key order by record_key) filter (where not explained)[1:10] as unexplained
    from judged group by rule_id order by rule_id`,
  );
  const n = (v: unknown) => Number(v);
  return {
    recall: recall.map((r) => ({ ...r, defects: n(r.defects), found: n(r.found), recall: n(r.recall), missed: r.missed ?? [] })),
    precision: precision.map((r) => ({ ...r, flagged: n(r.flagged), explained: n(r.explained), precision: n(r.precision), unexplained: r.unexplained ?? [] })),
  };
}
