/**
 * Export packages of Lai Châu's approved 2025-DN version on the forms fixture: the workbooks
 * opened by LibreOffice Calc, every value cell against the cells worked out by hand and every
 * row's TT, label, unit and Mã số against the Ministry's template; Parquet, CSV and JSON read back
 * by DuckDB and Arrow by apache-arrow against the frozen rows; the manifest's sizes and hashes;
 * the same bytes for the same version; no package from a tampered version; small cells hidden
 * for an outside recipient.
 * @module-tag slow
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formsDir, isSupplied, loadFormsLayout } from '../../lib/forms-layout.ts';
import * as approval from '../../pipelines/approval/index.ts';
import { exportPackage, type Manifest } from '../../pipelines/export/index.ts';
import { flatten, PROVINCE } from '../fixtures/forms-expected.ts';
import { cellText, sheetsOf } from '../support/libreoffice.ts';
import { approveLaiChauAndNation, reportsFixture } from '../support/reports-fixture.ts';

const h = reportsFixture();
const out = mkdtempSync(join(tmpdir(), 'csdl-export-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const layout = loadFormsLayout();

let pkg: { dir: string; manifest: Manifest };
let versionId: string;

beforeAll(async () => {
  await approveLaiChauAndNation(h, approval);
  versionId = (await approval.approvalStates(h.fx.conn, '2025-DN')).get('P:12@2025')!.version_id!;
  pkg = await exportPackage(h.fx.conn, { period: '2025-DN', unit: '12', outDir: join(out, 'a'), via: 'cli', requestedBy: 'test' });
}, 120_000);

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A value as text, numbers in one spelling whatever the format wrote ('1.0' and 1 are the same). */
const canonical = (v: unknown) =>
  v === null || v === undefined || v === '' ? null : /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(String(v)) ? String(Number(v)) : String(v);

/** Rows as sorted JSON lines: the frozen rows are the reference every file format is checked against. */
async function frozen(sql: string): Promise<string[]> {
  const rows = await h.fx.rows<Record<string, unknown>>(sql);
  return rows.map((r) => JSON.stringify(Object.values(r).map(canonical))).sort();
}

const FROZEN_SQL = {
  indicator_values: `select '2025-DN' as period, unit_key, unit_code, unit_level, unit_name, parent_key, indicator, breakdown, dimension, numerator, denominator, value
    from meta.frozen_indicator_values where version_id = '$V'`,
  form_cells: `select '2025-DN' as period, unit_key, unit_code, unit_level, unit_name, parent_key, form, sheet, ma_so::integer, col_no::integer, value
    from meta.frozen_form_cells where version_id = '$V'`,
  quality_scores: `select '2025-DN' as period, unit_code, unit_level, unit_name, parent_code, dimension, score, checked, failed, rank, ranked_units,
      rank_in_parent, parent_ranked_units, previous_score, score_change
    from meta.frozen_quality_scores where version_id = '$V'`,
} as const;

