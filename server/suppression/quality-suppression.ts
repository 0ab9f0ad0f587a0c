/**
 * Small-cell suppression of the data-quality counts that exports publish: each unit's overall
 * `checked` and `failed` records (rankings) and each failing rule's (rule lists). They add up
 * like the indicators' counts: a unit's overall figure is the sum of its five dimensions', a
 * dimension's the sum of its rules', a parent's the sum of its children's; the dimensions' own
 * counts and the passing rules' checked counts are never published, but are cells of the same
 * tables. Families follow the quality marts' own hierarchy (quality.dq_unit_scores.parent_code),
 * top-down from the nation (family-cascade.ts).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { readRows } from '../db/read-rows.ts';
import type { Period, Unit } from '../units/units.queries.ts';
import { FamilyCascade, type DecisionCache } from './family-cascade.ts';
import type { FamilyCell, Status } from './protect-family.ts';

/** A unit as the quality marts name it. */
type QualityUnit = { level: string; code: string };

const CHILD_LEVELS: Record<string, string[]> = { nation: ['province'], province: ['district', 'commune'], district: ['school'], commune: ['school'] };
const SHOWN: Record<Status, string | null> = { shown: null, small: '<10', hidden: 'x' };

/** Statuses of `checked` and `failed` by row key ('<10', 'x' or null); a row not listed is hidden whole. */
export type HiddenCounts = { keys: string[]; checked: Array<string | null>; failed: Array<string | null> };

export class QualitySuppression {
  private readonly cascade: FamilyCascade<QualityUnit>;

  constructor(
    private readonly conn: DuckDBConnection,
    private readonly period: Period,
    cache?: { decisions: DecisionCache; version: string },
  ) {
    this.cascade = new FamilyCascade<QualityUnit>(
      {
        name: `quality ${period.period}`,
        key: (u) => `${u.level}|${u.code}`,
        parent: (u) => this.parent(u),
        children: (u) => this.children(u),
        cells: (parent, children) => this.cells([parent, ...children]),
      },
      cache,
    );
  }

  /** A count's status, or 'hidden' when its value is not the one it was decided for. */
  private async status(u: QualityUnit, count: string, cell: string, value: number): Promise<Status> {
    const d = await this.cascade.decision(u, count, cell);
    return d && d.value === value ? d.status : 'hidden';
  }

  /** The statuses of the overall counts of these units, by `unit_level|unit_code`. */
  async overall(units: readonly Unit[]): Promise<HiddenCounts> {
    const rows = await readRows<{ level: string; code: string; checked: number; failed: number }>(
      this.conn,
      `select unit_level as level, unit_code as code, checked, failed from quality.dq_unit_scores
       where period = $1 and dimension = 'overall' and list_contains($2::varchar[], unit_level || '|' || unit_code)`,
      [this.period.period, units.map((u) => `${u.unit_level}|${u.unit_code}`)],
    );
    const out: HiddenCounts = { keys: [], checked: [], failed: [] };
    for (const r of rows) {
      const q = { level: r.level, code: r.code };
      out.keys.push(`${q.level}|${q.code}`);
      out.checked.push(SHOWN[await this.status(q, 'checked', '', r.checked)]);
      out.failed.push(SHOWN[await this.status(q, 'failed', '', r.failed)]);
    }
    return out;
  }

  /** The statuses of the counts of a unit's failing rules, by rule id. */
  async rules(unit: Unit): Promise<HiddenCounts> {
    const q = { level: unit.unit_level, code: unit.unit_code };
    const rows = await readRows<{ rule_id: string; dimension: string; checked: number; failed: number }>(
      this.conn,
      `select rule_id, dimension, checked, failed from quality.dq_rule_results where period = $1 and unit_level = $2 and unit_code = $3 and failed > 0`,
      [this.period.period, q.level, q.code],
    );
    const out: HiddenCounts = { keys: [], checked: [], failed: [] };
    for (const r of rows) {
      const cell = ruleCell(r.dimension, r.rule_id);
      out.keys.push(r.rule_id);
      out.checked.push(SHOWN[await this.status(q, 'checked', cell, r.checked)]);
      out.failed.push(SHOWN[await this.status(q, 'failed', cell, r.failed)]);
    }
    return out;
  }

  private async parent(u: QualityUnit): Promise<QualityUnit | undefined> {
    if (u.level === 'nation') return undefined;
    const nation = { level: 'nation', code: 'VN' };
    if (u.level === 'province') return nation;
    const [own] = await readRows<{ parent_code: string | null }>(
      this.conn,
      `select parent_code from quality.dq_unit_scores where period = $1 and unit_level = $2 and unit_code = $3 and dimension = 'overall' limit 1`,
      [this.period.period, u.level, u.code],
    );
    if (!own?.parent_code) return nation;
    if (u.level !== 'school') return { level: 'province', code: own.parent_code };
    // a school's parent is a commune or, before 2025, a district
    const [parent] = await readRows<{ level: string }>(
      this.conn,
      `select unit_level as level from quality.dq_unit_scores
       where period = $1 and unit_code = $2 and unit_level in ('commune', 'district') and dimension = 'overall' limit 1`,
      [this.period.period, own.parent_code],
    );
    return parent ? { level: parent.level, code: own.parent_code } : nation;
  }

  private async children(u: QualityUnit): Promise<QualityUnit[]> {
    return readRows<QualityUnit>(
      this.conn,
      `select unit_level as level, unit_code as code from quality.dq_unit_scores
       where period = $1 and parent_code = $2 and dimension = 'overall' and list_contains($3::varchar[], unit_level)
       order by unit_level, unit_code`,
      [this.period.period, u.code, CHILD_LEVELS[u.level] ?? []],
    );
  }

  private async cells(units: QualityUnit[]) {
    const keys = units.map((u) => `${u.level}|${u.code}`);
    const scores = await readRows<{ level: string; code: string; dimension: string; checked: number; failed: number }>(
      this.conn,
      `select unit_level as level, unit_code as code, dimension, checked, failed from quality.dq_unit_scores
       where period = $1 and list_contains($2::varchar[], unit_level || '|' || unit_code)`,
      [this.period.period, keys],
    );
    const rules = await readRows<{ level: string; code: string; dimension: string; rule_id: string; checked: number; failed: number }>(
      this.conn,
      `select unit_level as level, unit_code as code, dimension, rule_id, checked, failed from quality.dq_rule_results
       where period = $1 and list_contains($2::varchar[], unit_level || '|' || unit_code)`,
      [this.period.period, keys],
    );
    const counts = new Map<string, FamilyCell[]>([
      ['checked', []],
      ['failed', []],
    ]);
    for (const s of scores) {
      const unit = `${s.level}|${s.code}`;
      // rankings publish the overall counts; a dimension's counts only as its score
      const cell = s.dimension === 'overall' ? '' : `qdim=${s.dimension}`;
      counts.get('checked')!.push({ unit, cell, value: s.checked, published: s.dimension === 'overall' });
      counts.get('failed')!.push({ unit, cell, value: s.failed, published: s.dimension === 'overall' });
    }
    for (const r of rules) {
      const unit = `${r.level}|${r.code}`;
      // rule lists publish the failing rules; a passing rule's failed count is a known zero
      counts.get('checked')!.push({ unit, cell: ruleCell(r.dimension, r.rule_id), value: r.checked, published: r.failed > 0 });
      counts.get('failed')!.push({ unit, cell: ruleCell(r.dimension, r.rule_id), value: r.failed, published: true });
    }
    return { counts };
  }
}

function ruleCell(dimension: string, ruleId: string): string {
  return `qdim=${dimension};rule=${ruleId}`;
}
