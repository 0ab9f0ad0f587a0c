/**
 * Small-cell suppression for figures that leave a user's own subtree view (public pages,
 * exports). Pure functions, no I/O.
 *
 * Rules (counts from 1 to 9 hidden, the most common threshold among education statistics
 * publishers; secondary suppression so that no subtraction reveals a hidden cell):
 * - primary: a count from 1 to 9 is shown as '<10'; zero stays zero;
 * - secondary: in a group of parts that add up to a published total, when exactly one part is
 *   hidden, the next smallest non-zero visible part is hidden too (shown as 'x'), so that the
 *   total minus the visible parts cannot reveal the hidden one; when no such part exists the
 *   total itself is hidden;
 * - a ratio whose numerator or denominator is hidden is hidden ('x').
 */

/** What a published cell shows: the exact number, '<10' (small count) or 'x' (hidden to protect another cell). */
export type Shown = number | null | '<10' | 'x';

/** The threshold: counts strictly below it (and above zero) are hidden. */
export const SMALL_CELL_THRESHOLD = 10;

/** The primary rule for one count: 1..9 becomes '<10'; 0, null and 10+ are shown as they are. */
export function suppressCount(n: number | null): Shown {
  if (n === null || n === 0) return n;
  return Math.abs(n) < SMALL_CELL_THRESHOLD ? '<10' : n;
}

/** True when a shown value hides the real one. */
export function isHidden(v: Shown): v is '<10' | 'x' {
  return v === '<10' || v === 'x';
}

/** A group of cells: `parts` add up to `total` (indices into one array of cells). */
export type CellGroup = { parts: readonly number[]; total?: number };

/**
 * Suppresses cells linked by groups, repeating until nothing changes: the primary rule on every
 * cell, then in each group with a published total, while exactly one part is hidden, the next
 * smallest non-zero visible part is hidden ('x'), or the total when no such part exists; a
 * hidden total with no hidden part gets its smallest non-zero part hidden. Cells shared by
 * several groups (a unit's sex=female row is in its siblings' group and in its own sex group)
 * are protected in all of them.
 */
export function suppressCells(values: ReadonlyArray<number | null>, groups: readonly CellGroup[]): Shown[] {
  const shown: Shown[] = values.map(suppressCount);
  const smallestVisible = (parts: readonly number[]) => {
    let pick = -1;
    for (const i of parts) {
      const v = values[i];
      if (isHidden(shown[i]) || v === null || v === 0) continue;
      if (pick < 0 || v < (values[pick] as number)) pick = i;
    }
    return pick;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (const g of groups) {
      if (g.total === undefined || values[g.total] === null) continue;
      const hidden = g.parts.filter((i) => isHidden(shown[i])).length;
      const totalHidden = isHidden(shown[g.total]);
      if (hidden === 1 || (hidden === 0 && totalHidden)) {
        const pick = smallestVisible(g.parts);
        if (pick >= 0) shown[pick] = 'x';
        else if (!totalHidden) shown[g.total] = 'x';
        else continue;
        changed = true;
      }
    }
  }
  return shown;
}

/** A ratio (or percentage) is hidden when its numerator or denominator is hidden. */
export function suppressRatio(value: number | null, numerator: Shown, denominator: Shown): Shown {
  return isHidden(numerator) || isHidden(denominator) ? 'x' : value;
}

/** One indicator row as the warehouse holds it (exact figures). */
export type IndicatorCell = {
  unit_code: string;
  indicator: string;
  breakdown: string;
  numerator: number | null;
  denominator: number | null;
  value: number | null;
};

/** The same row as published: counts and values possibly hidden. */
export type PublishedCell<T extends IndicatorCell> = Omit<T, 'numerator' | 'denominator' | 'value'> & {
  numerator: Shown;
  denominator: Shown;
  value: Shown;
  suppressed: boolean;
};

/**
 * Suppresses indicator rows for publication. Numerators and denominators are counts, linked in
 * two kinds of groups: the children's rows of one indicator and breakdown add up to the parent's
 * row; and a unit's rows of one breakdown dimension (sex=female, sex=male) add up to its
 * 'total' row. `value` is a count for `countIndicators` (it shares the numerator's fate),
 * otherwise a ratio, hidden when either of its counts is.
 *
 * @example
 *   suppressIndicatorRows(provinceRows, nationRows, new Set(['LRN']))
 */
export function suppressIndicatorRows<T extends IndicatorCell>(
  children: readonly T[],
  parents: readonly T[],
  countIndicators: ReadonlySet<string>,
): { children: PublishedCell<T>[]; parents: PublishedCell<T>[] } {
  const all = [...children, ...parents];
  const parentAt = new Map<string, number>();
  parents.forEach((r, i) => parentAt.set(`${r.indicator}\u0000${r.breakdown}`, children.length + i));
  const bucket = (m: Map<string, number[]>, k: string, i: number) => (m.get(k) ?? m.set(k, []).get(k)!).push(i);
  const siblings = new Map<string, number[]>();
  children.forEach((r, i) => bucket(siblings, `${r.indicator}\u0000${r.breakdown}`, i));
  const totals = new Map<string, number>();
  const dims = new Map<string, number[]>();
  all.forEach((r, i) => {
    const unit = `${r.unit_code}\u0000${i < children.length ? 'c' : 'p'}\u0000${r.indicator}`;
    if (r.breakdown === 'total') totals.set(unit, i);
    else bucket(dims, `${unit}\u0000${r.breakdown.split('=')[0]}`, i);
  });
  const groups: CellGroup[] = [...siblings].map(([k, parts]) => ({ parts, total: parentAt.get(k) }));
  for (const [k, parts] of dims) groups.push({ parts, total: totals.get(k.split('\u0000').slice(0, 3).join('\u0000')) });
  const num = suppressCells(
    all.map((r) => r.numerator),
    groups,
  );
  const den = suppressCells(
    all.map((r) => r.denominator),
    groups,
  );
  const published = all.map((r, i): PublishedCell<T> => {
    const value = countIndicators.has(r.indicator) ? (isHidden(num[i]) ? num[i] : r.value) : suppressRatio(r.value, num[i], den[i]);
    return { ...r, numerator: num[i], denominator: den[i], value, suppressed: isHidden(num[i]) || isHidden(den[i]) || isHidden(value) };
  });
  return { children: published.slice(0, children.length), parents: published.slice(children.length) };
}
