/**
 * Small-cell suppression for figures that leave a user's own subtree view (public pages,
 * exports). Pure functions, no I/O.
 *
 * Rules (DOMAIN.md, "Privacy and disclosure"):
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

/**
 * Suppresses a group of parts whose sum is `total` (when the total is published).
 *
 * @example
 *   suppressGroup([3, 40, 25], 68)  // { parts: ['<10', 40, 'x'], total: 68 }
 *   suppressGroup([3, 0], 3)        // { parts: ['<10', 0], total: '<10' }
 *   suppressGroup([12, 0], 12)      // { parts: [12, 0], total: 12 }
 */
export function suppressGroup(parts: ReadonlyArray<number | null>, total?: number | null): { parts: Shown[]; total: Shown | undefined } {
  const shown: Shown[] = parts.map(suppressCount);
  let shownTotal: Shown | undefined = total === undefined ? undefined : suppressCount(total);
  if (total === undefined || total === null) return { parts: shown, total: shownTotal };
  const hidden = shown.filter(isHidden).length;
  if (hidden === 1) {
    // the next smallest visible non-zero part; ties: the first one in order
    let pick = -1;
    parts.forEach((p, i) => {
      if (isHidden(shown[i]) || p === null || p === 0) return;
      if (pick < 0 || p < (parts[pick] as number)) pick = i;
    });
    if (pick >= 0) shown[pick] = 'x';
    else if (!isHidden(shownTotal)) shownTotal = 'x';
  }
  return { parts: shown, total: shownTotal };
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
 * Suppresses indicator rows for publication: the parts are the children's rows, the total is
 * the parent's row with the same indicator and breakdown (the parent's figures are the sums of
 * its children's). Numerators and denominators are counts; `value` is a count when the
 * indicator's `countIndicators` says so (then it equals the numerator's fate), otherwise a ratio.
 *
 * @example
 *   suppressIndicatorRows(provinceRows, nationRows, new Set(['HS']))
 */
export function suppressIndicatorRows<T extends IndicatorCell>(
  children: readonly T[],
  parents: readonly T[],
  countIndicators: ReadonlySet<string>,
): { children: PublishedCell<T>[]; parents: PublishedCell<T>[] } {
  const groupKey = (r: IndicatorCell) => `${r.indicator}\u0000${r.breakdown}`;
  const groups = new Map<string, number[]>();
  children.forEach((r, i) => {
    const k = groupKey(r);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(i);
  });
  const num: Shown[] = children.map((r) => suppressCount(r.numerator));
  const den: Shown[] = children.map((r) => suppressCount(r.denominator));
  const parentOut = parents.map((p) => ({ numerator: suppressCount(p.numerator), denominator: suppressCount(p.denominator) }));
  for (const [k, idx] of groups) {
    const parentIdx = parents.findIndex((p) => groupKey(p) === k);
    const parent = parentIdx >= 0 ? parents[parentIdx] : undefined;
    for (const col of ['numerator', 'denominator'] as const) {
      const target = col === 'numerator' ? num : den;
      const g = suppressGroup(idx.map((i) => children[i][col]), parent ? parent[col] : undefined);
      idx.forEach((i, j) => (target[i] = g.parts[j]));
      if (parent && g.total !== undefined) parentOut[parentIdx][col] = g.total;
    }
  }
  const publish = (r: T, n: Shown, d: Shown): PublishedCell<T> => {
    const value = countIndicators.has(r.indicator) ? (isHidden(n) ? n : r.value) : suppressRatio(r.value, n, d);
    return { ...r, numerator: n, denominator: d, value, suppressed: isHidden(n) || isHidden(d) || isHidden(value) };
  };
  return {
    children: children.map((r, i) => publish(r, num[i], den[i])),
    parents: parents.map((p, i) => publish(p, parentOut[i].numerator, parentOut[i].denominator)),
  };
}
