/**
 * Which unknowns a set of linear equations fixes. Published tables tie their cells together
 * (a total is the sum of its parts, a parent the sum of its children); a hidden cell is disclosed
 * when those equations, with the visible cells as constants, leave it one possible value. That is
 * when its unit vector lies in the row space of the equations restricted to the unknowns, which
 * the reduced row echelon form shows: its pivot row holds it alone.
 *
 * Arithmetic is modulo a prime below 2^26, so that products stay exact in doubles; an equation
 * set whose rank over the rationals differs modulo that prime needs a minor divisible by it,
 * which sums of a few hundred ±1 coefficients do not reach.
 */

const P = 67_108_859;

const mod = (a: number) => ((a % P) + P) % P;

function inverse(a: number): number {
  let [r0, r1, s0, s1] = [P, a, 0, 1];
  while (r1 !== 0) {
    const q = Math.floor(r0 / r1);
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0);
}

/** One equation: pairs of (unknown index, coefficient); constants do not matter for what it fixes. */
export type Equation = ReadonlyArray<readonly [number, number]>;

/**
 * The unknowns the equations determine.
 *
 * @example
 *   // x0 + x1 = c, x1 = d  ->  both determined; x2 + x3 = e alone determines neither
 *   determinedUnknowns([[[0, 1], [1, 1]], [[1, 1]], [[2, 1], [3, 1]]]) // Set { 0, 1 }
 */
export function determinedUnknowns(equations: readonly Equation[]): Set<number> {
  const determined = new Set<number>();
  for (const [pivot, row] of reduce(equations)) if (row.size === 1) determined.add(pivot);
  return determined;
}

/**
 * The cheapest set of unknowns, `target` among them, whose values can change together while every
 * equation still holds: the support of a null-space vector with a non-zero `target` entry. Making
 * the support's costly columns (shown cells) unknown too leaves `target` undetermined. Columns
 * that cost nothing (already unknown) pivot first and costly ones last, so that the basis vectors
 * of the free columns are cheap; the cheapest of those that move `target` is returned (undefined:
 * none does, so the target is determined whatever is made unknown).
 *
 * @example
 *   // x0 + x1 = a, x1 + x2 = b, x0 and x1 unknown, x2 shown (cost 5): x0 moves with x1 and x2
 *   cheapestFreeing([[[0, 1], [1, 1]], [[1, 1], [2, 1]]], 0, [0, 0, 5]) // [2, 0, 1] in some order
 */
export function cheapestFreeing(equations: readonly Equation[], target: number, cost: readonly number[]): number[] | undefined {
  return new OpenSystem(
    equations,
    cost,
    cost.map((c) => c === 0),
  ).cheapest(target, (c) => cost[c]);
}

/**
 * The equations among the cells that can change (unknown, or shown and hideable), kept in reduced
 * row echelon form with the unknown columns as pivots wherever a row holds one, while cells turn
 * unknown one by one. Restricted to the unknown columns its rows are then the reduced form of
 * the equations with every shown cell as a constant, so an unknown is determined when its pivot
 * row holds no other unknown (`determined`); the vectors of its free columns are the ways to
 * free a cell (`cheapest`). Turning a column unknown (`makeUnknown`) moves one
 * pivot at most, so a table is reduced once however many cells its protection hides.
 *
 * @example
 *   // x0 + x1 = a, x1 + x2 = b; x0 unknown: x0 is determined (x1 and x2 are shown)
 *   const s = new OpenSystem([[[0, 1], [1, 1]], [[1, 1], [2, 1]]], [0, 3, 5], [true, false, false]);
 *   s.determined(0); // true
 *   s.makeUnknown(1); // now x0 moves with x1
 *   s.determined(0); // false
 */
export class OpenSystem {
  private readonly basis: Map<number, Map<number, number>>;
  /** For each column no row pivots on, the pivots whose rows hold it. */
  private readonly holders: Map<number, Set<number>>;
  private readonly unknown: boolean[];

  constructor(
    equations: readonly Equation[],
    private readonly order: readonly number[],
    unknown: readonly boolean[],
  ) {
    this.unknown = [...unknown];
    const byOrder = byCost(order);
    this.basis = reduce(equations, (a, b) => Number(this.unknown[b]) - Number(this.unknown[a]) || byOrder(a, b));
    this.holders = holdersOf(this.basis);
  }

  /** Whether the equations, with every column not unknown as a constant, fix unknown `column`. */
  determined(column: number): boolean {
    const row = this.basis.get(column);
    if (!row || !this.unknown[column]) return false;
    for (const c of row.keys()) if (c !== column && this.unknown[c]) return false;
    return true;
  }

  /** The cheapest free column's vector that moves `target` (undefined: none does). */
  cheapest(target: number, cost: (column: number) => number): number[] | undefined {
    return cheapestVector(this.basis, this.holders, target, cost);
  }

