/**
 * The score and rank models on a hand-built history (support/score-fixture.ts). Every expected
 * number below was worked out by hand; the arithmetic is in the comments.
 * A score is the share of a kind's records with no failure, weighted across the kinds checked:
 * learners (hoc_sinh) 0.5, staff (can_bo) 0.2, the school's own record (truong_hoc) 0.1; classes
 * and the other kinds are not checked here, so the weights re-normalise over 0.8.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { OUTPUT_MODELS } from '../../pipelines/quality/models.ts';
import { runTransform } from '../../pipelines/transform/run-transform.ts';
import { queryRows } from '../../lib/warehouse.ts';
import { buildScoreFixture } from './support/score-fixture.ts';

type Score = {
  period: string;
  unit_code: string;
  dimension: string;
  score: number;
  checked: number;
  failed: number;
  records: number;
  clean_records: number;
  failing_records: number;
  band: string;
  rank: number;
  ranked_units: number;
  rank_in_parent: number;
  parent_ranked_units: number;
  rank_in_province: number | null;
  province_ranked_units: number | null;
  previous_score: number | null;
  score_change: number | null;
  previous_rank: number | null;
  rank_change: number | null;
};

describe('quality score models', () => {
  let instance: DuckDBInstance;
  let conn: DuckDBConnection;
  let scores: Score[];
  const get = (period: string, unit: string, dimension: string) => {
    const row = scores.find((s) => s.period === period && s.unit_code === unit && s.dimension === dimension);
    if (!row) throw new Error(`no score for ${period} ${unit} ${dimension}`);
    return row;
  };
  const ranks = (period: string, dimension: string, units: string[]) => units.map((u) => [u, get(period, u, dimension).rank]);

  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    conn = await instance.connect();
    await buildScoreFixture(conn);
    const run = await runTransform({
      warehouse: conn,
      select: [...OUTPUT_MODELS],
      deadlines: { deadlines: {}, defaultDeadline: { dn: '10-31', cn: '06-30' } },
    });
    expect(run.errors).toEqual([]);
    const n = (v: unknown) => (v === null ? null : Number(v));
    scores = (await queryRows<Score>(conn, 'select * from quality.dq_unit_scores order by all')).map((r) => ({
      ...r,
      score: Number(r.score),
      checked: Number(r.checked),
      failed: Number(r.failed),
      records: Number(r.records),
      clean_records: Number(r.clean_records),
      failing_records: Number(r.failing_records),
      rank: Number(r.rank),
      ranked_units: Number(r.ranked_units),
      rank_in_parent: Number(r.rank_in_parent),
      parent_ranked_units: Number(r.parent_ranked_units),
      rank_in_province: n(r.rank_in_province),
      province_ranked_units: n(r.province_ranked_units),
      previous_score: n(r.previous_score),
      score_change: n(r.score_change),
      previous_rank: n(r.previous_rank),
      rank_change: n(r.rank_change),
    }));
  });
  afterAll(() => instance?.closeSync());

  it('rolls rule results up by summing the schools each unit held in the period', async () => {
    const rows = await queryRows<{ unit_code: string; checked: string; failed: string }>(
      conn,
      `select unit_code, checked, failed from quality.dq_rule_results where period = '2025-DN' and rule_id = 'A' order by unit_code`,
    );
    // A: S1 10/0, S2 20/0, S3 20/10, S4 5/5 (S5 has no learners)
    // C11 = S1+S2 = 30/0; C12 = S3 = 20/10; C21 = S4 = 5/5; P1 = 50/10; P2 = 5/5; VN = 55/15
    expect(rows.map((r) => [r.unit_code, Number(r.checked), Number(r.failed)])).toEqual([
      ['01', 50, 10],
      ['02', 5, 5],
      ['C11', 30, 0],
      ['C12', 20, 10],
      ['C21', 5, 5],
      ['S1', 10, 0],
      ['S2', 20, 0],
      ['S3', 20, 10],
      ['S4', 5, 5],
      ['VN', 55, 15],
    ]);
  });

  it('scores a dimension as the share of records with no failure in it, a record counted once', () => {
    // S1 completeness: learners 10, 5 fail B: 100 x 5/10 = 50
    expect(get('2025-DN', 'S1', 'completeness')).toMatchObject({ score: 50, records: 10, failing_records: 5, clean_records: 5 });
    // S3 completeness: 10 learners fail A, 4 of them fail B too: 10 failing records of 20 = 50,
    // while the rule checks count 14 failures of 40
    expect(get('2025-DN', 'S3', 'completeness')).toMatchObject({ score: 50, records: 20, failing_records: 10, checked: 40, failed: 14 });
    // S1 validity: staff 4, 1 fails C: 75; timeliness: the school on time: 100
    expect(get('2025-DN', 'S1', 'validity')).toMatchObject({ score: 75, records: 4, failing_records: 1 });
    expect(get('2025-DN', 'S1', 'timeliness')).toMatchObject({ score: 100, records: 1, failing_records: 0 });
    // P1 validity: staff 4 + 8 + 10 = 22, failing 1 + 2 + 0 = 3: 100 x 19/22 = 86.364
    expect(get('2025-DN', '01', 'validity')).toMatchObject({ records: 22, failing_records: 3 });
    expect(get('2025-DN', '01', 'validity').score).toBeCloseTo(86.3636, 3);
    // P1 timeliness: 3 schools, S3 late: 100 x 2/3
    expect(get('2025-DN', '01', 'timeliness').score).toBeCloseTo(66.6667, 3);
    // VN completeness: learners 10 + 20 + 20 + 5 = 55, failing 5 + 10 + 10 + 5 = 30: 100 x 25/55
    expect(get('2025-DN', 'VN', 'completeness').score).toBeCloseTo(45.4545, 3);
  });

  it('weights the share of clean records of each kind into the overall score', () => {
    // S1: learners 5/10 clean, staff 3/4, school 1/1: (0.5 x 0.5 + 0.2 x 0.75 + 0.1 x 1) / 0.8 = 62.5
    expect(get('2025-DN', 'S1', 'overall')).toMatchObject({ score: 62.5, records: 15, failing_records: 6, clean_records: 9 });
    // the rule checks stay: checked 10 + 10 + 4 + 1 = 25, failed 0 + 5 + 1 + 0 = 6
    expect(get('2025-DN', 'S1', 'overall')).toMatchObject({ checked: 25, failed: 6 });
    // S2: twice S1's learners and staff, the same shares: 62.5, with 12 failing records
    expect(get('2025-DN', 'S2', 'overall')).toMatchObject({ score: 62.5, records: 29, failing_records: 12 });
    // S3: learners 10/20, staff 10/10, school late 0/1: (0.25 + 0.2 + 0) / 0.8 = 56.25
    expect(get('2025-DN', 'S3', 'overall')).toMatchObject({ score: 56.25, records: 31, failing_records: 11 });
    // S4: learners 0/5, staff 0/5, school 1/1: 0.1 / 0.8 = 12.5
    expect(get('2025-DN', 'S4', 'overall').score).toBe(12.5);
    // S5 has its own record only, late: 0
    expect(get('2025-DN', 'S5', 'overall')).toMatchObject({ score: 0, records: 1, failing_records: 1 });
    // C21 = S4 + S5: learners 0/5, staff 0/5, schools 1/2: 0.05 / 0.8 = 6.25
    expect(get('2025-DN', 'C21', 'overall')).toMatchObject({ score: 6.25, records: 12, failing_records: 11 });
    // P1: learners 25/50, staff 19/22, schools 2/3: (0.25 + 0.2 x 19/22 + 0.1 x 2/3) / 0.8 = 61.174
    expect(get('2025-DN', '01', 'overall').score).toBeCloseTo(61.1742, 3);
    // VN: learners 25/55, staff 19/27, schools 3/5: (0.22727 + 0.14074 + 0.06) / 0.8 = 53.502
    expect(get('2025-DN', 'VN', 'overall')).toMatchObject({ records: 87, failing_records: 40, clean_records: 47 });
    expect(get('2025-DN', 'VN', 'overall').score).toBeCloseTo(53.5017, 3);
  });

  it('breaks ties by fewer failing records, then by name in Vietnamese order, and says among how many', () => {
    // overall: S1 = S2 = 62.5, S1 has 6 failing records and S2 12; then S3, S4, S5
    expect(ranks('2025-DN', 'overall', ['S1', 'S2', 'S3', 'S4', 'S5'])).toEqual([
      ['S1', 1],
      ['S2', 2],
      ['S3', 3],
      ['S4', 4],
      ['S5', 5],
    ]);
    expect(get('2025-DN', 'S5', 'overall').ranked_units).toBe(5);
    // timeliness: S1, S2, S4 at 100 with no failing record: by name, Bạch Đằng (S2), Chu Văn An
    // (S4), Lê Lợi (S1); S3 and S5 at 0 with one each: Đinh Tiên Hoàng (S5) before Nguyễn Huệ (S3)
    expect(ranks('2025-DN', 'timeliness', ['S2', 'S4', 'S1', 'S5', 'S3'])).toEqual([
      ['S2', 1],
      ['S4', 2],
      ['S1', 3],
      ['S5', 4],
      ['S3', 5],
    ]);
    // completeness: S1 50 (5 failing), S2 and S3 50 (10 each: Bạch Đằng first), S4 0; S5 not checked
    expect(ranks('2025-DN', 'completeness', ['S1', 'S2', 'S3', 'S4'])).toEqual([
      ['S1', 1],
      ['S2', 2],
      ['S3', 3],
      ['S4', 4],
    ]);
    expect(get('2025-DN', 'S4', 'completeness').ranked_units).toBe(4);
  });

  it('never ties two units of a level on a rank', async () => {
    const [{ tied }] = await queryRows<{ tied: number }>(
      conn,
      `select count(*) as tied from (select 1 from quality.dq_unit_scores group by period, dimension, unit_level, rank having count(*) > 1)`,
    );
    expect(Number(tied)).toBe(0);
  });

  it('ranks among siblings and within the province, with the count ranked', () => {
    expect(get('2025-DN', 'S2', 'overall')).toMatchObject({ rank_in_parent: 2, parent_ranked_units: 2, rank_in_province: 2, province_ranked_units: 3 });
    expect(get('2025-DN', 'S3', 'overall')).toMatchObject({ rank_in_parent: 1, parent_ranked_units: 1, rank_in_province: 3, province_ranked_units: 3 });
    expect(get('2025-DN', 'S5', 'overall')).toMatchObject({ rank_in_parent: 2, parent_ranked_units: 2, rank_in_province: 2, province_ranked_units: 2 });
    // communes: C11 62.5 > C12 56.25 > C21 6.25 nationally; C21 alone in province 02
    expect(ranks('2025-DN', 'overall', ['C11', 'C12', 'C21'])).toEqual([
      ['C11', 1],
      ['C12', 2],
      ['C21', 3],
    ]);
    expect(get('2025-DN', 'C21', 'overall')).toMatchObject({ rank_in_parent: 1, parent_ranked_units: 1 });
    // provinces: P1 61.2 > P2 6.25; no province rank above the province level
    expect(get('2025-DN', '02', 'overall')).toMatchObject({ rank: 2, ranked_units: 2, rank_in_province: null, province_ranked_units: null });
    expect(get('2025-DN', 'VN', 'overall')).toMatchObject({ rank: 1, ranked_units: 1 });
  });

  it('puts each score in the band of its value shown to one decimal, rounded down', () => {
    // bands: good from 96.8, fair from 56.3, poor below
    expect(get('2025-DN', 'S1', 'overall').band).toBe('fair');
    // 56.25 shows 56,2 (rounded down), below 56.3: poor, though 56.25 rounds to 56.3
    expect(get('2025-DN', 'S3', 'overall').band).toBe('poor');
    // 96.875 shows 96,8: good
    expect(get('2024-CN', 'VN', 'overall')).toMatchObject({ score: 96.875, band: 'good' });
    expect(get('2024-CN', 'S1', 'overall')).toMatchObject({ score: 100, band: 'good' });
  });

  it('states the change against the previous period for the same unit only', () => {
    // 2024-CN overall: S1, S3, S4 all clean -> 100, ranked by name: Chu Văn An (S4) 1, Lê Lợi
    // (S1) 2, Nguyễn Huệ (S3) 3; S2 late with its own record only -> 0, rank 4
    expect(ranks('2024-CN', 'overall', ['S4', 'S1', 'S3', 'S2'])).toEqual([
      ['S4', 1],
      ['S1', 2],
      ['S3', 3],
      ['S2', 4],
    ]);
    // S1: 62.5 - 100 = -37.5, rank 2 -> 1: climbed 1
    expect(get('2025-DN', 'S1', 'overall')).toMatchObject({ previous_score: 100, score_change: -37.5, previous_rank: 2, rank_change: 1 });
    // S2: 62.5 - 0 = +62.5, rank 4 -> 2: climbed 2
    expect(get('2025-DN', 'S2', 'overall')).toMatchObject({ previous_score: 0, score_change: 62.5, previous_rank: 4, rank_change: 2 });
    // S3: rank 3 -> 3; S4: rank 1 -> 4: fell 3
    expect(get('2025-DN', 'S3', 'overall')).toMatchObject({ score_change: -43.75, rank_change: 0 });
    expect(get('2025-DN', 'S4', 'overall')).toMatchObject({ score_change: -87.5, rank_change: -3 });
    // S5 is new; province 02 of 2025 is another unit than 02 of 2024: no previous values
    expect(get('2025-DN', 'S5', 'overall')).toMatchObject({ previous_score: null, score_change: null, rank_change: null });
    expect(get('2025-DN', '02', 'overall')).toMatchObject({ previous_score: null, rank_change: null });
    // VN 2024-CN: learners 35 clean, staff 19 clean, schools 3/4: (0.5 + 0.2 + 0.075) / 0.8 = 96.875
    expect(get('2025-DN', 'VN', 'overall').previous_score).toBe(96.875);
    expect(get('2025-DN', 'VN', 'overall').score_change).toBeCloseTo(53.5017 - 96.875, 3);
  });

  it('lists every failing record once per rule, with the class and grade of the period', async () => {
    const f = await queryRows<Record<string, unknown>>(
      conn,
      `select unit_code, rule_id, dimension, record_key, pseudonym, class_code, class_name, grade, fields
       from quality.dq_failures where period = '2025-DN' and unit_code = 'S3' and record_key in ('hoc_sinh:31', 'hoc_sinh:38') order by all`,
    );
    // 31 fails A only, in class 6A at the start of the year; 38 fails A and B, in 6B
    expect(f).toEqual([
      {
        unit_code: 'S3',
        rule_id: 'A',
        dimension: 'completeness',
        record_key: 'hoc_sinh:31',
        pseudonym: 'ps31',
        class_code: 'L6A',
        class_name: '6A',
        grade: '6',
        fields: 'f_A',
      },
      {
        unit_code: 'S3',
        rule_id: 'A',
        dimension: 'completeness',
        record_key: 'hoc_sinh:38',
        pseudonym: 'ps38',
        class_code: 'L6B',
        class_name: '6B',
        grade: '6',
        fields: 'f_A',
      },
      {
        unit_code: 'S3',
        rule_id: 'B',
        dimension: 'completeness',
        record_key: 'hoc_sinh:38',
        pseudonym: 'ps38',
        class_code: 'L6B',
        class_name: '6B',
        grade: '6',
        fields: 'f_B',
      },
    ]);
    const [{ n }] = await queryRows<{ n: number }>(conn, `select count(*) as n from quality.dq_failures`);
    // 1 + 5 + 1 + 10 + 2 + 10 + 4 + 1 + 5 + 5 + 1
    expect(Number(n)).toBe(45);
  });

  it('publishes the catalogue, the record-kind weights and the bands', async () => {
    const w = await queryRows<{ total: number }>(conn, 'select sum(weight) as total from quality.dq_record_kind_weights');
    expect(Number(w[0].total)).toBeCloseTo(1, 9);
    const k = await queryRows(conn, 'select rule_id, table_name from quality.dq_rule_catalog order by rule_id');
    expect(k.map((r) => [r.rule_id, r.table_name])).toEqual([
      ['A', 'hoc_sinh'],
      ['B', 'hoc_sinh'],
      ['C', 'can_bo'],
      ['D', 'truong_hoc'],
    ]);
    const b = await queryRows(conn, 'select band, min_score, label_vi from quality.dq_score_bands order by min_score desc');
    expect(b.map((r) => [r.band, Number(r.min_score), r.label_vi])).toEqual([
      ['good', 96.8, 'Tốt'],
      ['fair', 56.3, 'Cần cải thiện'],
      ['poor', 0, 'Kém'],
    ]);
  });
});
