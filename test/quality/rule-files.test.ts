/**
 * The rules' SQL files (models/quality/rules/<family>.sql) as the catalogue reads them: one file per
 * rule family, every block used, placeholders filled or named when they cannot be.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { codeListTable, loadReference } from '../../lib/reference.ts';
import { buildCatalog } from '../../pipelines/quality/catalog.ts';
import { querySql, recordParts, ruleFileBlocks, RULES_DIR } from '../../pipelines/quality/rule-files.ts';
import { contractColumns } from '../../pipelines/quality/warehouse-columns.ts';

const lists = [...Object.keys(loadReference().codeLists).map(codeListTable), 'dm_tinh', 'dm_huyen', 'dm_xa'];
const rules = buildCatalog(contractColumns(lists));
const files = readdirSync(RULES_DIR)
  .filter((f) => f.endsWith('.sql'))
  .map((f) => f.replace(/\.sql$/, ''));

describe('rule SQL files', () => {
  it('hold one file per rule family, and nothing else but the populations', () => {
    const families = [...new Set(rules.map((r) => r.family))].sort();
    expect(files.filter((f) => f !== 'populations').sort()).toEqual(families);
  });

  it('use every block they define: as a rule id, from another block, or named by the catalogue code', () => {
    const sql = files.map((f) => readFileSync(`${RULES_DIR}${f}.sql`, 'utf8')).join('\n');
    const code = readdirSync(new URL('../../pipelines/quality/', import.meta.url))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => readFileSync(new URL(`../../pipelines/quality/${f}`, import.meta.url), 'utf8'))
      .join('\n');
    const ids = new Set(rules.map((r) => r.id));
    for (const file of files) {
      for (const block of ruleFileBlocks(file).keys()) {
        const used = ids.has(block) || sql.includes(`{{${block}}}`) || sql.includes(`{{${file}/${block}}}`) || code.includes(`'${block}'`);
        expect(used, `${file}.sql: ${block}`).toBe(true);
      }
    }
  });

  it('fill every placeholder of every rule', () => {
    for (const r of rules) {
      const text = r.kind === 'query' ? r.sql : [r.applies, r.fails, r.detail, r.fields].join('\n');
      expect(text, r.id).not.toMatch(/\{\{|\}\}/);
    }
  });

  it('split a select list at its top-level commas only', () => {
    const parts = recordParts('code_list', 'administrative_unit', { column: 'ma_xa', list_table: 'dm_xa', list: 'DM_XA' });
    expect(Object.keys(parts)).toEqual(['fails', 'detail']);
    expect(parts.fails).toMatch(/^\{'d': pop\.census_day, 'm': pop\.ma_xa\} not in \(/);
    expect(recordParts('code_list', 'text', { column: 'ma_dan_toc', list_table: 'dm_dan_toc', list: 'DM_DAN_TOC' })).toEqual({
      applies: "nullif(trim(ma_dan_toc), '') is not null",
      fails: 'pop.ma_dan_toc not in (select ma from raw.dm_dan_toc)',
      detail: "'Mã ''' || ma_dan_toc || ''' không có trong danh mục DM_DAN_TOC'",
    });
  });

  it('name the file, the block and the placeholder nothing supplies', () => {
    expect(() => querySql('total', 'declared_total', { table: 'hoc_sinh' })).toThrow(
      'models/quality/rules/total.sql: block declared_total uses {{field}}, which no parameter or block supplies',
    );
    expect(() => querySql('total', 'no_such_block')).toThrow('models/quality/rules/total.sql has no block named no_such_block');
    expect(() => recordParts('total', 'declared_total', { table: 'hoc_sinh', field: 'tong_so_hoc_sinh', what: 'học sinh' })).toThrow(
      'block declared_total is not a select list',
    );
  });
});