  /**
   * Makes `column` unknown; returns the pivots whose rows changed (the unknowns whose
   * determination may have changed). A row that held it and no unknown pivots on it instead.
   */
  makeUnknown(column: number): number[] {
    if (this.unknown[column]) return [];
    this.unknown[column] = true;
    if (this.basis.has(column)) return [column];
    const holding = [...(this.holders.get(column) ?? [])];
    // rows pivoting on a shown column hold no unknown; the one whose pivot costs least gives it up
    // to `column`, so that the cheap columns stay free
    let row = -1;
    for (const p of holding) if (!this.unknown[p] && (row < 0 || this.order[p] < this.order[row] || (this.order[p] === this.order[row] && p < row))) row = p;
    if (row < 0) return holding;
    const r = this.basis.get(row)!;
    this.basis.delete(row);
    const inv = inverse(r.get(column)!);
    for (const [c, v] of r) r.set(c, (v * inv) % P);
    for (const c of r.keys()) if (c !== column && c !== row) this.holders.get(c)!.delete(row);
    this.holders.delete(column);
    this.basis.set(column, r);
    for (const c of r.keys()) if (c !== column) (this.holders.get(c) ?? this.holders.set(c, new Set()).get(c)!).add(column);
    const changed = [column];
    for (const other of holding) {
      if (other === row) continue;
      const o = this.basis.get(other)!;
      const f = o.get(column)!;
      for (const [c, v] of r) {
        const x = mod((o.get(c) ?? 0) - f * v);
        if (x === 0) {
          o.delete(c);
          if (c !== column) this.holders.get(c)?.delete(other);
        } else {
          if (!o.has(c)) (this.holders.get(c) ?? this.holders.set(c, new Set()).get(c)!).add(other);
          o.set(c, x);
        }
      }
      changed.push(other);
    }
    return changed;
  }
}

/** Pivot preference by cost: columns that cost nothing first, then the costliest, so that cheap columns stay free. */
function byCost(order: readonly number[]): (a: number, b: number) => number {
  return (a, b) => Number(order[a] > 0) - Number(order[b] > 0) || order[b] - order[a];
}

/** For each free column, the pivots whose rows hold it. */
function holdersOf(basis: Map<number, Map<number, number>>): Map<number, Set<number>> {
  const out = new Map<number, Set<number>>();
  for (const [p, row] of basis) for (const c of row.keys()) if (c !== p) (out.get(c) ?? out.set(c, new Set()).get(c)!).add(p);
  return out;
}

/** The cheapest basis vector's support that moves `target`: a free column's vector moves it when it is that column, or when target's pivot row holds it. */
function cheapestVector(
  basis: Map<number, Map<number, number>>,
  holders: Map<number, Set<number>>,
  target: number,
  cost: (column: number) => number,
): number[] | undefined {
  const own = basis.get(target);
  const candidates = own ? [...own.keys()].filter((j) => !basis.has(j)).sort((a, b) => a - b) : [target];
  let best: { support: number[]; cost: number } | undefined;
  for (const j of candidates) {
    const support = [j, ...[...(holders.get(j) ?? [])].sort((a, b) => a - b)];
    const total = support.reduce((s, c) => s + cost(c), 0);
    if (!best || total < best.cost) best = { support, cost: total };
  }
  return best?.support;
}

/**
 * The reduced row echelon form as pivot column -> row (pivot coefficient 1). `prefer` orders the
 * columns a new pivot is taken from; ties go to the column fewest rows hold (least fill-in).
 */
function reduce(equations: readonly Equation[], prefer?: (a: number, b: number) => number): Map<number, Map<number, number>> {
  const basis = new Map<number, Map<number, number>>();
  // for each column, the pivots whose rows hold it (to eliminate a new pivot from them)
  const holders = new Map<number, Set<number>>();
  const hold = (col: number, pivot: number) => (holders.get(col) ?? holders.set(col, new Set()).get(col)!).add(pivot);
  const fill = (c: number) => holders.get(c)?.size ?? 0;

  for (const eq of equations) {
    const row = new Map<number, number>();
    for (const [col, coef] of eq) {
      const v = mod((row.get(col) ?? 0) + coef);
      if (v === 0) row.delete(col);
      else row.set(col, v);
    }
    // reduce by the basis: its rows hold no other pivot, so one pass over the pivots present suffices
    for (const col of [...row.keys()]) {
      const pivotRow = basis.get(col);
      const f = row.get(col);
      if (!pivotRow || f === undefined) continue;
      for (const [c, v] of pivotRow) {
        const x = mod((row.get(c) ?? 0) - f * v);
        if (x === 0) row.delete(c);
        else row.set(c, x);
      }
    }
    if (row.size === 0) continue;
    let pivot = -1;
    for (const col of row.keys()) {
      if (pivot < 0 || ((prefer ? prefer(col, pivot) : 0) || fill(col) - fill(pivot) || col - pivot) < 0) pivot = col;
    }
    const inv = inverse(row.get(pivot)!);
    for (const [c, v] of row) row.set(c, (v * inv) % P);
    // eliminate the new pivot from the rows that hold it
    for (const other of [...(holders.get(pivot) ?? [])]) {
      const r = basis.get(other)!;
      const f = r.get(pivot)!;
      for (const [c, v] of row) {
        const x = mod((r.get(c) ?? 0) - f * v);
        if (x === 0) {
          r.delete(c);
          holders.get(c)?.delete(other);
        } else {
          if (!r.has(c)) hold(c, other);
          r.set(c, x);
        }
      }
    }
    holders.delete(pivot);
    basis.set(pivot, row);
    for (const c of row.keys()) if (c !== pivot) hold(c, pivot);
  }
  return basis;
}
