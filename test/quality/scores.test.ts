/**
 * The score and rank models on a hand-built history (support/score-fixture.ts). Every expected
 * number below was worked out by hand; the arithmetic is in the comments.
 * Dimension weights: completeness 0.25, validity 0.25, timeliness 0.15 (uniqueness and
 * consistency are not checked here, so the overall score re-normalises over 0.65).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { OUTPUT_MODELS } from '../../pipelines/quality/models.ts';
import { runTransform } from '../../pipelines/transform/run-transform.ts';
import { queryRows } from '../../lib/warehouse.ts';
import { buildScoreFixture } from './support/score-fixture.ts';

type Score = {
  unit_code: string;
  dimension: string;
  score: number;
  checked: number;
  failed: number;
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
    const row = scores.find((s) => (s as unknown as { period: string }).period === period && s.unit_code === unit && s.dimension === dimension);
    if (!row) throw new Error(`no score for ${period} ${unit} ${dimension}`);
    return row;
  };

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
    scores = (await queryRows<Score>(conn, 'select * from quality.dq_unit_scores order by all')).map((r) => {
      const n = (v: unknown) => (v === null ? null : Number(v));
      return {
        ...r,
        score: Number(r.score),
        checked: Number(r.checked),
        failed: Number(r.failed),
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
      };
    });
  });
  afterAll(() => instance?.closeSync());

  it('rolls rule results up by summing the schools each unit held in the period', async () => {
    const rows = await queryRows<{ unit_code: string; checked: string; failed: string }>(
      conn,
      `select unit_code, checked, failed from quality.dq_rule_results where period = '2025-DN' and rule_id = 'A' order by unit_code`,
    );
    // A: S1 10/0, S2 10/0, S3 20/10, S4 5/5 (S5 has no A records)
    // C11 = S1+S2 = 20/0; C12 = S3 = 20/10; C21 = S4 = 5/5; P1 = 40/10; P2 = 5/5; VN = 45/15
    expect(rows.map((r) => [r.unit_code, Number(r.checked), Number(r.failed)])).toEqual([
      ['01', 40, 10],
      ['02', 5, 5],
      ['C11', 20, 0],
      ['C12', 20, 10],
      ['C21', 5, 5],
      ['S1', 10, 0],
      ['S2', 10, 0],
      ['S3', 20, 10],
      ['S4', 5, 5],
      ['VN', 45, 15],
    ]);
  });

  it("scores a dimension as the weighted mean of its rules' pass rates", () => {
    // S1 completeness: A 1 - 0/10 = 1 (w 1), B 1 - 5/10 = 0.5 (w 2): 100 (1 + 1) / 3 = 66.667
    expect(get('2025-DN', 'S1', 'completeness').score).toBeCloseTo(66.6667, 3);
    // S4 completeness: A 0 (w 1), B 1 (w 2): 100 (0 + 2) / 3 = 66.667, the same as S1
    expect(get('2025-DN', 'S4', 'completeness').score).toBeCloseTo(66.6667, 3);
    // P1 completeness: A 40/10 -> 0.75, B 20/10 -> 0.5: 100 (0.75 + 1.0) / 3 = 58.333
    expect(get('2025-DN', '01', 'completeness').score).toBeCloseTo(58.3333, 3);
    // P1 validity: C 18 checked, 2 failed: 100 x 16/18 = 88.889
    expect(get('2025-DN', '01', 'validity')).toMatchObject({ checked: 18, failed: 2 });
    expect(get('2025-DN', '01', 'validity').score).toBeCloseTo(88.8889, 3);
    // VN completeness: A 45/15 -> 2/3, B 25/10 -> 0.6: 100 (0.6667 + 1.2) / 3 = 62.222
    expect(get('2025-DN', 'VN', 'completeness').score).toBeCloseTo(62.2222, 3);
  });

  it('weights the dimensions into the overall score over the dimensions checked', () => {
    // S1: (0.25 x 66.667 + 0.25 x 75 + 0.15 x 100) / 0.65 = 50.4167 / 0.65 = 77.564
    expect(get('2025-DN', 'S1', 'overall').score).toBeCloseTo(77.5641, 3);
    // S1 overall counts: checked 10 + 10 + 4 + 1 = 25, failed 0 + 5 + 1 + 0 = 6
    expect(get('2025-DN', 'S1', 'overall')).toMatchObject({ checked: 25, failed: 6 });
    // S3: (0.25 x 50 + 0.25 x 100 + 0.15 x 0) / 0.65 = 37.5 / 0.65 = 57.692
    expect(get('2025-DN', 'S3', 'overall').score).toBeCloseTo(57.6923, 3);
    // S4: (0.25 x 66.667 + 0 + 0.15 x 100) / 0.65 = 31.6667 / 0.65 = 48.718
    expect(get('2025-DN', 'S4', 'overall').score).toBeCloseTo(48.7179, 3);
    // S5 has timeliness only (D 1/1): 0.15 x 0 / 0.15 = 0
    expect(get('2025-DN', 'S5', 'overall').score).toBe(0);
    // C21 = S4 + S5: completeness 66.667, validity 0, timeliness D 2/1 = 50:
    // (16.6667 + 0 + 7.5) / 0.65 = 37.179
    expect(get('2025-DN', 'C21', 'overall').score).toBeCloseTo(37.1795, 3);
    // P1: (0.25 x 58.333 + 0.25 x 88.889 + 0.15 x 66.667) / 0.65 = 46.8056 / 0.65 = 72.009
    expect(get('2025-DN', '01', 'overall').score).toBeCloseTo(72.0085, 3);
    // VN: (0.25 x 62.222 + 0.25 x 69.565 + 0.15 x 60) / 0.65 = 41.9469 / 0.65 = 64.534
    expect(get('2025-DN', 'VN', 'overall').score).toBeCloseTo(64.5336, 3);
  });

  it('ranks ties together and skips the ranks they take (rank semantics)', () => {
    // schools' completeness: S1 66.667, S2 66.667, S4 66.667, S3 50; S5 has none, so 4 ranked
    const c = ['S1', 'S2', 'S3', 'S4'].map((s) => [s, get('2025-DN', s, 'completeness').rank, get('2025-DN', s, 'completeness').ranked_units]);
    expect(c).toEqual([
      ['S1', 1, 4],
      ['S2', 1, 4],
      ['S3', 4, 4],
      ['S4', 1, 4],
    ]);
    // schools' overall: S1 = S2 = 77.564 > S3 57.692 > S4 48.718 > S5 0
    const o = ['S1', 'S2', 'S3', 'S4', 'S5'].map((s) => get('2025-DN', s, 'overall').rank);
    expect(o).toEqual([1, 1, 3, 4, 5]);
    expect(get('2025-DN', 'S5', 'overall').ranked_units).toBe(5);
  });

  it('ranks among siblings and within the province, with the count ranked', () => {
    // C11 holds S1, S2 (tied); C21 holds S4 (48.7) above S5 (0)
    expect(get('2025-DN', 'S2', 'overall')).toMatchObject({ rank_in_parent: 1, parent_ranked_units: 2, rank_in_province: 1, province_ranked_units: 3 });
    expect(get('2025-DN', 'S3', 'overall')).toMatchObject({ rank_in_parent: 1, parent_ranked_units: 1, rank_in_province: 3, province_ranked_units: 3 });
    expect(get('2025-DN', 'S5', 'overall')).toMatchObject({ rank_in_parent: 2, parent_ranked_units: 2, rank_in_province: 2, province_ranked_units: 2 });
    // communes: C11 77.564 > C12 57.692 > C21 37.179 nationally; C21 alone in province 02
    expect(['C11', 'C12', 'C21'].map((u) => get('2025-DN', u, 'overall').rank)).toEqual([1, 2, 3]);
    expect(get('2025-DN', 'C21', 'overall')).toMatchObject({ rank_in_parent: 1, parent_ranked_units: 1 });
    // provinces: P1 72.009 > P2 37.179; no province rank above the province level
    expect(get('2025-DN', '02', 'overall')).toMatchObject({ rank: 2, ranked_units: 2, rank_in_province: null, province_ranked_units: null });
    expect(get('2025-DN', 'VN', 'overall')).toMatchObject({ rank: 1, ranked_units: 1 });
  });

  it('states the change against the previous period for the same unit only', () => {
    // 2024-CN overall: S1, S3, S4 all rules pass -> 100 (rank 1); S2 only D 1/1 -> 0 (rank 4)
    // S1: 77.564 - 100 = -22.436, rank 1 -> 1: change 0
    expect(get('2025-DN', 'S1', 'overall')).toMatchObject({ previous_score: 100, previous_rank: 1, rank_change: 0 });
    expect(get('2025-DN', 'S1', 'overall').score_change).toBeCloseTo(-22.4359, 3);
    // S2: 77.564 - 0 = +77.564, rank 4 -> 1: climbed 3
    expect(get('2025-DN', 'S2', 'overall')).toMatchObject({ previous_score: 0, previous_rank: 4, rank_change: 3 });
    // S4: rank 1 -> 4: fell 3
    expect(get('2025-DN', 'S4', 'overall').rank_change).toBe(-3);
    // S5 is new; province 02 of 2025 is another unit than 02 of 2024: no previous values
    expect(get('2025-DN', 'S5', 'overall')).toMatchObject({ previous_score: null, score_change: null, rank_change: null });
    expect(get('2025-DN', '02', 'overall')).toMatchObject({ previous_score: null, rank_change: null });
    // VN 2024-CN: A 35/0, B 15/0, C 19/0, D 4/1 -> (25 + 25 + 0.15 x 75) / 0.65 = 94.231
    // change: 64.534 - 94.231 = -29.697
    expect(get('2025-DN', 'VN', 'overall').previous_score).toBeCloseTo(94.2308, 3);
    expect(get('2025-DN', 'VN', 'overall').score_change).toBeCloseTo(-29.6972, 3);
  });

  it('publishes the failure samples with their dimension, and the catalogue and weights', async () => {
    const f = await queryRows(conn, 'select unit_code, rule_id, dimension, record_key, detail from quality.dq_failures');
    expect(f).toEqual([{ unit_code: 'S3', rule_id: 'A', dimension: 'completeness', record_key: 'hoc_sinh:31', detail: 'ma_dan_toc' }]);
    const w = await queryRows<{ total: number }>(conn, 'select sum(weight) as total from quality.dq_dimension_weights');
    expect(Number(w[0].total)).toBeCloseTo(1, 9);
    const k = await queryRows(conn, 'select rule_id, weight from quality.dq_rule_catalog order by rule_id');
    expect(k.map((r) => [r.rule_id, Number(r.weight)])).toEqual([
      ['A', 1],
      ['B', 2],
      ['C', 1],
      ['D', 1],
    ]);
  });
});
