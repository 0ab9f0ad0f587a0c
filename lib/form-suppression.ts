/**
 * Small-cell suppression of report-form cells for a package that leaves the hierarchy (an outside
 * recipient). Pure; the rules of lib/suppression.ts: a count from 1 to 9 shows as '<10', zero
 * stays zero, and secondary suppression hides the next smallest visible part ('x') wherever a
 * total minus its visible parts would reveal a hidden cell.
 *
 * The cells of one row of a form sheet are linked in groups: each split's Tổng số block is the sum
 * of the ownership blocks; within a block Nữ, DTTS and DTTS nữ are parts of Tổng số (and DTTS nữ of
 * DTTS and of Nữ), the contract kinds parts of Công lập, the solidity kinds parts of the rooms'
 * total. A part the form does not print (men; schools of unknown ownership) is still derivable as
 * the total minus the printed part, so it takes part as an unpublished cell: when it is a small
 * count, a printed part is hidden so that it cannot be derived. Across units, the children's
 * cells of a row and column add up to the parent's.
 *
 * @example
 *   const shown = suppressFormCells(cells, columns);  // same order as `cells`
 */
import { SMALL_CELL_THRESHOLD, isHidden, type Shown } from './suppression.ts';

/** One form cell of a unit (zero cells may be omitted: they count as shown zeros). */
export type FormCell = { unit_key: string; parent_key: string | null; form: string; sheet: string; ma_so: number; col_no: number; value: number };

/** The value columns of a sheet: which ownership block and split each holds. */
export type FormColumnSpec = { form: string; sheet: string; col_no: number; block: string | null; split: string };

type Cell = { value: number; published: boolean; shown: Shown };

/** Splits that are parts of another split within one block: [part, of whole]. */
const SPLIT_PARTS: Array<[string[], string]> = [
  [['nu'], 'tong'],
  [['dt'], 'tong'],
  [['dt_nu'], 'dt'],
  [['dt_nu'], 'nu'],
  [['vc_kxd', 'vc_xd', 'hdld'], 'tong'],
  [['kc', 'bkc', 'tam'], 'tong'],
];

const small = (v: number) => v !== 0 && Math.abs(v) < SMALL_CELL_THRESHOLD;

/**
 * The cells as shown to an outside recipient, in the order given. Cells the groups reach but
 * that are absent (zeros) are treated as shown zeros and not returned.
 */
export function suppressFormCells(cells: readonly FormCell[], columns: readonly FormColumnSpec[]): Shown[] {
  const all: Cell[] = [];
  const index = new Map<string, number>();
  const key = (unit: string, form: string, sheet: string, ma: number, col: number) => `${unit}\u0000${form}\u0000${sheet}\u0000${ma}\u0000${col}`;
  for (const c of cells) {
    index.set(key(c.unit_key, c.form, c.sheet, c.ma_so, c.col_no), all.length);
    all.push({ value: c.value, published: true, shown: small(c.value) ? '<10' : c.value });
  }
  /** The index of a printed cell, creating a zero for an absent one. */
  const at = (unit: string, form: string, sheet: string, ma: number, col: number): number => {
    const k = key(unit, form, sheet, ma, col);
    let i = index.get(k);
    if (i === undefined) {
      i = all.length;
      index.set(k, i);
      all.push({ value: 0, published: true, shown: 0 });
    }
    return i;
  };
  /** An unpublished part: the total minus the printed parts; small ones count as hidden. */
  const implicit = (value: number): number => {
    all.push({ value, published: false, shown: small(value) ? '<10' : value });
    return all.length - 1;
  };
  const groups: Array<{ parts: number[]; total: number }> = [];
  const addGroup = (parts: number[], total: number) => {
    const rest = all[total].value - parts.reduce((s, i) => s + all[i].value, 0);
    groups.push({ parts: rest > 0 ? [...parts, implicit(rest)] : parts, total });
  };

  const bySheet = new Map<string, FormColumnSpec[]>();
  for (const c of columns) {
    const k = `${c.form}\u0000${c.sheet}`;
    (bySheet.get(k) ?? bySheet.set(k, []).get(k)!).push(c);
  }
  const rows = new Map<string, FormCell>();
  for (const c of cells) rows.set(`${c.unit_key}\u0000${c.form}\u0000${c.sheet}\u0000${c.ma_so}`, c);
  for (const r of rows.values()) {
    const cols = bySheet.get(`${r.form}\u0000${r.sheet}`) ?? [];
    const col = (block: string, split: string) => cols.find((c) => c.block === block && c.split === split)?.col_no;
    const cell = (no: number) => at(r.unit_key, r.form, r.sheet, r.ma_so, no);
    const blocks = [...new Set(cols.map((c) => c.block).filter((b): b is string => b !== null))];
    const splits = [...new Set(cols.map((c) => c.split))];
    for (const split of splits) {
      const total = col('tong', split);
      const parts = blocks.filter((b) => b !== 'tong').flatMap((b) => col(b, split) ?? []);
      if (total !== undefined && parts.length) addGroup(parts.map(cell), cell(total));
    }
    for (const block of blocks) {
      for (const [parts, whole] of SPLIT_PARTS) {
        const total = col(block, whole);
        const nos = parts.flatMap((p) => col(block, p) ?? []);
        if (total !== undefined && nos.length) addGroup(nos.map(cell), cell(total));
      }
    }
  }
  // across units: the children's cells of one row and column add up to the parent's
  const children = new Map<string, number[]>();
  cells.forEach((c, i) => {
    if (!c.parent_key) return;
    const k = key(c.parent_key, c.form, c.sheet, c.ma_so, c.col_no);
    if (index.has(k)) (children.get(k) ?? children.set(k, []).get(k)!).push(i);
  });
  for (const [k, parts] of children) addGroup(parts, index.get(k)!);

  const smallestVisible = (parts: number[]) => {
    let pick = -1;
    for (const i of parts) {
      const c = all[i];
      if (!c.published || isHidden(c.shown) || c.value === 0) continue;
      if (pick < 0 || c.value < all[pick].value) pick = i;
    }
    return pick;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (const g of groups) {
      const hidden = g.parts.filter((i) => isHidden(all[i].shown)).length;
      const totalHidden = isHidden(all[g.total].shown);
      if (hidden === 1 || (hidden === 0 && totalHidden)) {
        const pick = smallestVisible(g.parts);
        if (pick >= 0) all[pick].shown = 'x';
        else if (!totalHidden) all[g.total].shown = 'x';
        else continue;
        changed = true;
      }
    }
  }
  return cells.map((_, i) => all[i].shown);
}
