/**
 * The pieces of small-cell suppression on tables worked out by hand: which unknowns a set of
 * equations fixes, the cheapest cells to hide to free one, and a family table's decisions.
 */
import { describe, expect, it } from 'vitest';
import { cheapestFreeing, determinedUnknowns, OpenSystem } from '../../server/suppression/linear-system.ts';
import { FamilyCascade } from '../../server/suppression/family-cascade.ts';
import { protectFamily, type FamilyCell } from '../../server/suppression/protect-family.ts';
import { DisclosureSystem } from './support/disclosure-solver.ts';

describe('determinedUnknowns', () => {
  it('finds the unknowns the equations fix, and only those', () => {
    // x0 + x1 = a, x1 = b fix both; x2 + x3 = c fixes neither
    expect(
      determinedUnknowns([
        [
          [0, 1],
          [1, 1],
        ],
        [[1, 1]],
        [
          [2, 1],
          [3, 1],
        ],
      ]),
    ).toEqual(new Set([0, 1]));
    // the four inner cells of a 2 x 2 table with its margins shown: none is fixed
    expect(
      determinedUnknowns([
        [
          [0, 1],
          [1, 1],
        ],
        [
          [2, 1],
          [3, 1],
        ],
        [
          [0, 1],
          [2, 1],
        ],
        [
          [1, 1],
          [3, 1],
        ],
      ]),
    ).toEqual(new Set());
  });

  it('agrees with rank arithmetic on random systems', () => {
    const rank = (m: number[][]) => {
      const a = m.map((r) => [...r]);
      let rk = 0;
      for (let c = 0; c < (a[0]?.length ?? 0) && rk < a.length; c++) {
        const p = a.findIndex((r, i) => i >= rk && Math.abs(r[c]) > 1e-9);
        if (p < 0) continue;
        [a[rk], a[p]] = [a[p], a[rk]];
        for (let r = 0; r < a.length; r++) if (r !== rk) a[r] = a[r].map((v, k) => v - (a[r][c] / a[rk][c]) * a[rk][k]);
        rk++;
      }
      return rk;
    };
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let t = 0; t < 200; t++) {
      const n = 3 + Math.floor(rand() * 8);
      const m = Array.from({ length: 1 + Math.floor(rand() * 8) }, () => Array.from({ length: n }, () => (rand() < 0.35 ? (rand() < 0.5 ? 1 : -1) : 0)));
      const got = determinedUnknowns(m.map((r) => r.flatMap((v, i) => (v ? [[i, v] as const] : []))));
      for (let i = 0; i < n; i++) expect(got.has(i)).toBe(rank([...m, m[0].map((_, k) => (k === i ? 1 : 0))]) === rank(m));
    }
  });
});

describe('cheapestFreeing', () => {
  it('names the cheapest shown cells whose hiding lets a fixed unknown move', () => {
    // x0 + x1 = a, x1 + x2 = b; x0, x1 unknown; x2 shown (5), x3 shown (1) unrelated
    expect(
      cheapestFreeing(
        [
          [
            [0, 1],
            [1, 1],
          ],
          [
            [1, 1],
            [2, 1],
          ],
        ],
        0,
        [0, 0, 5, 1],
      )!.sort(),
    ).toEqual([0, 1, 2]);
  });

  it('frees the target whenever hiding can, on random systems: with its answer hidden too, the target is no longer determined', () => {
    let seed = 11;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let freed = 0;
    let fixed = 0;
    for (let t = 0; t < 300; t++) {
      const n = 4 + Math.floor(rand() * 10);
      const m = Array.from({ length: 1 + Math.floor(rand() * 8) }, () => Array.from({ length: n }, () => (rand() < 0.35 ? (rand() < 0.5 ? 1 : -1) : 0)));
      // columns of cost 0 are unknown; the others are shown cells that hiding would make unknown
      const cost = Array.from({ length: n }, () => (rand() < 0.4 ? 0 : 1 + Math.floor(rand() * 20)));
      const target = Math.floor(rand() * n);
      cost[target] = 0;
      const equations = m.map((r) => r.flatMap((v, i) => (v ? [[i, v] as const] : [])));
      const determinedWith = (unknown: Set<number>) => determinedUnknowns(equations.map((e) => e.filter(([c]) => unknown.has(c)))).has(target);
      const zero = new Set(cost.flatMap((c, i) => (c === 0 ? [i] : [])));
      if (!determinedWith(zero)) continue;
      const support = cheapestFreeing(equations, target, cost);
      const all = new Set(cost.map((_, i) => i));
      if (support === undefined) {
        // nothing frees it: determined even when every cell is unknown
        expect(determinedWith(all)).toBe(true);
        fixed++;
      } else {
        expect(support).toContain(target);
        expect(determinedWith(new Set([...zero, ...support]))).toBe(false);
        freed++;
      }
    }
    expect(freed).toBeGreaterThan(20);
    expect(fixed).toBeGreaterThan(5);
  });
});

