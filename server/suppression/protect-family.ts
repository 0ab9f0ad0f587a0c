/**
 * Small-cell suppression of one family table: a parent unit and the units directly below it,
 * every published cell of one count (the total and every breakdown, crossed where published).
 * The table's equations are the ones a reader can use:
 * - within a unit, for each dimension: total = sum of its values + the rest ('?': unknown sex...);
 * - across units, for each cell: parent = sum of the children + the rest (children not listed);
 * - a school's ownership and zone are public knowledge: its ownership=public cell is its total
 *   when it is public, zero otherwise;
 * - a level is the sum of its grades + the rest (`gradeLevels`, the code list DM_KHOI as
 *   core.dim_grades holds it: preschool shown beside mẫu giáo shown tells nhà trẻ).
 * The rests are cells too, never published but derivable.
 *
 * Rules (DOMAIN.md, "Privacy and disclosure"): a published count from 1 to 9 is shown as '<10'
 * (`small`); zero stays zero. Then, while the equations, with the shown cells and every zero as
 * known, determine a hidden cell or a small rest (1 to 9, or -9 to -1 where a dimension counts a
 * school under several levels), more cells are hidden ('x', `hidden`): the cheapest set of
 * shown cells whose hiding lets the disclosed one change (a total costing far more than the cells
 * below it). The parent's cells are fixed by the family
 * above (top-down, so that every table that holds a cell decides it the same way); only the
 * children's cells are chosen here, except for the root. Where a child's only non-zero part of a
 * cell is one of its own children, that grandchild's table is looked at too (`below`), since
 * the family below could not protect it otherwise. Where the parent's fixed cells still leave a
 * cell determined, the result names them (`needs`) for the family above to hide (`force`;
 * family-cascade.ts).
 */
import { cellKey, parseCell } from './cell-key.ts';
import { OpenSystem, type Equation } from './linear-system.ts';

/** '<10' is `small`, 'x' is `hidden`. */
export type Status = 'shown' | 'small' | 'hidden';

/** A cell of the family: a unit's count at one breakdown assignment. */
export type FamilyCell = { unit: string; cell: string; value: number; published: boolean };

export type Family = {
  parent: string;
  children: readonly string[];
  cells: readonly FamilyCell[];
  /** The statuses of the parent's published cells, decided in the family above; absent for the root. */
  fixed?: ReadonlyMap<string, Status>;
  /** What is known of a child without being published (a school's ownership and zone). */
  attributes?: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /**
   * Units further down whose cells the families below will decide, looked at here so that what
   * this family decides leaves those families a way to protect theirs: the children's children
   * that are the only non-zero part of some cell of their parent, and theirs in turn (a district
   * whose only preschool is one school: whatever hides the district's preschool cells decides
   * the school's). Each with its parent (a child or another of them); their statuses are not
   * returned.
   */
  below?: ReadonlyArray<{ unit: string; parent: string }>;
  /**
   * The level of each grade (core.dim_grades, from the code list DM_KHOI), which every reader
   * knows: a level's cell is the sum of its grades'. Tables without grades (quality) have none.
   */
  gradeLevels?: ReadonlyMap<string, string>;
  /**
   * Children's cells (`unit \u0000 cell`) to hide whatever their value: the cells the families
   * below need hidden here (`needs`), since the parent's fixed cells leave them no other way.
   */
  force?: ReadonlySet<string>;
};

export type FamilyResult = {
  /** Status of every published cell, by `unit \u0000 cell`. */
  statuses: Map<string, Status>;
  /** Cells still determined when no shown cell of the children was left to hide. */
  unprotected: string[];
  /**
   * The parent's shown cells (cell keys) whose hiding, in the family above, would free the
   * unprotected ones: what the family's own equations fix there (a commune's preschool staff
   * and its non-public staff, shown above, give its one public preschool's '<10' when every
   * non-public school is a preschool) was out of the family above's sight.
   */
  needs: string[];
};

/** The threshold: counts strictly below it (and not zero) are small. */
export const SMALL_CELL_THRESHOLD = 10;

/** A cell; `loose` for the rest of a column whose parts are only partly looked at (never a target: it sums several children). */
type Var = { id: string; value: number; published: boolean; fixed: boolean; status: Status | null; lookahead: boolean; loose?: boolean };

