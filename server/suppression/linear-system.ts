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
  return new NullSpace(equations, cost).cheapest(target, (c) => cost[c]);
}

/**
 * The null space of a set of equations as the basis vectors of its free columns, reduced once
 * for many targets (cheapestFreeing). The pivots are chosen by `order`'s costs; `cheapest` weighs
 * the vectors by the costs it is given, which may have fallen since (a cell hidden for an
 * earlier target costs nothing more), and any of them is a way to free its target.
 */
export class NullSpace {
  private readonly basis: Map<number, Map<number, number>>;

  constructor(equations: readonly Equation[], order: readonly number[]) {
    this.basis = reduce(equations, (a, b) => Number(order[a] > 0) - Number(order[b] > 0) || order[b] - order[a]);
  }

  private byColumn?: Map<number, number[]>;

  /** For each free column, the pivots whose rows hold it (in the basis's order). */
  private holders(): Map<number, number[]> {
    if (this.byColumn) return this.byColumn;
    const out = new Map<number, number[]>();
    for (const [p, row] of this.basis) for (const c of row.keys()) if (c !== p) (out.get(c) ?? out.set(c, []).get(c)!).push(p);
    return (this.byColumn = out);
  }

  /** The cheapest basis vector's support that moves `target` (undefined: none does, so `target` is determined). */
  cheapest(target: number, cost: (column: number) => number): number[] | undefined {
    const basis = this.basis;
    // a free column's vector moves `target` only when it is that column, or when target's pivot row holds it
    const own = basis.get(target);
    const candidates = own ? [...own.keys()].filter((j) => !basis.has(j)).sort((a, b) => a - b) : [target];
    const holders = this.holders();
    let best: { support: number[]; cost: number } | undefined;
    for (const j of candidates) {
      const support = [j, ...(holders.get(j) ?? [])];
      const total = support.reduce((s, c) => s + cost(c), 0);
      if (!best || total < best.cost) best = { support, cost: total };
    }
    return best?.support;
  }
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
