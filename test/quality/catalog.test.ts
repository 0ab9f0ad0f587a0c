/**
 * The rule catalogue as data: derived from the Ministry's spec for the warehouse's columns,
 * complete over the families and the generator's defect kinds, and well described.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { DEFECT_KINDS } from '../../sample/generate/defect-kinds.ts';
import { codeListTable } from '../../lib/reference.ts';
import { loadReference } from '../../lib/reference.ts';
import { buildCatalog, countByDimension } from '../../pipelines/quality/catalog.ts';
import { KIND_RULES, SIDE_EFFECTS } from '../support/quality-proof.ts';
import { DIMENSIONS, RECORD_KIND_WEIGHTS } from '../../pipelines/quality/rule.ts';
import { ruleSql } from '../../pipelines/quality/rule-sql.ts';
import { unevaluableConditions } from '../../pipelines/quality/rules-conditional.ts';
import { SPEC_OBJECTS, specFields } from '../../pipelines/quality/field-spec.ts';
import { contractColumns } from '../../pipelines/quality/warehouse-columns.ts';

const lists = [...Object.keys(loadReference().codeLists).map(codeListTable), 'dm_tinh', 'dm_huyen', 'dm_xa'];
const columns = contractColumns(lists);
const rules = buildCatalog(columns);
const ids = new Set(rules.map((r) => r.id));

describe('quality rule catalogue', () => {
  it('has one required-field rule per always-required spec field the warehouse holds', () => {
    const spec = JSON.parse(readFileSync(new URL('../../data/reference/field-spec.json', import.meta.url), 'utf8'));
    const expected: string[] = [];
    for (const o of SPEC_OBJECTS) {
      const cols = columns.get(o.table)!;
      for (const f of spec[o.object] as Array<{ column: string; required: string }>) {
        if (f.required === 'always' && (cols.has(f.column) || cols.has(`${f.column}__present`))) expected.push(`${o.prefix}-REQ-${f.column}`);
      }
    }
    expect(
      rules
        .filter((r) => r.family === 'required')
        .map((r) => r.id)
        .sort(),
    ).toEqual([...new Set(expected)].sort());
    // personal fields are checked through their flag, never their value
    expect(rules.find((r) => r.id === 'HS-REQ-ho_ten')).toMatchObject({ fails: 'not coalesce(ho_ten__present, false)' });
  });

  it('translates every conditional requirement whose columns exist, and lists the others with a reason', () => {
    expect(
      rules
        .filter((r) => r.family === 'conditional')
        .map((r) => r.id)
        .sort(),
    ).toEqual([
      'HS-CREQ-ma_hoc_ban_tru',
      'HS-CREQ-ma_loai_khuyet_tat',
      'HS-CREQ-ma_ly_do_thoi_hoc',
      'HS-CREQ-ngay_trang_thai',
      'HS-CREQ-noi_chuyen_di',
      'LH-CREQ-ma_he_chuyen',
      'LH-CREQ-ma_hoc_ban_tru',
      'LH-CREQ-ma_lop_ghep',
    ]);
    expect(rules.find((r) => r.id === 'HS-CREQ-ma_ly_do_thoi_hoc')).toMatchObject({ applies: 'trang_thai in (5,9,12)' });
    const conditional = SPEC_OBJECTS.flatMap((o) =>
      specFields(o.object)
        .filter((f) => f.required === 'conditional')
        .map((f) => `${o.table}.${f.column}`),
    );
    const covered = [
      ...rules.filter((r) => r.family === 'conditional').map((r) => `${r.table}.${r.field}`),
      ...unevaluableConditions(columns).map((u) => `${u.table}.${u.column}`),
    ];
    expect(covered.sort()).toEqual(conditional.sort());
  });

  it('checks each coded field against its own code list table', () => {
    const code = rules.find((r) => r.id === 'HS-CODE-ma_dan_toc');
    expect(code && code.kind === 'population' ? code.fails : '').toBe('pop.ma_dan_toc not in (select ma from raw.dm_dan_toc)');
    const numeric = rules.find((r) => r.id === 'HS-CODE-gioi_tinh');
    expect(numeric && numeric.kind === 'population' ? numeric.fails : '').toContain('try_cast(ma as bigint)');
    expect(
      rules.find((r) => r.id === 'TH-CODE-ma_tinh')?.kind === 'population' && (rules.find((r) => r.id === 'TH-CODE-ma_tinh') as { fails: string }).fails,
    ).toContain('from dq_eval_periods as p');
  });

  it('covers every dimension and describes every rule in Vietnamese and English', () => {
    const counts = countByDimension(rules);
    for (const d of DIMENSIONS) expect(counts[d], d).toBeGreaterThan(0);
    for (const r of rules) {
      expect(r.vi, r.id).toMatch(/[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]/);
      expect(r.en.length, r.id).toBeGreaterThan(10);
      expect(RECORD_KIND_WEIGHTS[r.table], r.id).toBeGreaterThan(0);
      expect(r.vi.normalize('NFC'), r.id).toBe(r.vi);
    }
    expect(Object.values(RECORD_KIND_WEIGHTS).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(ids.size).toBe(rules.length);
  });

  it('maps every defect kind of the generator to rules that exist', () => {
    expect(Object.keys(KIND_RULES).sort()).toEqual([...DEFECT_KINDS].sort());
    for (const list of [...Object.values(KIND_RULES), ...Object.values(SIDE_EFFECTS)]) for (const id of list) expect(ids.has(id), id).toBe(true);
  });

  it('renders each rule as one standalone SELECT over the evaluated periods', () => {
    for (const r of rules) {
      const sql = ruleSql(r);
      expect(sql, r.id).toMatch(/^-- [A-Z]{2}-/);
      expect(sql, r.id).toContain('dq_eval_periods');
      expect(sql, r.id).not.toMatch(/\$\{|undefined/);
    }
  });
});