const REST = '\u0001rest';
const idOf = (unit: string, cell: string) => `${unit}\u0000${cell}`;
const isSmall = (v: number) => v !== 0 && Math.abs(v) < SMALL_CELL_THRESHOLD;
/** How much more hiding a parent's cell costs than a child's of the same value. */
const PARENT_COST = 1_000_000;

/** Suppresses one family table; see the module comment. */
export function protectFamily(f: Family): FamilyResult {
  const vars = new Map<string, Var>();
  const byUnit = new Map<string, Map<string, Var>>();
  const relations: Array<Array<[Var, number]>> = [];
  const below = f.below ?? [];
  const lookahead = new Set(below.map((b) => b.unit));
  for (const unit of [f.parent, ...f.children, ...lookahead]) byUnit.set(unit, new Map());
  const sorted = [...f.cells].sort((a, b) => (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : a.cell < b.cell ? -1 : a.cell > b.cell ? 1 : 0));
  for (const c of sorted) {
    const cells = byUnit.get(c.unit);
    if (!cells || cells.has(c.cell)) continue;
    const fixed = c.unit === f.parent && f.fixed !== undefined;
    const id = idOf(c.unit, c.cell);
    const status: Status | null = !c.published
      ? null
      : fixed
        ? (f.fixed!.get(c.cell) ?? 'hidden')
        : isSmall(c.value)
          ? 'small'
          : c.value !== 0 && f.force?.has(id)
            ? 'hidden'
            : 'shown';
    const v: Var = { id, value: c.value, published: c.published, fixed, status, lookahead: lookahead.has(c.unit) };
    vars.set(v.id, v);
    cells.set(c.cell, v);
  }
  for (const [unit, cells] of byUnit) relations.push(...rowRelations(unit, cells, vars, f.gradeLevels));
  relations.push(...columnRelations(f.parent, f.children, byUnit, vars, f.attributes));
  const kids = new Map<string, string[]>();
  for (const b of below) (kids.get(b.parent) ?? kids.set(b.parent, []).get(b.parent)!).push(b.unit);
  for (const [unit, list] of kids) if (byUnit.has(unit)) relations.push(...columnRelations(unit, list, byUnit, vars, f.attributes, true));

  const known = isKnown;
  const isTarget = (v: Var) => (v.published ? v.status !== 'shown' : isSmall(v.value) && !v.loose);
  const unprotected = new Set<string>();

  // The cells that can change (unknown, or shown and hideable) stay the same throughout: a cell
  // is only ever hidden from among the hideable ones. Their equations are reduced once
  // (linear-system.ts, OpenSystem) and kept reduced as cells are hidden, so that whether a cell
  // is determined, and the cheapest set of shown cells whose hiding lets it change, are read
  // off the rows instead of solving the table again.
  const isParent = (v: Var) => v.id.startsWith(`${f.parent}\u0000`);
  const hideable = (v: Var) => v.published && !v.fixed && v.status === 'shown' && v.value !== 0;
  // the parent's cells cost far more than any child's, so that a total is hidden only when nothing below it will do
  const costOf = (v: Var) => (!known(v) ? 0 : Math.abs(v.value) * (isParent(v) ? PARENT_COST : 1));
  const columns = [...vars.values()].filter((v) => !known(v) || hideable(v)).sort(byId);
  const index = new Map(columns.map((v, i) => [v, i]));
  const equations: Equation[] = relations.map((r) => r.flatMap(([v, c]) => (index.has(v) ? [[index.get(v)!, c] as const] : [])));
  const system = new OpenSystem(
    equations.filter((e) => e.length > 0),
    columns.map(costOf),
    columns.map((v) => !known(v)),
  );
  const disclosedNow = (v: Var) => system.determined(index.get(v)!);
  let check = columns.filter((v) => isTarget(v) && !known(v));
  for (;;) {
    const disclosed = check.filter((v) => isTarget(v) && !unprotected.has(v.id) && disclosedNow(v)).sort(byId);
    if (disclosed.length === 0) break;
    // every disclosed cell is freed in turn, each seeing the cells hidden for the ones before it;
    // the cells whose rows those hidings changed are checked again in the next round
    const next = new Set<Var>();
    for (const t of disclosed) {
      if (!disclosedNow(t)) continue;
      const support = system.cheapest(index.get(t)!, (k) => costOf(columns[k]))?.map((k) => columns[k]);
      if (!support) {
        unprotected.add(t.id);
        continue;
      }
      for (const v of support.filter(known)) {
        v.status = 'hidden';
        next.add(v);
        for (const k of system.makeUnknown(index.get(v)!)) next.add(columns[k]);
      }
    }
    check = [...next];
  }

  const statuses = new Map<string, Status>();
  for (const v of vars.values()) if (v.published && v.status && !v.lookahead) statuses.set(v.id, v.status);
  const left = [...unprotected].sort().map((id) => vars.get(id)!);
  return { statuses, unprotected: [...unprotected], needs: left.length ? parentNeeds(vars.values(), relations, left, f.parent) : [] };
}

