/**
 * The check of the report forms' layout (data/forms/layout.json): a broken file stops with every
 * problem named, in Vietnamese, and the shipped file passes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CsdlError } from '../../lib/errors.ts';
import { formsDir, loadFormsLayout, type FormsLayout } from '../../lib/forms-layout.ts';

const scratch = mkdtempSync(join(tmpdir(), 'csdl-test-layout-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const shipped = (): FormsLayout => JSON.parse(readFileSync(formsDir + 'layout.json', 'utf8')) as FormsLayout;

function broken(name: string, edit: (layout: FormsLayout) => unknown): CsdlError {
  const path = join(scratch, name);
  writeFileSync(path, JSON.stringify(edit(shipped())));
  try {
    loadFormsLayout(path);
  } catch (err) {
    return err as CsdlError;
  }
  throw new Error(`${name} passed the check`);
}

describe('forms layout check', () => {
  it('accepts the shipped layout', () => {
    expect(loadFormsLayout().rows.length).toBeGreaterThan(0);
  });

  it('names every broken row in Vietnamese', () => {
    const err = broken('rows.json', (l) => {
      const blank = l.rows.find((r) => r.ma_so !== null && r.supplied_splits !== 'all')!;
      delete blank.reason_vi;
      const first = l.rows.find((r) => r.ma_so !== null)!;
      l.rows.push({ ...first, excel_row: 999 });
      return l;
    });
    expect(err.code).toBe('FORMS_LAYOUT_INVALID');
    expect(err.message).toContain('Bố cục biểu mẫu');
    expect(err.message).toContain('không hợp lệ:');
    expect(err.message).toMatch(/ - Mã số \d+ xuất hiện hai lần trên biểu \S+ trang /);
    expect(err.message).toMatch(/ - \S+\/\d+: dòng để trống \(toàn bộ hoặc một phần\) cần có reason_vi/);
  });

  it('says in Vietnamese which field has the wrong shape', () => {
    const err = broken('shape.json', (l) => ({ ...l, rows: [{ ...l.rows[0], excel_row: 'ba' }] }));
    expect(err.code).toBe('FORMS_LAYOUT_INVALID');
    expect(err.message).toMatch(/- \[rows\.0\.excel_row\] .*(Đầu vào|không hợp lệ)/);
    expect(err.message).not.toMatch(/Invalid input|expected number/);
  });
});