describe('OpenSystem', () => {
  it('says what the equations determine as columns turn unknown one by one, as solving afresh does, and frees what it names', () => {
    let seed = 23;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let determinedSeen = 0;
    let freedSeen = 0;
    for (let t = 0; t < 300; t++) {
      const n = 4 + Math.floor(rand() * 12);
      const m = Array.from({ length: 1 + Math.floor(rand() * 10) }, () => Array.from({ length: n }, () => (rand() < 0.35 ? (rand() < 0.5 ? 1 : -1) : 0)));
      const equations = m.map((r) => r.flatMap((v, i) => (v ? [[i, v] as const] : [])));
      const cost = Array.from({ length: n }, () => 1 + Math.floor(rand() * 20));
      const unknown = new Set(cost.flatMap((_, i) => (rand() < 0.3 ? [i] : [])));
      const system = new OpenSystem(
        equations,
        cost.map((c, i) => (unknown.has(i) ? 0 : c)),
        cost.map((_, i) => unknown.has(i)),
      );
      const afresh = () => determinedUnknowns(equations.map((e) => e.filter(([c]) => unknown.has(c))));
      for (const next of [...Array(n).keys()].sort(() => rand() - 0.5)) {
        const expected = afresh();
        for (let c = 0; c < n; c++) expect(system.determined(c), `system ${t}, column ${c}`).toBe(expected.has(c));
        determinedSeen += expected.size;
        // a vector it names for a determined column is a way to free it
        const target = [...expected][0];
        if (target !== undefined) {
          const support = system.cheapest(target, (c) => (unknown.has(c) ? 0 : cost[c]));
          const all = new Set(cost.map((_, i) => i));
          if (support) {
            const freed = new Set([...unknown, ...support]);
            expect(determinedUnknowns(equations.map((e) => e.filter(([c]) => freed.has(c)))).has(target)).toBe(false);
            freedSeen++;
          } else expect(determinedUnknowns(equations.map((e) => e.filter(([c]) => all.has(c)))).has(target)).toBe(true);
        }
        unknown.add(next);
        system.makeUnknown(next);
      }
    }
    expect(determinedSeen).toBeGreaterThan(500);
    expect(freedSeen).toBeGreaterThan(100);
  });
});

const row = (unit: string, total: number, female: number, male: number): FamilyCell[] => [
  { unit, cell: '', value: total, published: true },
  { unit, cell: 'sex=female', value: female, published: true },
  { unit, cell: 'sex=male', value: male, published: true },
];
const hiddenOf = (statuses: Map<string, string>) =>
  [...statuses]
    .filter(([, s]) => s !== 'shown')
    .map(([k, s]) => `${k.replace('\u0000', ' ')}: ${s}`)
    .sort();

