/**
 * The attacker of the disclosure test, written apart from server/suppression so that it checks
 * rather than repeats it: cells seen in responses (shown or hidden), the linear equations a reader
 * can write between them (a total is the sum of its parts plus the rest no part covers, a parent
 * the sum of its children plus the rest), and exact rational elimination (BigInt) to find every
 * hidden cell, or small rest, that the shown cells determine. The attacker is strong: it knows
 * the true value of every rest that is zero (it may guess "no learner of unknown sex").
 */

/** A cell: its true value, and how responses showed it. */
export type Cell = { truth: number; shown: boolean; hidden: boolean };

export class DisclosureSystem {
  readonly cells = new Map<string, Cell>();
  readonly equations: Array<Array<[string, number]>> = [];

  /** Records one sighting of a cell in a response (a number, or '<10' / 'x'). */
  see(id: string, truth: number, shown: boolean): void {
    const c = this.cells.get(id) ?? this.cells.set(id, { truth, shown: false, hidden: false }).get(id)!;
    if (shown) c.shown = true;
    else c.hidden = true;
  }

  /** A cell no response shows (a rest), with its true value. */
  unseen(id: string, truth: number): void {
    if (!this.cells.has(id)) this.cells.set(id, { truth, shown: false, hidden: false });
  }

  equation(terms: Array<[string, number]>): void {
    this.equations.push(terms);
  }

  private known(c: Cell): boolean {
    return c.shown || (!c.hidden && c.truth === 0);
  }

  /**
   * Every cell a reader learns that it should not: a cell hidden in one response and shown in
   * another, and every unknown cell the equations determine that is hidden in a response or is a
   * rest from 1 to 9.
   */
  disclosed(): Array<{ id: string; truth: number; how: string }> {
    const out: Array<{ id: string; truth: number; how: string }> = [];
    for (const [id, c] of this.cells) if (c.shown && c.hidden) out.push({ id, truth: c.truth, how: 'shown in another response' });
    const unknown = [...this.cells].filter(([, c]) => !this.known(c)).map(([id]) => id);
    const index = new Map(unknown.map((id, i) => [id, i]));
    const rows = this.equations
      .map((eq) => {
        const row = new Map<number, bigint>();
        for (const [id, coef] of eq) {
          const i = index.get(id);
          if (i === undefined) continue;
          const v = (row.get(i) ?? 0n) + BigInt(coef);
          if (v === 0n) row.delete(i);
          else row.set(i, v);
        }
        return row;
      })
      .filter((r) => r.size > 0);
    for (const i of determined(rows)) {
      const id = unknown[i];
      const c = this.cells.get(id)!;
      if (c.hidden || (c.truth !== 0 && Math.abs(c.truth) < 10)) out.push({ id, truth: c.truth, how: 'determined by the shown cells' });
    }
    return out;
  }
}

const gcd = (a: bigint, b: bigint): bigint => {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a;
};

/** Exact reduced row echelon form over the integers (rows scaled, divided by their gcd); the pivots whose row holds nothing else. */
function determined(rows: Array<Map<number, bigint>>): number[] {
  const basis = new Map<number, Map<number, bigint>>();
  const normalise = (r: Map<number, bigint>) => {
    let g = 0n;
    for (const v of r.values()) g = gcd(g, v);
    if (g > 1n) for (const [k, v] of r) r.set(k, v / g);
  };
  const eliminate = (target: Map<number, bigint>, pivot: number, row: Map<number, bigint>) => {
    const a = target.get(pivot);
    if (a === undefined) return;
    const b = row.get(pivot)!;
    // target := b * target - a * row, which removes the pivot
    for (const [k, v] of target) target.set(k, v * b);
    for (const [k, v] of row) {
      const x = (target.get(k) ?? 0n) - a * v;
      if (x === 0n) target.delete(k);
      else target.set(k, x);
    }
    normalise(target);
  };
  for (const input of rows) {
    const row = new Map(input);
    for (const [p, r] of basis) eliminate(row, p, r);
    if (row.size === 0) continue;
    const pivot = Math.min(...row.keys());
    for (const r of basis.values()) eliminate(r, pivot, row);
    basis.set(pivot, row);
  }
  return [...basis].filter(([, r]) => r.size === 1).map(([p]) => p);
}
