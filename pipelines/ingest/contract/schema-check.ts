/**
 * Checks the source's catalog against the extraction contract before anything is read, inside
 * the run's snapshot, and discovers the code lists (`csdl.dm_*` beyond the administrative units).
 * A missing table or column, or a column whose type no longer loads without loss, stops the run
 * with SchemaDriftError (terminal: a person must look) naming every such column at once.
 */
import type pg from 'pg';
import { SchemaDriftError } from '../../../lib/errors.ts';
import { describeCatalogType, isCompatible, type CatalogColumn } from './column-types.ts';
import { codeListContract, listedContracts, type TableContract } from './contract.ts';
import { SOURCE_TABLES } from './tables.ts';

type CatalogRow = CatalogColumn & { table_name: string; column_name: string };

/** One difference between the contract and the source catalog. */
export type DriftProblem = { table: string; column?: string; expected: string; found: string };

/**
 * Returns the contracts of every table to load (listed tables first, then code lists by name).
 * Throws SchemaDriftError listing each missing or retyped column, or a non-UTF8 source.
 */
export async function checkSourceSchema(client: pg.ClientBase): Promise<TableContract[]> {
  const problems: DriftProblem[] = [];
  const encoding = (await client.query<{ server_encoding: string }>('show server_encoding')).rows[0].server_encoding;
  if (encoding.toUpperCase() !== 'UTF8') problems.push({ table: '(database)', expected: 'server_encoding UTF8', found: encoding });

  const { rows } = await client.query<CatalogRow>(
    `select c.table_name, c.column_name, c.data_type, c.numeric_precision, c.numeric_scale
       from information_schema.columns c
       join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema = 'csdl' and t.table_type in ('BASE TABLE', 'VIEW')`,
  );
  const catalog = new Map<string, Map<string, CatalogColumn>>();
  for (const r of rows) {
    if (!catalog.has(r.table_name)) catalog.set(r.table_name, new Map());
    catalog.get(r.table_name)!.set(r.column_name, r);
  }
  const listed = new Set(SOURCE_TABLES.map((t) => t.name));
  const codeLists = [...catalog.keys()].filter((n) => n.startsWith('dm_') && !listed.has(n)).sort();
  const contracts = [...listedContracts(), ...codeLists.map(codeListContract)];

  for (const contract of contracts) {
    const columns = catalog.get(contract.name);
    if (!columns) {
      problems.push({ table: contract.name, expected: 'table', found: 'missing' });
      continue;
    }
    for (const { name, type } of contract.sourceColumns) {
      const found = columns.get(name);
      if (!found) problems.push({ table: contract.name, column: name, expected: type, found: 'missing' });
      else if (!isCompatible(type, found)) problems.push({ table: contract.name, column: name, expected: type, found: describeCatalogType(found) });
    }
  }
  if (problems.length > 0) throw driftError(problems, listed.size);
  return contracts;
}

/**
 * SchemaDriftError whose message names each table.column with the expected and found type (or
 * says the source is empty when every listed table is missing).
 */
export function driftError(problems: DriftProblem[], listedTables = 0): SchemaDriftError {
  const missingTables = problems.filter((p) => !p.column && p.found === 'missing').length;
  if (listedTables > 0 && missingTables >= listedTables) {
    return new SchemaDriftError(
      'Nguồn không có bảng nào của CSDL (lược đồ csdl trống hoặc không có); chưa nạp gì. ' +
        'Hãy cho CSDL_DATABASE_URL trỏ tới CSDL, hoặc tạo dữ liệu mẫu cho nguồn nhúng trước bằng `csdl generate`.',
      { problems },
    );
  }
  const lines = problems.map(
    (p) =>
      `  - csdl.${p.table}${p.column ? '.' + p.column : ''}: ${p.found === 'missing' ? `nguồn không có (missing), cần ${p.expected}` : `cần ${p.expected}, nguồn có ${p.found}`}`,
  );
  return new SchemaDriftError(
    `Cấu trúc nguồn khác với hợp đồng trích xuất (pipelines/ingest/contract/tables.ts, column-types.ts); chưa nạp gì:\n${lines.join('\n')}\n` +
      'Hãy sửa nguồn, hoặc cập nhật hợp đồng (và các mô hình đọc những cột này), rồi chạy lại `csdl etl`.',
    { problems },
  );
}