describe('protectFamily', () => {
  it('hides a small count and, among its siblings, the smallest that keeps it from being subtracted', () => {
    // commune 130 = A 5 + B 100 + C 25 (totals only): A '<10'; C, the next smallest, 'x'
    const cells: FamilyCell[] = [
      { unit: 'P', cell: '', value: 130, published: true },
      { unit: 'A', cell: '', value: 5, published: true },
      { unit: 'B', cell: '', value: 100, published: true },
      { unit: 'C', cell: '', value: 25, published: true },
    ];
    const r = protectFamily({ parent: 'P', children: ['A', 'B', 'C'], cells, fixed: new Map([['', 'shown']]) });
    expect(hiddenOf(r.statuses)).toEqual(['A : small', 'C : hidden']);
    expect(r.unprotected).toEqual([]);
  });

  it('treats the rest of a total (learners of unknown sex) as a cell to protect', () => {
    // A: 30 = 12 girls + 15 boys + 3 of unknown sex; B 300 = 150 + 150; the parent 330 = 162 + 165
    const r = protectFamily({ parent: 'P', children: ['A', 'B'], cells: [...row('P', 330, 162, 165), ...row('A', 30, 12, 15), ...row('B', 300, 150, 150)] });
    // the 3 must not follow from A's figures, nor from the parent's minus B's
    const shown = (k: string) => r.statuses.get(k) === 'shown';
    expect(shown('A\u0000') && shown('A\u0000sex=female') && shown('A\u0000sex=male')).toBe(false);
    expect(r.unprotected).toEqual([]);
  });

  it("hides a child equal to its parent exactly when the parent is hidden, and leaves the parent's cells as decided above", () => {
    const r = protectFamily({
      parent: 'P',
      children: ['C'],
      cells: [...row('P', 305, 152, 153), ...row('C', 305, 152, 153)],
      fixed: new Map([
        ['', 'hidden'],
        ['sex=female', 'hidden'],
        ['sex=male', 'shown'],
      ]),
    });
    expect(hiddenOf(r.statuses)).toEqual(['C : hidden', 'C sex=female: hidden', 'P : hidden', 'P sex=female: hidden']);
  });

  it('reads a level as the sum of its grades: preschool shown beside mẫu giáo shown would tell nhà trẻ', () => {
    // D1: 65 = preschool 18 + primary 47; nhà trẻ 3 ('<10'), mẫu giáo 15, grades 1-5 9, 9, 9, 9, 11
    const unit = (u: string, total: number, levels: number[], grades: number[]): FamilyCell[] => [
      { unit: u, cell: '', value: total, published: true },
      ...['preschool', 'primary'].map((l, i) => ({ unit: u, cell: `level=${l}`, value: levels[i], published: true })),
      ...['nha_tre', 'mau_giao', '1', '2', '3', '4', '5'].map((g, i) => ({ unit: u, cell: `grade=${g}`, value: grades[i], published: true })),
    ];
    const cells = [
      ...unit('P', 265, [118, 147], [43, 75, 29, 29, 29, 29, 31]),
      ...unit('D1', 65, [18, 47], [3, 15, 9, 9, 9, 9, 11]),
      ...unit('D2', 200, [100, 100], [40, 60, 20, 20, 20, 20, 20]),
    ];
    // the grades of each level, as core.dim_grades reads them from DM_KHOI
    const gradeLevels = new Map([
      ['nha_tre', 'preschool'],
      ['mau_giao', 'preschool'],
      ...['1', '2', '3', '4', '5'].map((g): [string, string] => [g, 'primary']),
    ]);
    const r = protectFamily({ parent: 'P', children: ['D1', 'D2'], cells, gradeLevels });
    const shown = (k: string) => r.statuses.get(k) === 'shown';
    expect(r.statuses.get('D1\u0000grade=nha_tre')).toBe('small');
    expect(shown('D1\u0000level=preschool') && shown('D1\u0000grade=mau_giao')).toBe(false);
    expect(r.unprotected).toEqual([]);
  });

  it("reads a school's ownership as public knowledge: its cell of another ownership is zero", () => {
    // the commune's public learners are school S1's 105 plus school S2's 6 ('<10'), S3 is private;
    // without hiding more, 111 - 105 gives S2 away
    const cells: FamilyCell[] = [
      { unit: 'C', cell: '', value: 211, published: true },
      { unit: 'C', cell: 'ownership=public', value: 111, published: true },
      { unit: 'C', cell: 'ownership=non_public', value: 100, published: true },
      { unit: 'S1', cell: '', value: 105, published: true },
      { unit: 'S2', cell: '', value: 6, published: true },
      { unit: 'S3', cell: '', value: 100, published: true },
    ];
    const attributes = new Map([
      ['S1', { ownership: 'public' }],
      ['S2', { ownership: 'public' }],
      ['S3', { ownership: 'non_public' }],
    ]);
    const r = protectFamily({
      parent: 'C',
      children: ['S1', 'S2', 'S3'],
      cells,
      fixed: new Map([
        ['', 'shown'],
        ['ownership=public', 'shown'],
        ['ownership=non_public', 'shown'],
      ]),
      attributes,
    });
    expect(hiddenOf(r.statuses)).toEqual(['S1 : hidden', 'S2 : small']);
  });
});