/**
 * The parent's fixed shown cells whose hiding would free `left` (cells that no hiding of a
 * child's cell frees): the same equations with those cells hideable too, at a cost above any
 * other, each cell of `left` freed in turn as the family frees its own.
 */
function parentNeeds(vars: Iterable<Var>, relations: ReadonlyArray<ReadonlyArray<[Var, number]>>, left: readonly Var[], parent: string): string[] {
  const known = isKnown;
  const open = (v: Var) => v.published && v.status === 'shown' && v.value !== 0;
  const columns = [...vars].filter((v) => !known(v) || open(v)).sort(byId);
  const index = new Map(columns.map((v, i) => [v, i]));
  const cost = (v: Var) => (!known(v) ? 0 : Math.abs(v.value) * (v.fixed ? PARENT_COST * PARENT_COST : v.id.startsWith(`${parent}\u0000`) ? PARENT_COST : 1));
  const equations: Equation[] = relations.map((r) => r.flatMap(([v, c]) => (index.has(v) ? [[index.get(v)!, c] as const] : [])));
  const system = new OpenSystem(
    equations.filter((e) => e.length > 0),
    columns.map(cost),
    columns.map((v) => !known(v)),
  );
  const needs = new Set<string>();
  for (const t of left) {
    if (!system.determined(index.get(t)!)) continue;
    const support = system.cheapest(index.get(t)!, (k) => cost(columns[k]));
    for (const k of support ?? []) {
      const v = columns[k];
      if (!known(v)) continue;
      system.makeUnknown(k);
      if (v.fixed) needs.add(v.id.slice(parent.length + 1));
    }
  }
  return [...needs].sort();
}

/** Within one unit: each group of cells that differ in one dimension sums to the cell without it. */
function rowRelations(unit: string, cells: Map<string, Var>, vars: Map<string, Var>, gradeLevels: Family['gradeLevels']): Array<Array<[Var, number]>> {
  type Group = { total: string; dim: string; parts: Set<string> };
  let groups = new Map<string, Group>();
  const collect = () => {
    groups = new Map();
    for (const key of cells.keys()) {
      const a = parseCell(key);
      for (const d of Object.keys(a)) {
        const rest = { ...a };
        delete rest[d];
        const total = cellKey(rest);
        const gk = `${total}|${d}`;
        (groups.get(gk) ?? groups.set(gk, { total, dim: d, parts: new Set() }).get(gk)!).parts.add(key);
      }
    }
  };
  // the rests: each group with a total gets its '?' cell, which may form groups of its own
  for (let added = true; added;) {
    added = false;
    collect();
    for (const g of groups.values()) {
      const total = cells.get(g.total);
      if (!total) continue;
      const rest = cellKey({ ...parseCell(g.total), [g.dim]: '?' });
      if (cells.has(rest)) continue;
      const value = total.value - [...g.parts].reduce((s, k) => s + cells.get(k)!.value, 0);
      const v: Var = { id: idOf(unit, rest), value, published: false, fixed: false, status: null, lookahead: false };
      vars.set(v.id, v);
      cells.set(rest, v);
      added = true;
    }
  }
  const out: Array<Array<[Var, number]>> = [];
  for (const [gk, g] of groups) {
    const total = cells.get(g.total);
    if (!total) continue;
    const members: Array<[Var, number]> = [[total, 1], ...[...g.parts].map((k): [Var, number] => [cells.get(k)!, -1])];
    // A '?' cell another group made can mean other cases here, when this group lists other values
    // (learners of unknown sex: grade 7 has no sex split where its only learner is a girl): what is
    // left over is this group's own rest, so that every equation holds.
    out.push(withRest(members, idOf(unit, `${gk}|rest`), vars));
  }
  out.push(...levelRelations(unit, cells, vars, gradeLevels));
  return out;
}

