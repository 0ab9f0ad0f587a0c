/**
 * Suppression of report-form cells for an outside recipient, on rows small enough to check by
 * hand: primary '<10', the next smallest printed part hidden ('x') so that no total minus its
 * printed parts reveals a hidden cell, printed parts hidden when an unprinted one (men, schools
 * of unknown ownership) is a small count, and children against their parent.
 */
import { describe, expect, it } from 'vitest';
import { suppressFormCells, type FormCell, type FormColumnSpec } from '../../lib/form-suppression.ts';

/** A sheet like "Học sinh" with two blocks: Tổng số and Công lập, each tong / nu. */
const COLUMNS: FormColumnSpec[] = [
  { form: 'f', sheet: 's', col_no: 1, block: 'tong', split: 'tong' },
  { form: 'f', sheet: 's', col_no: 2, block: 'tong', split: 'nu' },
  { form: 'f', sheet: 's', col_no: 3, block: 'cong_lap', split: 'tong' },
  { form: 'f', sheet: 's', col_no: 4, block: 'cong_lap', split: 'nu' },
  { form: 'f', sheet: 's', col_no: 5, block: 'tu_thuc', split: 'tong' },
  { form: 'f', sheet: 's', col_no: 6, block: 'tu_thuc', split: 'nu' },
];

const row = (unit: string, values: number[], parent: string | null = null, ma_so = 1): FormCell[] =>
  values.flatMap((value, i) => (value === 0 ? [] : [{ unit_key: unit, parent_key: parent, form: 'f', sheet: 's', ma_so, col_no: i + 1, value }]));

describe('suppressFormCells', () => {
  it('shows large counts and zeros as they are', () => {
    const cells = row('P', [40, 12, 25, 12, 15, 0]);
    // tư thục has no girl (0, absent, printed as 0): every remainder is 0 or 10 or more
    expect(suppressFormCells(cells, COLUMNS)).toEqual([40, 12, 25, 12, 15]);
  });

  it('treats girls of schools of unknown ownership as an unprinted part of the Tổng số block', () => {
    // Tổng số has 20 girls, Công lập 12 and Tư thục 0: 8 are at schools of unknown ownership
    const shown = suppressFormCells(row('P', [40, 20, 25, 12, 15, 0]), COLUMNS);
    expect(shown[3]).toBe('x');
  });

  it('hides a small part and the next smallest part of the same total', () => {
    // Tổng 30 = Công lập 26 + Tư thục 4: 4 is '<10', and 26 would give it away, so it goes too
    const shown = suppressFormCells(row('P', [30, 16, 26, 14, 4, 2]), COLUMNS);
    expect(shown).toEqual([30, 16, 'x', 'x', '<10', '<10']);
  });

  it('hides a printed part when the unprinted remainder is a small count', () => {
    // 25 learners, 19 girls: 6 boys can be derived; nu is hidden so that they cannot
    const shown = suppressFormCells(row('P', [25, 19, 25, 19]), COLUMNS);
    expect(shown[1]).toBe('x');
    expect(shown[3]).toBe('x');
    expect(shown[0]).toBe(25);
  });

  it('protects a child against its parent: one hidden child hides the next smallest sibling', () => {
    const cells = [...row('P', [40, 20, 40, 20]), ...row('A', [35, 18, 35, 18], 'P'), ...row('B', [5, 2, 5, 2], 'P')];
    const shown = suppressFormCells(cells, COLUMNS);
    const at = (unit: string, col: number) => shown[cells.findIndex((c) => c.unit_key === unit && c.col_no === col)];
    expect(at('B', 1)).toBe('<10');
    expect(at('A', 1)).toBe('x'); // 40 - 35 would reveal B's 5
    expect(at('P', 1)).toBe(40);
  });
});