/**
 * A commune whose shown figures give a school away through what only the commune's own family
 * sees: 38 staff, 19 in preschools and 12 in non-public schools, all shown by the province's
 * family; both non-public schools (N1, N2) are preschools, so the public preschool A has
 * 19 - 12 = 7. The commune's family cannot protect A by hiding its schools' cells.
 */
const COMMUNE = {
  P: { '': 38, 'ownership=public': 26, 'ownership=non_public': 12, 'level=preschool': 19, 'level=primary': 19 },
  R: { '': 200, 'ownership=public': 150, 'ownership=non_public': 50, 'level=preschool': 80, 'level=primary': 120 },
  Q: { '': 238, 'ownership=public': 176, 'ownership=non_public': 62, 'level=preschool': 99, 'level=primary': 139 },
  N: { '': 238, 'ownership=public': 176, 'ownership=non_public': 62, 'level=preschool': 99, 'level=primary': 139 },
  A: { '': 7, 'level=preschool': 7, 'level=primary': 0 },
  N1: { '': 6, 'level=preschool': 6, 'level=primary': 0 },
  N2: { '': 6, 'level=preschool': 6, 'level=primary': 0 },
  B: { '': 19, 'level=preschool': 0, 'level=primary': 19 },
} as Record<string, Record<string, number>>;
const SCHOOLS = new Map([
  ['A', { ownership: 'public' }],
  ['N1', { ownership: 'non_public' }],
  ['N2', { ownership: 'non_public' }],
  ['B', { ownership: 'public' }],
]);
/** The nation N, its province Q, Q's communes P and R, P's schools. */
const TREE: Record<string, string[]> = { N: ['Q'], Q: ['P', 'R'], P: ['A', 'N1', 'N2', 'B'] };
const cellsOf = (units: string[]): FamilyCell[] =>
  units.flatMap((u) => Object.entries(COMMUNE[u]).map(([cell, value]) => ({ unit: u, cell, value, published: true })));

