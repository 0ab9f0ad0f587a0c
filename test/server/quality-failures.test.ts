/**
 * The failing records over HTTP on the fixture warehouse: a unit's schools' list a page at a
 * time with a cursor, the other school of a duplicate named only to those who may see it, and
 * the workbook a commune downloads, read back by LibreOffice Calc (a real spreadsheet program).
 * @module-tag slow
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRows } from '../../server/db/read-rows.ts';
import { cellText, sheetsOf } from '../support/libreoffice.ts';
import { buildFixtureWarehouse } from './support/fixture-warehouse.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

type Failure = { unit_code: string; rule_id: string; record_key: string; record_id: number; related_record_key: string | null; related_unit: string | null };

describe('failing records over HTTP', () => {
  let s: TestServer;
  const dir = mkdtempSync(join(tmpdir(), 'csdl-failures-test-'));
  beforeAll(async () => {
    s = await startTestServer(buildFixtureWarehouse);
  });
  afterAll(async () => {
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("pages through a commune's list with a cursor, every record once, in a stable order", async () => {
    const seen: Failure[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await s.get(`/api/quality/failures?period=2025-DN&unit=C:20194@2025&limit=10${cursor ? `&cursor=${cursor}` : ''}`, s.keys.communeAdmin);
      expect(r.status).toBe(200);
      expect(r.body.total).toBe(29);
      expect(r.body.rows.length).toBeLessThanOrEqual(10);
      seen.push(...r.body.rows);
      cursor = r.body.next;
      if (cursor) expect(r.headers.get('x-next-cursor')).toBe(cursor);
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    // T1's 4 findings, then T2's 25, by rule then source id; T3 (another commune) never
    expect(seen.map((f) => `${f.unit_code}|${f.rule_id}|${f.record_id}`)).toEqual([
      'T1|HS_NGAY_SINH|101',
      'T1|HS_NGAY_SINH|102',
      'T1|HS_TRUNG|102',
      'T1|LOP_SI_SO|7',
      ...Array.from({ length: 25 }, (_, i) => `T2|HS_NGAY_SINH|${200 + i}`),
    ]);
  });

  it('names the other record of a duplicate only to a caller who may see its school', async () => {
    const dup = (rows: Failure[]) => rows.find((f) => f.rule_id === 'HS_TRUNG');
    // the commune may not see T3 (Hà Nội): neither the record nor the school is named
    const commune = await s.get('/api/quality/failures?period=2025-DN&unit=S:T1@2025&rule=HS_TRUNG', s.keys.communeAdmin);
    expect(dup(commune.body.rows)).toMatchObject({ related_record_key: null, related_unit: null });
    expect(commune.text).not.toContain('T3');
    const nation = await s.get('/api/quality/failures?period=2025-DN&unit=S:T1@2025&rule=HS_TRUNG', s.keys.nationAdmin);
    expect(dup(nation.body.rows)).toMatchObject({ related_record_key: 'hoc_sinh:900', related_unit: 'T3' });
  });

  it('keeps a school to its own list', async () => {
    const own = await s.get('/api/quality/failures?period=2025-DN', s.keys.school1);
    expect(new Set(own.body.rows.map((f: Failure) => f.unit_code))).toEqual(new Set(['T1']));
    expect((await s.get('/api/quality/failures?period=2025-DN&unit=C:20194@2025', s.keys.school1)).status).toBe(403);
    expect((await s.get('/api/quality/failures/workbook?period=2025-DN&unit=S:T2@2025', s.keys.school1)).status).toBe(403);
  });

  it('gives a commune one workbook of everything its schools must fix, as a spreadsheet program reads it', async () => {
    const res = await fetch(`${s.url}/api/quality/failures/workbook?period=2025-DN&unit=C:20194@2025`, {
      headers: { Authorization: `Bearer ${s.keys.communeAdmin}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    expect(res.headers.get('content-disposition')).toContain('.xlsx');
    const file = join(dir, 'commune.xlsx');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const sheets = await sheetsOf(file);
    expect([...sheets.keys()].sort()).toEqual(['Cần sửa', 'Hướng dẫn', 'Tóm tắt']);
    const list = sheets.get('Cần sửa')!;
    expect(list[0]).toEqual([
      'Mã trường',
      'Tên trường',
      'Mã bản ghi',
      'ID trong CSDL',
      'Loại bản ghi',
      'Mã giả danh',
      'Mã lớp',
      'Tên lớp',
      'Khối',
      'Quy tắc',
      'Mô tả quy tắc',
      'Tiêu chí',
      'Trường dữ liệu',
      'Giải thích',
      'Bản ghi liên quan',
      'Trường của bản ghi liên quan',
    ]);
    const rows = list.slice(1).filter((r) => r.some((c) => c !== ''));
    expect(rows).toHaveLength(29);
    expect(rows[0]).toEqual([
      'T1',
      'Trường Tiểu học Lê Lợi',
      'hoc_sinh:101',
      '101',
      'Học sinh',
      'a1b2c3',
      'L1A',
      '1A',
      '1',
      'HS_NGAY_SINH',
      'Ngày sinh không hợp lệ',
      'Hợp lệ',
      'ngay_sinh',
      'Ngày sinh sau ngày điều tra (ngày chốt số liệu 30/09/2025)',
      '',
      '',
    ]);
    // the duplicate's other school is outside the commune: not named
    const dup = rows.find((r) => r[9] === 'HS_TRUNG')!;
    expect(dup.slice(14)).toEqual(['', '']);
    expect(rows.filter((r) => r[0] === 'T2')).toHaveLength(25);
    const summary = sheets.get('Tóm tắt')!;
    expect(summary[0]).toEqual(['Mã trường', 'Tên trường', 'Bản ghi cần sửa', 'Số lỗi', 'Điểm tổng hợp', 'Xếp loại']);
    // T2: 25 records to fix, T1: 3 records (4 findings), each with its overall score and band
    expect(summary.slice(1, 3)).toEqual([
      ['T2', 'Trường THCS Nguyễn Huệ, "cơ sở 2"', '25', '25', '62.5', 'Kém'],
      ['T1', 'Trường Tiểu học Lê Lợi', '3', '4', '55', 'Kém'],
    ]);
    expect(cellText(sheets.get('Hướng dẫn')!, 'A1')).toContain('Phường Hải Châu');
    const [audit] = await (async () => {
      await s.audit.flush();
      return readRows<{ format: string; rows_returned: number }>(
        s.conn,
        `select format, rows_returned from meta.audit_log where path = '/api/quality/failures/workbook' and status = 200`,
      );
    })();
    expect(audit).toMatchObject({ format: 'xlsx', rows_returned: 29 });
  });
});