describe('the export package of an approved version', () => {
  it('holds the workbooks, every table in every format, SDMX-CSV and a manifest whose sizes and hashes match', () => {
    const m = pkg.manifest;
    expect(m).toMatchObject({
      schema_version: '1.0',
      period: { code: '2025-DN', school_year: '2025-2026', census_day: '2025-09-30' },
      unit: { key: 'P:12@2025', code: '12', level: 'province', name: 'Tỉnh Lai Châu' },
      version: { id: versionId },
      approval: { approved_by: 'Sở GDĐT Lai Châu' },
      recipient: 'ministry',
    });
    expect(m.generated_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const names = m.files.map((f) => f.name);
    expect(names).toEqual(
      [
        'bieu-01-mn-dn.xlsx',
        'bieu-02-th-dn.xlsx',
        ...['indicator_values', 'form_cells', 'quality_scores'].flatMap((d) => ['arrow', 'csv', 'json', 'parquet'].map((f) => `${d}.${f}`)),
        'indicator_values.sdmx.csv',
      ].sort(),
    );
    expect(readdirSync(pkg.dir).sort()).toEqual([...names, 'manifest.json'].sort());
    for (const f of m.files) {
      expect(statSync(join(pkg.dir, f.name)).size, f.name).toBe(f.bytes);
      expect(sha(join(pkg.dir, f.name)), f.name).toBe(f.sha256);
    }
    expect(m.blank_form_rows).toHaveLength(82); // 79 rows the CSDL cannot supply, 3 supplied in Tổng số only
    expect(m.blank_form_rows.find((r) => r.form === 'bieu-02-th-dn' && r.ma_so === 25)).toMatchObject({ sheet: 'I', excel_row: 36, status: 'NONE' });
    expect(readdirSync(join(out, 'a', '2025-DN')).filter((d) => d.includes('.tmp-'))).toEqual([]);
  });

  it('reads back from Parquet, CSV and JSON (DuckDB) and Arrow (apache-arrow) as exactly the frozen rows', async () => {
    for (const [name, sql] of Object.entries(FROZEN_SQL)) {
      const expected = await frozen(sql.replace('$V', versionId));
      expect(pkg.manifest.files.find((f) => f.name === `${name}.csv`)!.rows, name).toBe(expected.length);
      const path = (ext: string) => join(pkg.dir, `${name}.${ext}`).replace(/'/g, "''");
      for (const read of [
        `read_parquet('${path('parquet')}')`,
        `read_csv('${path('csv')}', header = true, all_varchar = true)`,
        `read_json('${path('json')}')`,
      ]) {
        expect(await frozen(`select * from ${read}`), `${name} ${read.slice(0, 12)}`).toEqual(expected);
      }
      const table = tableFromIPC(readFileSync(path('arrow')));
      expect(table.numRows).toBe(expected.length);
      const rows = table.toArray().map((r) => JSON.stringify(Object.values(r.toJSON()).map(canonical)));
      expect(rows.sort(), `${name} arrow`).toEqual(expected);
    }
    const csv = readFileSync(join(pkg.dir, 'indicator_values.csv'));
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const sdmx = readFileSync(join(pkg.dir, 'indicator_values.sdmx.csv'), 'utf8').split('\r\n');
    expect(sdmx[0]).toBe('STRUCTURE,STRUCTURE_ID,ACTION,UNIT,PERIOD,INDICATOR,BREAKDOWN,OBS_VALUE,UNIT_MEASURE,CONF_STATUS');
    expect(sdmx).toContain('dataflow,VN_MOET:DF_CSDL_INDICATORS(1.0),I,12,2025-DN,LRN,total,22,học sinh,F');
  });

  it('fills the workbooks, opened by LibreOffice, with the cells worked out by hand, 0 where nothing counts and blank where the CSDL has nothing', async () => {
    const expected = flatten(PROVINCE);
    for (const form of layout.forms) {
      const sheets = await sheetsOf(join(pkg.dir, `${form.form}.xlsx`));
      expect([...sheets.keys()].sort()).toEqual([...form.sheets, 'Errors'].sort());
      let checked = 0;
      for (const r of layout.rows.filter((x) => x.form === form.form)) {
        const rows = sheets.get(r.sheet)!;
        for (const c of layout.columns.filter((x) => x.form === form.form && x.sheet === r.sheet)) {
          const address = `${c.excel_col}${r.excel_row}`;
          const text = cellText(rows, address);
          if (r.ma_so === null || !isSupplied(r, c.split)) {
            expect(text, `${form.form} ${r.sheet}!${address} blank`).toBe('');
            continue;
          }
          expect(text, `${form.form} ${r.sheet}!${address} (Mã số ${r.ma_so}, column ${c.col_no})`).toBe(
            String(expected.get(`${form.form}/${r.sheet}/${r.ma_so}/${c.col_no}`) ?? 0),
          );
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(1000);
      const first = sheets.get(form.header_sheet)!;
      expect(cellText(first, 'B2')).toBe('Kỳ đầu năm học 2025-2026');
      expect(cellText(first, 'D2')).toBe('Sở GDĐT tỉnh Lai Châu');
      expect(cellText(first, 'D4')).toBe('Bộ Giáo dục và Đào tạo');
      const errors = sheets.get('Errors')!;
      expect(errors[0]).toEqual(['Sheet', 'Cell', 'Error', 'Detail']);
      expect(errors.length - 1).toBe(
        layout.rows.filter((x) => x.form === form.form && x.ma_so !== null && x.supplied_splits !== 'all').length +
          layout.notes.filter((n) => n.form === form.form).length,
      );
    }
  }, 120_000);

  it("keeps the Ministry's rows: TT, label, unit and Mã số of every row as the template has them", async () => {
    for (const form of layout.forms) {
      const template = await sheetsOf(join(formsDir, form.template));
      const exported = await sheetsOf(join(pkg.dir, `${form.form}.xlsx`));
      for (const sheet of form.sheets) {
        const t = template.get(sheet)!;
        const e = exported.get(sheet)!;
        const firstData = Math.min(...layout.rows.filter((r) => r.form === form.form && r.sheet === sheet).map((r) => r.excel_row));
        // the header block and column headers: only B2, D2 and D4 of the first sheet are filled in
        for (let row = 1; row < firstData; row++) {
          const skip = sheet === form.header_sheet ? ['B2', 'D2', 'D4'] : [];
          for (const col of ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H']) {
            if (skip.includes(`${col}${row}`)) continue;
            expect(cellText(e, `${col}${row}`), `${sheet}!${col}${row}`).toBe(cellText(t, `${col}${row}`));
          }
        }
        const labelCols = sheet === 'Ngân sách' ? ['A', 'B', 'D', 'E'] : ['A', 'B', 'C', 'D'];
        for (const r of layout.rows.filter((x) => x.form === form.form && x.sheet === sheet)) {
          for (const col of labelCols) expect(cellText(e, `${col}${r.excel_row}`), `${sheet}!${col}${r.excel_row}`).toBe(cellText(t, `${col}${r.excel_row}`));
          const maSo = cellText(t, `${sheet === 'Ngân sách' ? 'E' : 'D'}${r.excel_row}`);
          expect(maSo === '' ? null : Number(maSo), `${sheet} row ${r.excel_row} Mã số`).toBe(r.ma_so);
          expect(cellText(t, `B${r.excel_row}`), `${sheet} row ${r.excel_row} label`).toBe(r.label);
        }
      }
    }
  }, 180_000);

  it("keeps the template's merged header cells, column widths and row heights, and formats figures #,##0 (1.234 in Excel-vi)", async () => {
    for (const form of layout.forms) {
      const [template, exported] = [new ExcelJS.Workbook(), new ExcelJS.Workbook()];
      await template.xlsx.readFile(join(formsDir, form.template));
      await exported.xlsx.readFile(join(pkg.dir, `${form.form}.xlsx`));
      for (const sheet of form.sheets) {
        const t = template.getWorksheet(sheet)!;
        const e = exported.getWorksheet(sheet)!;
        expect([...(e.model.merges ?? [])].sort(), sheet).toEqual([...(t.model.merges ?? [])].sort());
        for (let col = 1; col <= 20; col++) expect(e.getColumn(col).width, `${sheet} column ${col}`).toBe(t.getColumn(col).width);
        for (const r of layout.rows.filter((x) => x.form === form.form && x.sheet === sheet))
          expect(e.getRow(r.excel_row).height).toBe(t.getRow(r.excel_row).height);
        const valueRow = layout.rows.find((x) => x.form === form.form && x.sheet === sheet && x.supplied_splits === 'all');
        if (valueRow) expect(e.getCell(`E${valueRow.excel_row}`).numFmt, sheet).toBe('#,##0');
      }
    }
    const merges = (f: string, s: string) => new ExcelJS.Workbook().xlsx.readFile(join(pkg.dir, f)).then((wb) => wb.getWorksheet(s)!.model.merges.length);
    expect(await merges('bieu-01-mn-dn.xlsx', 'Học sinh')).toBe(20);
    expect(await merges('bieu-01-mn-dn.xlsx', 'Cán bộ')).toBe(31);
    expect(await merges('bieu-02-th-dn.xlsx', 'IV')).toBe(27);
  });

  it('writes the same bytes for the same version (but the generation time), and serves a package once written as it is', async () => {
    const again = await exportPackage(h.fx.conn, { period: '2025-DN', unit: '12', outDir: join(out, 'b'), via: 'cli' });
    expect(again.reused).toBe(false);
    for (const f of pkg.manifest.files) expect(sha(join(again.dir, f.name)), f.name).toBe(f.sha256);
    const strip = (m: Manifest) => ({ ...m, generated_at: null });
    expect(strip(again.manifest)).toEqual(strip(pkg.manifest));
    const reused = await exportPackage(h.fx.conn, { period: '2025-DN', unit: '12', outDir: join(out, 'a'), via: 'cli' });
    expect(reused.reused).toBe(true);
    expect(reused.manifest.generated_at).toBe(pkg.manifest.generated_at);
    const runs = await h.fx.rows<{ via: string; status: string }>(`select via, status from meta.export_runs where version_id = ? order by started_at`, [
      versionId,
    ]);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.every((r) => r.status === 'succeeded')).toBe(true);
  });

  it("exports the nation's consolidation: the nation's workbooks and its provinces' rows", async () => {
    const nation = await exportPackage(h.fx.conn, { period: '2025-DN', unit: 'VN', outDir: join(out, 'a'), via: 'cli', formats: ['xlsx', 'csv'] });
    expect(nation.manifest.version.consolidates).toEqual([versionId]);
    const first = (await sheetsOf(join(nation.dir, 'bieu-02-th-dn.xlsx'))).get('I')!;
    expect(cellText(first, 'D2')).toBe('Bộ Giáo dục và Đào tạo');
    expect(cellText(first, 'E10')).toBe('3');
    const units = await h.fx.rows<{ l: string }>(`select distinct unit_level as l from read_csv('${join(nation.dir, 'form_cells.csv')}') order by 1`);
    expect(units.map((u) => u.l)).toEqual(['nation', 'province']);
  }, 60_000);

  it('hides small cells from an outside recipient: the unit and its communes only, 1-9 as <10, secondary cells as x', async () => {
    const outside = await exportPackage(h.fx.conn, { period: '2025-DN', unit: '12', recipient: 'outside', outDir: join(out, 'a'), via: 'cli' });
    const cells = await h.fx.rows<{ unit_level: string; sheet: string; ma_so: number; col_no: number; value: string; suppressed: boolean }>(
      `select * from read_csv('${join(outside.dir, 'form_cells.csv')}', all_varchar = true)`,
    );
    expect([...new Set(cells.map((c) => c.unit_level))].sort()).toEqual(['commune', 'province']);
    const at = (unit: string, sheet: string, ma: number, col: number) =>
      cells.find((c) => c.unit_level === unit && c.sheet === sheet && Number(c.ma_so) === ma && Number(c.col_no) === col)?.value;
    // Học sinh 83: province total 14 stays, its female count 8 is a small cell
    expect(at('province', 'Học sinh', 83, 1)).toBe('14');
    expect(at('province', 'Học sinh', 83, 2)).toBe('<10');
    expect(cells.some((c) => c.value === 'x')).toBe(true);
    expect(cells.every((c) => c.value === '<10' || c.value === 'x' || Number(c.value) === 0 || Number(c.value) >= 10)).toBe(true);
    const sheet = (await sheetsOf(join(outside.dir, 'bieu-01-mn-dn.xlsx'))).get('Học sinh')!;
    expect(cellText(sheet, 'E5')).toBe('14');
    expect(cellText(sheet, 'F5')).toBe('<10');
    const sdmx = readFileSync(join(outside.dir, 'indicator_values.sdmx.csv'), 'utf8');
    expect(sdmx).toMatch(/,,[^,\r\n]*,C\r\n/); // a hidden observation: no value, CONF_STATUS C
    expect(outside.manifest.suppression).toContain('<10');
  }, 60_000);

  it('refuses a unit without an approved version, and a version whose frozen rows were tampered with, writing nothing', async () => {
    const none = await exportPackage(h.fx.conn, { period: '2025-CN', unit: '12', outDir: join(out, 'c'), via: 'cli' }).catch((e) => e);
    expect(none.code).toBe('NOT_APPROVED');
    await h.fx.conn.run(
      `update meta.frozen_form_cells set value = value + 1 where version_id = '${versionId}' and unit_key = 'P:12@2025' and sheet = 'I' and ma_so = 1 and col_no = 1`,
    );
    const err = await exportPackage(h.fx.conn, { period: '2025-DN', unit: '12', outDir: join(out, 'c'), via: 'cli' }).catch((e) => e);
    expect(err.code).toBe('VERSION_CORRUPT');
    expect(existsSync(join(out, 'c', '2025-DN'))).toBe(false);
    const [failed] = await h.fx.rows<{ status: string; error: string }>(`select status, error from meta.export_runs where status = 'failed'`);
    expect(failed.error).toContain('mã băm');
  });
});
