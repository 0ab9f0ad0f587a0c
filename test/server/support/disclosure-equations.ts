/**
 * The equations a reader of the exports can write, for the disclosure proof (disclosure.test.ts):
 * the cell keys of the publication file, the equations within one unit, a school's public
 * ownership and zone, and the quality counts from rules to dimensions and from children to parents.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Warehouse } from '../../../lib/warehouse.ts';
import { readRows } from '../../../server/db/read-rows.ts';
import { parseCsv } from './csv-parse.ts';
import type { DisclosureSystem } from './disclosure-solver.ts';
export type CountRef = { count: string; cell?: Record<string, string>; period?: 'start_of_year' };
export const PUBLICATION = JSON.parse(readFileSync(new URL('../../../data/indicators/publication.json', import.meta.url), 'utf8')) as {
  dimensions: Array<{ code: string }>;
  counts: Record<string, { numerator: CountRef; denominator?: CountRef }>;
};
export const DIMENSIONS = PUBLICATION.dimensions.map((d) => d.code);

export const key = (a: Record<string, string>) =>
  Object.keys(a)
    .sort()
    .map((d) => `${d}=${a[d]}`)
    .join(';');
export const parse = (k: string): Record<string, string> => (k === '' ? {} : Object.fromEntries(k.split(';').map((p) => p.split('=') as [string, string])));
export const cellOf = (breakdown: string, fixed?: Record<string, string>) =>
  key({ ...(breakdown === 'total' ? {} : Object.fromEntries([breakdown.split('=') as [string, string]])), ...fixed });
export const figure = (raw: string): number | 'hidden' | null => {
  const s = raw.replace(/^"(.*)"$/, '$1');
  return s === '' ? null : s === '<10' || s === 'x' ? 'hidden' : Number(s);
};

/** Within one unit: the cells that differ in one dimension sum to the cell without it, plus a rest ('?'). */
export function rowEquations(system: DisclosureSystem, prefix: string, cells: Map<string, number>, gradeLevels?: ReadonlyMap<string, string>): void {
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
  // a level is the sum of its grades (the code list gives each grade its level): preschool shown
  // beside mẫu giáo shown tells nhà trẻ
  for (const [cell, value] of cells) {
    const a = parse(cell);
    if (a.level === undefined || a.grade !== undefined || !gradeLevels) continue;
    const { level, ...others } = a;
    const parts = [...gradeLevels].filter(([, l]) => l === level).map(([g]) => key({ ...others, grade: g }));
    const present = parts.filter((p) => cells.has(p));
    if (!present.length) continue;
    const terms: Array<[string, number]> = [[`${prefix}|${cell}`, 1], ...present.map((p): [string, number] => [`${prefix}|${p}`, -1])];
    const left = value - present.reduce((s, p) => s + cells.get(p)!, 0);
    if (left !== 0) {
      system.unseen(`${prefix}|${cell}|grades|rest`, left);
      terms.push([`${prefix}|${cell}|grades|rest`, -1]);
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
export function aliased(cell: string, attributes: Record<string, string> | undefined): string | null {
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
export async function qualityEquations(
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