describe('repairing a family from the family above', () => {
  it("names the parent's shown cells the family above must hide when they alone give a cell away", () => {
    const fixed = new Map(Object.keys(COMMUNE.P).map((c): [string, 'shown'] => [c, 'shown']));
    const r = protectFamily({ parent: 'P', children: TREE.P, cells: cellsOf(['P', ...TREE.P]), fixed, attributes: SCHOOLS });
    expect(r.unprotected.sort()).toEqual(['A\u0000', 'A\u0000level=preschool']);
    // hiding the non-public 12 above frees A, with the public 26 (or 38 - 26 gives it back)
    expect(r.needs).toEqual(['ownership=non_public', 'ownership=public']);
    // with every fixed cell shown nothing else needs asking
    const fine = protectFamily({ parent: 'R', children: [], cells: cellsOf(['R']), fixed: new Map(Object.keys(COMMUNE.R).map((c) => [c, 'shown'])) });
    expect([fine.unprotected, fine.needs]).toEqual([[], []]);
  });

  it('hides a cell the family below needs hidden, and protects it like any other', () => {
    const r = protectFamily({ parent: 'Q', children: ['P', 'R'], cells: cellsOf(['Q', 'P', 'R']), force: new Set(['P\u0000ownership=non_public']) });
    expect(r.statuses.get('P\u0000ownership=non_public')).toBe('hidden');
    // 38 - 26 would give it back, and so would the province's 62 - 50
    const shown = (k: string) => r.statuses.get(k) === 'shown';
    expect(shown('P\u0000') && shown('P\u0000ownership=public')).toBe(false);
    expect(shown('Q\u0000ownership=non_public') && shown('R\u0000ownership=non_public')).toBe(false);
    expect(r.unprotected).toEqual([]);
  });

  /** The decisions of both families, published, against a reader who writes every equation (support/disclosure-solver.ts). */
  async function attack(repair: boolean) {
    const cascade = new FamilyCascade<string>(
      {
        name: 'staff',
        key: (u) => u,
        parent: async (u) => Object.keys(TREE).find((p) => TREE[p].includes(u)),
        children: async (u) => TREE[u] ?? [],
        cells: async (parent, children) => ({ counts: new Map([['staff', cellsOf([parent, ...children])]]), attributes: SCHOOLS }),
      },
      undefined,
      repair,
    );
    const reader = new DisclosureSystem();
    for (const family of ['N', 'Q', 'P']) {
      const decided = (await cascade.table(family)).get('staff')!;
      // the root's family shows its own cells and its children's; a family below, its children's
      for (const [id, d] of decided) if (family === 'N' || !id.startsWith(family + '\u0000')) reader.see(id, d.value, d.status === 'shown');
    }
    const rest = (id: string, terms: Array<[string, number]>) => {
      reader.unseen(id, -terms.reduce((s, [t, c]) => s + c * (reader.cells.get(t)?.truth ?? 0), 0));
      reader.equation([...terms, [id, 1]]);
    };
    const units = ['N', 'Q', 'P', 'R', ...TREE.P];
    for (const u of units) {
      const v = (cell: string) => `${u}\u0000${cell}`;
      if (COMMUNE[u]['ownership=public'] !== undefined)
        rest(v('own?'), [
          [v(''), -1],
          [v('ownership=public'), 1],
          [v('ownership=non_public'), 1],
        ]);
      rest(v('level?'), [
        [v(''), -1],
        [v('level=preschool'), 1],
        [v('level=primary'), 1],
      ]);
    }
    for (const cell of Object.keys(COMMUNE.Q)) {
      rest(`N rest\u0000${cell}`, [
        [`N\u0000${cell}`, -1],
        [`Q\u0000${cell}`, 1],
      ]);
      rest(`Q rest\u0000${cell}`, [
        [`Q\u0000${cell}`, -1],
        [`P\u0000${cell}`, 1],
        [`R\u0000${cell}`, 1],
      ]);
    }
    // a school counts under its own ownership only: the commune's cell of an ownership sums those schools' totals
    for (const cell of Object.keys(COMMUNE.P)) {
      const own = cell.startsWith('ownership=') ? cell.slice('ownership='.length) : undefined;
      const kids = TREE.P.filter((s) => own === undefined || SCHOOLS.get(s)!.ownership === own);
      rest(`P rest\u0000${cell}`, [[`P\u0000${cell}`, -1], ...kids.map((s): [string, number] => [`${s}\u0000${own ? '' : cell}`, 1])]);
    }
    return reader.disclosed().map((d) => d.id);
  }

  it('leaves the reader nothing to solve once the family above hides what the family below needs', async () => {
    // the test can fail: without the repair the reader solves A
    expect(await attack(false)).toEqual(expect.arrayContaining(['A\u0000']));
    expect(await attack(true)).toEqual([]);
  });
});