/** Within one unit: a level's cell is the sum of its grades' cells (same other dimensions) and a rest. */
function levelRelations(
  unit: string,
  cells: Map<string, Var>,
  vars: Map<string, Var>,
  gradeLevels: ReadonlyMap<string, string> | undefined,
): Array<Array<[Var, number]>> {
  const out: Array<Array<[Var, number]>> = [];
  if (!gradeLevels?.size) return out;
  const gradesOf = new Map<string, Array<[string, Var]>>();
  for (const [key, v] of cells) {
    const { grade, ...others } = parseCell(key);
    const level = grade === undefined || others.level !== undefined ? undefined : gradeLevels.get(grade);
    if (!level) continue;
    const total = cellKey({ ...others, level });
    (gradesOf.get(total) ?? gradesOf.set(total, []).get(total)!).push([key, v]);
  }
  for (const [key, parts] of gradesOf) {
    const total = cells.get(key);
    if (!total) continue;
    out.push(withRest([[total, 1], ...parts.map(([, v]): [Var, number] => [v, -1])], idOf(unit, `${key}|grades|rest`), vars));
  }
  return out;
}

/** The equation `members` with, when its values leave something over, an unpublished rest `id` that holds it. */
function withRest(members: Array<[Var, number]>, id: string, vars: Map<string, Var>): Array<[Var, number]> {
  const left = members.reduce((s, [v, c]) => s + c * v.value, 0);
  if (left === 0) return members;
  const own: Var = { id, value: left, published: false, fixed: false, status: null, lookahead: false };
  vars.set(own.id, own);
  return [...members, [own, -1]];
}

/** Across units: each of the parent's cells is the sum of the children's and the rest's. */
function columnRelations(
  parent: string,
  children: readonly string[],
  byUnit: Map<string, Map<string, Var>>,
  vars: Map<string, Var>,
  attributes: Family['attributes'],
  partial = false,
): Array<Array<[Var, number]>> {
  const out: Array<Array<[Var, number]>> = [];
  for (const [key, total] of byUnit.get(parent)!) {
    const members: Array<[Var, number]> = [[total, 1]];
    let sum = 0;
    for (const child of children) {
      const v = childCell(child, key, byUnit, attributes);
      if (v === 'zero' || v === undefined) continue;
      members.push([v, -1]);
      sum += v.value;
    }
    const rest: Var = {
      id: idOf(`${REST} ${parent}`, key),
      value: total.value - sum,
      published: false,
      fixed: false,
      status: null,
      lookahead: false,
      loose: partial,
    };
    vars.set(rest.id, rest);
    members.push([rest, -1]);
    out.push(members);
  }
  return out;
}

/** A child's cell, reading a known attribute (a school's ownership) as the cell without it. */
function childCell(child: string, key: string, byUnit: Map<string, Map<string, Var>>, attributes: Family['attributes']): Var | 'zero' | undefined {
  const own = attributes?.get(child);
  if (!own) return byUnit.get(child)!.get(key);
  const a = parseCell(key);
  for (const d of Object.keys(a)) {
    if (own[d] === undefined) continue;
    if (own[d] !== a[d]) return 'zero';
    delete a[d];
  }
  return byUnit.get(child)!.get(cellKey(a));
}

/**
 * Whether a reader knows a cell: a published one when shown; an unpublished one (a rest, or a
 * loose rest standing for the children not looked at) when zero, since counts are never negative
 * and a zero sum is zero parts.
 */
const isKnown = (v: Var) => (v.published ? v.status === 'shown' : v.value === 0);

const byId = (a: Var, b: Var) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
