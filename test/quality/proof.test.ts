/**
 * The rules against the generator's ground truth (synthetic.defects), end to end: generate a
 * preset into a real PostgreSQL, load it with the ETL, build the models, run `runQuality`, then
 * run every rule in full and compare. Every injected defect must be found by a rule meant for its
 * kind (recall 100 % per kind), and every flagged record must carry an injected defect
 * (precision 100 % per rule). The generator injects no legacy rendering that reads as another
 * valid name (sample/generate/encodings.ts, readsAsVietnamese), so legacy encodings too are
 * found without exception.
 * @module-tag slow
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DEFECT_KINDS } from '../../sample/generate/defect-kinds.ts';
import { measure, type Defect, type ProofReport } from '../support/quality-proof.ts';
import { runQuality } from '../../pipelines/quality/run-quality.ts';
import { buildCatalog } from '../../pipelines/quality/catalog.ts';
import { readWarehouseColumns } from '../../pipelines/quality/warehouse-columns.ts';
import { queryRows } from '../../lib/warehouse.ts';
import { buildGeneratedWarehouse, GENERATOR_DEADLINES, type GeneratedWarehouse } from './support/generated-warehouse.ts';

type Proof = { report: ProofReport; defects: Defect[]; conn: DuckDBConnection; built: GeneratedWarehouse };

async function prove(preset: 'tiny' | 'demo'): Promise<Proof> {
  const built = await buildGeneratedWarehouse(preset, 42);
  const conn = await built.warehouse.connect();
  await runQuality({ warehouse: conn, deadlines: GENERATOR_DEADLINES });
  const defects = (await built.source.query('select * from synthetic.defects')).rows as Defect[];
  await conn.run('create or replace temp table dq_eval_periods as select * from quality.dq_periods');
  const report = await measure(conn, buildCatalog(await readWarehouseColumns(conn)), defects);
  console.table(report.recall.map((r) => ({ kind: r.kind, defects: r.defects, found: r.found, recall: r.recall })));
  console.table(report.precision.map((p) => ({ rule: p.rule_id, flagged: p.flagged, precision: p.precision })));
  return { report, defects, conn, built };
}

function expectFullRecall(p: Proof): void {
  expect(p.report.recall.map((r) => r.kind).sort()).toEqual([...DEFECT_KINDS].sort());
  for (const r of p.report.recall) {
    expect({ kind: r.kind, missed: r.missed }).toEqual({ kind: r.kind, missed: [] });
    expect(r.recall, r.kind).toBe(1);
  }
}

function expectFullPrecision(p: Proof): void {
  const imprecise = p.report.precision.filter((r) => r.precision !== 1).map((r) => ({ rule: r.rule_id, unexplained: r.unexplained }));
  expect(imprecise).toEqual([]);
}

describe('data-quality rules against the injected defects (tiny)', () => {
  let p: Proof;
  beforeAll(async () => {
    p = await prove('tiny');
  }, 600_000);
  afterAll(async () => {
    p?.conn.closeSync();
    await p?.built.close();
  });

  it('finds every injected defect with a rule meant for its kind', () => expectFullRecall(p));
  it('flags no record that carries no injected defect', () => expectFullPrecision(p));
  it('publishes scores for every unit level and period', async () => {
    const rows = await queryRows<{ unit_level: string; periods: number }>(
      p.conn,
      `
      select unit_level, count(distinct period) as periods from quality.dq_unit_scores where dimension = 'overall' group by all order by 1`,
    );
    expect(rows.map((r) => [r.unit_level, Number(r.periods)])).toEqual([
      ['commune', 2],
      ['district', 2],
      ['nation', 4],
      ['province', 4],
      ['school', 4],
    ]);
  });
  it('reports the misses and the unexplained flags it is shown, by key', async () => {
    // without the duplicate rule its defects go unfound; without a record's manifest entry, and
    // without a late unit's entry, the rules that flag them are no longer explained
    const catalog = buildCatalog(await readWarehouseColumns(p.conn)).filter((r) => r.id !== 'HS-DUP-ACTIVE');
    const dropped = p.defects.find((d) => d.kind === 'invalid_code' && d.table_name === 'hoc_sinh' && d.field === 'ma_dan_toc')!;
    const late = p.defects.find((d) => d.kind === 'late_unit')!;
    const truth = p.defects.filter((d) => d !== dropped && !(d.kind === 'late_unit' && d.ma_truong_hoc === late.ma_truong_hoc && d.nam_hoc === late.nam_hoc));
    const report = await measure(p.conn, catalog, truth);
    const dup = report.recall.find((r) => r.kind === 'duplicate_active_learner')!;
    expect(dup).toMatchObject({ found: 0, recall: 0 });
    expect(dup.missed.length).toBe(Math.min(10, dup.defects));
    expect(report.recall.filter((r) => r.kind !== 'duplicate_active_learner').every((r) => r.recall === 1)).toBe(true);
    const code = report.precision.find((r) => r.rule_id === 'HS-CODE-ma_dan_toc')!;
    expect(code.unexplained).toEqual([`hoc_sinh:${dropped.record_id}`]);
    const lateRule = report.precision.find((r) => r.rule_id === 'TH-LATE')!;
    expect(lateRule.precision).toBeLessThan(1);
    expect(report.precision.filter((r) => !['HS-CODE-ma_dan_toc', 'TH-LATE'].includes(r.rule_id)).every((r) => r.precision === 1)).toBe(true);
  });
});

describe('data-quality rules against the injected defects (demo)', { tags: ['demo'] }, () => {
  let p: Proof;
  beforeAll(async () => {
    p = await prove('demo');
  }, 900_000);
  afterAll(async () => {
    p?.conn.closeSync();
    await p?.built.close();
  });

  it('finds every injected defect with a rule meant for its kind', () => expectFullRecall(p));
  it('flags no record that carries no injected defect', () => expectFullPrecision(p));
});
