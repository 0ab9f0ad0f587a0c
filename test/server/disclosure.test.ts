/**
 * Suppression survives combination: a key that fetches every export it may (every unit it reads,
 * every breakdown, CSV and Parquet, the quality rankings and rule lists) and the public map cannot
 * solve for a single hidden cell. The warehouse is the tiny preset through the real pipeline
 * (small units, many small cells); the key is the nation's, which reads every unit. The attacker
 * (support/disclosure-solver.ts) writes every equation a reader can: within a unit, a total is the
 * sum of a dimension's values plus the rest (learners of unknown sex...); across units, a parent
 * is the sum of its children plus the rest, a school counting under its own ownership and zone;
 * the quality counts add up from rules to dimensions to the overall figure and from children to
 * parents. It knows every zero rest, and solves exactly.
 * @module-tag slow
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
import { startTestSource, type TestSource } from '../support/source.ts';
import { parseCsv } from './support/csv-parse.ts';
import { DisclosureSystem } from './support/disclosure-solver.ts';

type CountRef = { count: string; cell?: Record<string, string>; period?: 'start_of_year' };
const PUBLICATION = JSON.parse(readFileSync(new URL('../../data/indicators/publication.json', import.meta.url), 'utf8')) as {
  dimensions: Array<{ code: string }>;
  counts: Record<string, { numerator: CountRef; denominator?: CountRef }>;
};
const DIMENSIONS = PUBLICATION.dimensions.map((d) => d.code);

const key = (a: Record<string, string>) =>
  Object.keys(a)
    .sort()
    .map((d) => `${d}=${a[d]}`)
    .join(';');
const parse = (k: string): Record<string, string> => (k === '' ? {} : Object.fromEntries(k.split(';').map((p) => p.split('=') as [string, string])));
const cellOf = (breakdown: string, fixed?: Record<string, string>) =>
  key({ ...(breakdown === 'total' ? {} : Object.fromEntries([breakdown.split('=') as [string, string]])), ...fixed });
const figure = (raw: string): number | 'hidden' | null => {
  const s = raw.replace(/^"(.*)"$/, '$1');
  return s === '' ? null : s === '<10' || s === 'x' ? 'hidden' : Number(s);
};

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
    const runner = new JobRunner({ warehouse, steps: pipelineSteps(config), attempts: 1 });
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
      for (const [unit, cells] of cellsOf) rowEquations(system, `${count}|${unit}`, cells);
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

/** Within one unit: the cells that differ in one dimension sum to the cell without it, plus a rest ('?'). */
function rowEquations(system: DisclosureSystem, prefix: string, cells: Map<string, number>): void {
  for (let added = true; added;) {
    added = false;
    for (const [total, dim, parts] of groups(cells)) {
      const rest = key({ ...parse(total), [dim]: '?' });
      if (cells.has(rest)) continue;
      cells.set(rest, cells.get(total)! - parts.reduce((s, p) => s + cells.get(p)!, 0));
      system.unseen(`${prefix}|${rest}`, cells.get(rest)!);
      added = true;
    }
  }
  for (const [total, dim, parts] of groups(cells)) {
    const terms: Array<[string, number]> = [[`${prefix}|${total}`, 1], ...parts.map((p): [string, number] => [`${prefix}|${p}`, -1])];
    // a '?' cell another group made may cover other cases here; what is left over is this group's own rest
    const left = cells.get(total)! - parts.reduce((s, p) => s + cells.get(p)!, 0);
    if (left !== 0) {
      system.unseen(`${prefix}|${total}|${dim}|rest`, left);
      terms.push([`${prefix}|${total}|${dim}|rest`, -1]);
    }
    system.equation(terms);
  }
}

function groups(cells: Map<string, number>): Array<[string, string, string[]]> {
  const out = new Map<string, [string, string, string[]]>();
  for (const k of cells.keys()) {
    const a = parse(k);
    for (const d of Object.keys(a)) {
      const rest = { ...a };
      delete rest[d];
      const total = key(rest);
      if (!cells.has(total)) continue;
      const g = out.get(`${total}|${d}`) ?? out.set(`${total}|${d}`, [total, d, []]).get(`${total}|${d}`)!;
      g[2].push(k);
    }
  }
  return [...out.values()];
}

/** A school's cell of its own ownership or zone is its cell without it; of another, zero (null). */
function aliased(cell: string, attributes: Record<string, string> | undefined): string | null {
  if (!attributes) return cell;
  const a = parse(cell);
  for (const d of Object.keys(a)) {
    if (attributes[d] === undefined) continue;
    if (attributes[d] !== a[d]) return null;
    delete a[d];
  }
  return key(a);
}

