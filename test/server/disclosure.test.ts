/**
 * Suppression survives combination: a key that fetches every export it may (every unit it reads,
 * every breakdown, CSV and Parquet, the quality rankings and rule lists) and the public map cannot
 * solve for a single hidden cell. The warehouse is the tiny preset through the real pipeline
 * (small units, many small cells); the key is the nation's, which reads every unit. The attacker
 * (support/disclosure-solver.ts, support/disclosure-equations.ts) writes every equation a reader can: within a unit, a total is the
 * sum of a dimension's values plus the rest (learners of unknown sex...); across units, a parent
 * is the sum of its children plus the rest, a school counting under its own ownership and zone;
 * the quality counts add up from rules to dimensions to the overall figure and from children to
 * parents. It knows every zero rest, and solves exactly.
 * @module-tag slow
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.ts';
import { openWarehouse, type Warehouse } from '../../lib/warehouse.ts';
import { JobRunner } from '../../pipelines/jobs/job-runner.ts';
import { pipelineSteps } from '../../pipelines/jobs/pipeline-steps.ts';
import { generate } from '../../sample/generate/generate.ts';
import { createAccount } from '../../server/accounts/accounts.store.ts';
import { readRows } from '../../server/db/read-rows.ts';
import { startServer, type RunningServer } from '../../server/start-server.ts';
import { publishIndicatorDecisions } from '../../server/suppression/publish-decisions.ts';
import { startTestSource, type TestSource } from '../support/source.ts';
import { parseCsv } from './support/csv-parse.ts';
import { aliased, cellOf, DIMENSIONS, figure, PUBLICATION, qualityEquations, rowEquations, type CountRef } from './support/disclosure-equations.ts';
import { DisclosureSystem } from './support/disclosure-solver.ts';

describe('disclosure by combining responses (tiny preset through the real pipeline)', () => {
  let src: TestSource;
  let dir: string;
  let warehouse: Warehouse;
  let server: RunningServer;
  let nation: string;
  let requests = 0;

  const fetchText = async (path: string): Promise<string> => {
    requests++;
    const res = await fetch(server.url + path, { headers: { Authorization: `Bearer ${nation}` } });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${text.slice(0, 300)}`);
    return text;
  };

  beforeAll(async () => {
    src = await startTestSource({ schema: false });
    await generate({ url: src.url, preset: 'tiny', seed: 11 });
    dir = mkdtempSync(join(tmpdir(), 'csdl-disclosure-'));
    const config = loadConfig({
      CSDL_DATABASE_URL: src.url,
      CSDL_PSEUDONYM_SECRET: 'disclosure-test-secret-0123456789',
      WAREHOUSE_PATH: join(dir, 'warehouse.duckdb'),
      CSDL_TMP_DIR: join(dir, 'tmp'),
      LOG_LEVEL: 'warn',
    });
    warehouse = await openWarehouse(config.warehousePath, { memoryLimit: '1GB' });
    const runner = new JobRunner({ warehouse, steps: pipelineSteps(config, { beforeCommit: publishIndicatorDecisions }), attempts: 1 });
    await runner.init();
    const run = await runner.start('api', 'test').done;
    expect(run.status).toBe('succeeded');
    server = await startServer({ warehouse, port: 0 });
    const conn = await warehouse.connect();
    nation = (await createAccount(conn, { unit: 'VN', kind: 'admin', name: 'Cục CNTT' })).key;
    conn.closeSync();
  });
  afterAll(async () => {
    await server?.close();
    warehouse?.close();
    await src?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lets no hidden cell be solved from every export the nation key can fetch and the public map', { timeout: 900_000 }, async () => {
    const conn = await warehouse.connect();
    const system = new DisclosureSystem();
    const periods = (await readRows<{ period: string; nam_hoc: number }>(conn, `select period, nam_hoc from core.dim_periods order by census_day`)).map(
      (p) => p,
    );
    const codes = (await readRows<{ code: string; value_kind: string }>(conn, `select code, value_kind from indicators.indicator_catalog`)).map((c) => c.code);
    // public knowledge: the grades of each level (the Ministry's code list DM_KHOI)
    const gradeLevels = new Map(
      (await readRows<{ grade: string; level: string }>(conn, `select grade, level from core.dim_grades where level is not null`)).map((g) => [
        g.grade,
        g.level,
      ]),
    );

    // the true value of every count cell (the attacker's "zero rests" and the check of what is shown)
    const truth = new Map<string, number>();
    const values = await readRows<{
      period: string;
      unit_key: string;
      indicator: string;
      breakdown: string;
      numerator: number | null;
      denominator: number | null;
    }>(
      conn,
      `select period, unit_key, indicator, breakdown, numerator, denominator from indicators.indicator_values
       qualify row_number() over (partition by period, unit_key, indicator, breakdown order by (geography = 'as_reported') desc) = 1`,
    );
    const namHoc = new Map(periods.map((p) => [p.period, p.nam_hoc]));
    const countId = (period: string, ref: CountRef) => `${ref.period === 'start_of_year' ? `${namHoc.get(period)}-DN` : period}|${ref.count}`;
    for (const v of values) {
      const refs = PUBLICATION.counts[v.indicator];
      for (const [ref, value] of [
        [refs.numerator, v.numerator],
        [refs.denominator, v.denominator],
      ] as const) {
        if (ref && value !== null) truth.set(`${countId(v.period, ref)}|${v.unit_key}|${cellOf(v.breakdown, ref.cell)}`, value);
      }
    }

    // what the key sees: every unit with data, every breakdown, CSV; Parquet of every unit's 'all'
    const seen = new Map<string, Map<string, Set<string>>>(); // count id -> unit -> cell keys seen
    const children = new Map<string, string[]>(); // `${period}|${unit}` -> child units listed
    const observe = (period: string, row: Record<string, string | number | null>) => {
      const refs = PUBLICATION.counts[String(row.indicator)];
      for (const [ref, raw] of [
        [refs.numerator, row.numerator],
        [refs.denominator, row.denominator],
      ] as const) {
        const f = typeof raw === 'number' ? raw : raw === null ? null : figure(raw);
        if (!ref || f === null) continue;
        const count = countId(period, ref);
        const cell = cellOf(String(row.breakdown), ref.cell);
        const id = `${count}|${row.unit_key}|${cell}`;
        const t = truth.get(id);
        expect(t, id).toBeDefined();
        if (f !== 'hidden') expect(f, id).toBe(t);
        system.see(id, t!, f !== 'hidden');
        const units = seen.get(count) ?? seen.set(count, new Map()).get(count)!;
        (units.get(String(row.unit_key)) ?? units.set(String(row.unit_key), new Set()).get(String(row.unit_key))!).add(cell);
      }
    };
    const parquet = await DuckDBInstance.create(':memory:');
    const pq = await parquet.connect();
    for (const { period } of periods) {
      for (const row of parseCsv(await fetchText(`/api/public/indicators?period=${period}&indicator=${codes.join(',')}&format=csv`))) observe(period, row);
      const queue = ['N:VN'];
      const visited = new Set<string>();
      while (queue.length) {
        const unit = queue.shift()!;
        if (visited.has(unit)) continue;
        visited.add(unit);
        const q = `period=${period}&unit=${encodeURIComponent(unit)}`;
        const listed = JSON.parse(await fetchText(`/api/units/${encodeURIComponent(unit)}?period=${period}`)).rows.map((u: { unit_key: string }) => u.unit_key);
        children.set(`${period}|${unit}`, listed);
        const all = parseCsv(await fetchText(`/api/indicators?${q}&breakdown=all&format=csv`));
        for (const row of all) observe(period, row);
        const withData = new Set(all.map((r) => r.unit_key));
        for (const c of listed) if (withData.has(c)) queue.push(c);
        for (const b of ['total', ...DIMENSIONS])
          for (const row of parseCsv(await fetchText(`/api/indicators?${q}&breakdown=${b}&format=csv`))) observe(period, row);
        // one cell at a time too, for the unit's own breakdowns (the pipeline's tiny units are few)
        const cells = new Set(all.filter((r) => r.unit_key === unit && r.breakdown.includes('=')).map((r) => r.breakdown));
        for (const b of cells)
          for (const row of parseCsv(await fetchText(`/api/indicators?${q}&breakdown=${encodeURIComponent(b)}&format=csv`))) observe(period, row);
        const file = join(dir, 'export.parquet');
        requests++;
        const res = await fetch(`${server.url}/api/indicators?${q}&breakdown=all&format=parquet`, { headers: { Authorization: `Bearer ${nation}` } });
        writeFileSync(file, Buffer.from(await res.arrayBuffer()));
        const rows = (await pq.runAndReadAll(`select * from read_parquet('${file}')`)).getRowObjectsJson() as Array<Record<string, string | number | null>>;
        for (const r of rows) {
          // a hidden figure is null in Parquet beside its status
          observe(period, { ...r, numerator: r.numerator_status ?? r.numerator, denominator: r.denominator_status ?? r.denominator });
        }
        expect(rows.length).toBe(all.length);
      }
    }
    pq.closeSync();
    // the series of every unit visited, over every period, as reported and on today's 34 provinces
    // (GET /api/indicators/series CSV and the public series), forty units a request
    const everyUnit = [...new Set([...children.keys()].map((k) => k.split('|')[1]))];
    for (let i = 0; i < everyUnit.length; i += 40) {
      const units = everyUnit.slice(i, i + 40).join(',');
      for (const geography of ['reported', '2025']) {
        for (const code of codes) {
          const q = `indicator=${code}&units=${encodeURIComponent(units)}&breakdown=all&geography=${geography}`;
          for (const row of parseCsv(await fetchText(`/api/indicators/series?${q}&format=csv`))) observe(row.period, row);
        }
      }
    }
    for (const code of codes) {
      const units = everyUnit.filter((u) => u === 'N:VN' || u.startsWith('P:')).slice(0, 40);
      const q = `indicator=${code}&units=${encodeURIComponent(units.join(','))}&breakdown=all&geography=2025`;
      for (const row of parseCsv(await fetchText(`/api/public/indicators/series?${q}&format=csv`))) observe(row.period, row);
    }

    // the equations of every count: within each unit, then from each parent to the children listed
    const schools = new Map<string, Record<string, string>>();
    for (const s of await readRows<{ period: string; school_key: string; ownership: string | null; zone: string | null }>(
      conn,
      `select period, school_key, ownership, zone from core.fct_schools where is_active`,
    )) {
      schools.set(
        `${s.period}|${s.school_key}`,
        Object.fromEntries(Object.entries({ ownership: s.ownership, zone: s.zone }).filter(([, v]) => v !== null)) as Record<string, string>,
      );
    }
    for (const [count, units] of seen) {
      const cellsOf = new Map<string, Map<string, number>>();
      for (const [unit, cells] of units) cellsOf.set(unit, new Map([...cells].map((c) => [c, truth.get(`${count}|${unit}|${c}`)!])));
      for (const [unit, cells] of cellsOf) rowEquations(system, `${count}|${unit}`, cells, gradeLevels);
      const period = count.slice(0, count.indexOf('|'));
      for (const [parentKey, listed] of children) {
        if (!parentKey.startsWith(`${period}|`)) continue;
        const parent = parentKey.slice(period.length + 1);
        const own = cellsOf.get(parent);
        if (!own) continue;
        for (const [cell, total] of own) {
          const terms: Array<[string, number]> = [[`${count}|${parent}|${cell}`, 1]];
          let sum = 0;
          for (const child of listed) {
            const resolved = aliased(cell, schools.get(`${period}|${child}`));
            if (resolved === null) continue;
            const v = cellsOf.get(child)?.get(resolved);
            if (v === undefined) continue;
            terms.push([`${count}|${child}|${resolved}`, -1]);
            sum += v;
          }
          const rest = `${count}|rest of ${parent}|${cell}`;
          system.unseen(rest, total - sum);
          system.equation([...terms, [rest, -1]]);
        }
      }
    }

    // quality counts: what rankings and rule lists show, and how they add up
    await qualityEquations(
      system,
      conn,
      periods.map((p) => p.period),
      fetchText,
    );
    conn.closeSync();

    // a zero is published as it is (only counts 1-9 are small cells), so a hidden cell found to be
    // zero discloses nothing the rule protects (it happens to withheld indicators, hidden whole)
    const disclosed = system.disclosed().filter((d) => d.truth !== 0);
    expect(requests).toBeGreaterThan(300);
    expect([...system.cells.values()].filter((c) => c.hidden).length).toBeGreaterThan(100);
    expect(disclosed.slice(0, 20), `${disclosed.length} hidden cells solved, of ${[...system.cells.values()].filter((c) => c.hidden).length}`).toEqual([]);
  });
});