/** The quality counts: rankings show each child's overall checked and failed, rule lists each failing rule's. */
async function qualityEquations(
  system: DisclosureSystem,
  conn: Awaited<ReturnType<Warehouse['connect']>>,
  periods: string[],
  fetchText: (path: string) => Promise<string>,
): Promise<void> {
  for (const period of periods) {
    const scores = await readRows<{ level: string; code: string; parent_code: string | null; dimension: string; checked: number; failed: number }>(
      conn,
      `select unit_level as level, unit_code as code, parent_code, dimension, checked, failed from quality.dq_unit_scores where period = $1`,
      [period],
    );
    const rules = await readRows<{ level: string; code: string; dimension: string; rule_id: string; checked: number; failed: number }>(
      conn,
      `select unit_level as level, unit_code as code, dimension, rule_id, checked, failed from quality.dq_rule_results where period = $1`,
      [period],
    );
    const units = await readRows<{ unit_key: string; unit_level: string; unit_code: string }>(
      conn,
      `select d.unit_key, d.unit_level, d.unit_code from core.dim_units d join core.dim_periods p on p.period = $1
       where d.valid_from <= p.census_day and coalesce(d.valid_to, date '9999-12-31') >= p.census_day
         and (d.unit_level, d.unit_code) in (select unit_level, unit_code from quality.dq_unit_scores where period = $1)`,
      [period],
    );
    const id = (count: string, unit: string, cell: string) => `quality ${period}|${count}|${unit}|${cell}`;
    const cells = new Map<string, Map<string, { checked: number; failed: number }>>();
    const put = (unit: string, cell: string, v: { checked: number; failed: number }) => (cells.get(unit) ?? cells.set(unit, new Map()).get(unit)!).set(cell, v);
    for (const s of scores) put(`${s.level}|${s.code}`, s.dimension === 'overall' ? '' : `qdim=${s.dimension}`, s);
    for (const r of rules) put(`${r.level}|${r.code}`, `qdim=${r.dimension};rule=${r.rule_id}`, r);
    for (const [unit, m] of cells) {
      for (const [cell, v] of m) {
        system.unseen(id('checked', unit, cell), v.checked);
        system.unseen(id('failed', unit, cell), v.failed);
      }
    }
    // what the exports show
    for (const u of units) {
      const q = `period=${period}&unit=${encodeURIComponent(u.unit_key)}&format=csv`;
      for (const r of parseCsv(await fetchText(`/api/quality/scores?${q}`))) {
        for (const count of ['checked', 'failed'] as const) {
          const f = figure(r[count]);
          if (f === null) continue;
          const truth = cells.get(`${r.unit_level}|${r.unit_code}`)?.get('')?.[count];
          if (truth === undefined) continue;
          if (f !== 'hidden') expect(f).toBe(truth);
          system.see(id(count, `${r.unit_level}|${r.unit_code}`, ''), truth, f !== 'hidden');
        }
      }
      for (const r of parseCsv(await fetchText(`/api/quality/rules?${q}`))) {
        const cell = `qdim=${r.dimension};rule=${r.rule_id}`;
        for (const count of ['checked', 'failed'] as const) {
          const truth = cells.get(`${u.unit_level}|${u.unit_code}`)!.get(cell)![count];
          const f = figure(r[count]);
          if (f !== 'hidden') expect(f).toBe(truth);
          system.see(id(count, `${u.unit_level}|${u.unit_code}`, cell), truth, f !== 'hidden');
        }
      }
    }
    // a rule not listed has failed nothing: its failed count is a known zero
    for (const count of ['checked', 'failed'] as const) {
      for (const [unit, m] of cells) {
        const dims = [...m.keys()].filter((c) => c.startsWith('qdim=') && !c.includes(';'));
        if (m.has('')) quality(system, id, count, unit, '', dims, m);
        for (const d of dims)
          quality(
            system,
            id,
            count,
            unit,
            d,
            [...m.keys()].filter((c) => c.startsWith(`${d};`)),
            m,
          );
      }
      const parentOf = (s: { level: string; code: string; parent_code: string | null }) => {
        if (s.level === 'nation' || !s.parent_code) return undefined;
        if (s.level === 'province') return 'nation|VN';
        if (s.level !== 'school') return `province|${s.parent_code}`;
        return ['commune', 'district'].map((l) => `${l}|${s.parent_code}`).find((k) => cells.has(k));
      };
      const kids = new Map<string, string[]>();
      for (const s of scores.filter((x) => x.dimension === 'overall')) {
        const p = parentOf(s);
        if (p) (kids.get(p) ?? kids.set(p, []).get(p)!).push(`${s.level}|${s.code}`);
      }
      for (const [parent, list] of kids) {
        for (const [cell, v] of cells.get(parent) ?? []) {
          const terms: Array<[string, number]> = [[id(count, parent, cell), 1]];
          let sum = 0;
          for (const c of list) {
            const cv = cells.get(c)?.get(cell);
            if (!cv) continue;
            terms.push([id(count, c, cell), -1]);
            sum += cv[count];
          }
          const rest = id(count, `rest of ${parent}`, cell);
          system.unseen(rest, v[count] - sum);
          system.equation([...terms, [rest, -1]]);
        }
      }
    }
  }
}

function quality(
  system: DisclosureSystem,
  id: (count: string, unit: string, cell: string) => string,
  count: 'checked' | 'failed',
  unit: string,
  total: string,
  parts: string[],
  m: Map<string, { checked: number; failed: number }>,
): void {
  const rest = id(count, unit, `${total}|?`);
  system.unseen(rest, m.get(total)![count] - parts.reduce((s, p) => s + m.get(p)![count], 0));
  system.equation([[id(count, unit, total), 1], ...parts.map((p): [string, number] => [id(count, unit, p), -1]), [rest, -1]]);
}
