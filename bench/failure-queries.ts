/**
 * What keeping every failing record costs: the rows and bytes of the history (meta.quality_failures)
 * and of the published list (quality.dq_failures), each copied alone into a fresh DuckDB file and
 * measured there, and the time of the API's queries (server/quality/failures.queries.ts): the
 * first page of the school and of the province with most findings, every page of that school,
 * and the workbook of that province written whole.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { literal, queryRows } from '../lib/warehouse.ts';
import { allFailures, decodeCursor, failurePage, failureSummary } from '../server/quality/failures.queries.ts';
import { writeFailuresWorkbook } from '../server/quality/failures-workbook.ts';
import { findPeriod, findUnit, type Unit } from '../server/units/units.queries.ts';

export type FailureCosts = {
  historyRows: number;
  historyMiB: number;
  publishedRows: number;
  publishedMiB: number;
  school: { code: string; findings: number; firstPageMs: number; allPagesMs: number; pages: number };
  province: { code: string; findings: number; firstPageMs: number; workbookSeconds: number; workbookMiB: number };
};

const mib = (bytes: number) => +(bytes / 2 ** 20).toFixed(2);

/** The bytes a table takes alone in a fresh DuckDB file. */
async function tableBytes(conn: DuckDBConnection, dir: string, table: string): Promise<number> {
  const file = join(dir, `${table.replace('.', '_')}.duckdb`);
  await conn.run(`attach ${literal(file)} as measured; create table measured.t as select * from ${table}; detach measured`);
  return statSync(file).size;
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await f();
  return [out, performance.now() - t0];
}

/** Measures the failure list of `period` (see the module comment). */
export async function failureCosts(conn: DuckDBConnection, periodName: string): Promise<FailureCosts> {
  const dir = mkdtempSync(join(tmpdir(), 'csdl-bench-failures-'));
  try {
    const [{ history }] = await queryRows<{ history: number }>(conn, 'select count(*) as history from meta.quality_failures');
    const [{ published }] = await queryRows<{ published: number }>(conn, 'select count(*) as published from quality.dq_failures');
    const historyBytes = await tableBytes(conn, dir, 'meta.quality_failures');
    const publishedBytes = await tableBytes(conn, dir, 'quality.dq_failures');
    const period = (await findPeriod(conn, periodName))!;
    const [top] = await queryRows<{ unit_code: string; n: number }>(
      conn,
      `select unit_code, count(*) as n from quality.dq_failures where period = ${literal(periodName)} group by all order by n desc, unit_code limit 1`,
    );
    const [prov] = await queryRows<{ unit_code: string; n: number }>(
      conn,
      `select c.unit_code, count(*) as n from quality.dq_failures as f
       join quality.dq_unit_closure as c on c.period = f.period and c.school_code = f.unit_code and c.unit_level = 'province'
       where f.period = ${literal(periodName)} group by all order by n desc, c.unit_code limit 1`,
    );
    const school = (await findUnit(conn, `S:${top.unit_code}@${period.nam_hoc}`, period))!;
    const province = (await findUnit(conn, prov.unit_code, period))!;
    const firstPage = async (unit: Unit) => {
      const page = await failurePage(conn, period, unit, { limit: 1000 });
      return queryRows(conn, page.sql, page.params);
    };
    const [, schoolFirst] = await timed(() => firstPage(school));
    let pages = 0;
    const [, schoolAll] = await timed(async () => {
      let cursor: string | null = null;
      do {
        const page = await failurePage(conn, period, school, { limit: 1000, cursor: cursor === null ? undefined : decodeCursor(cursor) });
        await queryRows(conn, page.sql, page.params);
        cursor = page.next;
        pages += 1;
      } while (cursor);
    });
    const [, provinceFirst] = await timed(() => firstPage(province));
    const workbook = join(dir, 'province.xlsx');
    const [, workbookMs] = await timed(async () =>
      writeFailuresWorkbook(
        workbook,
        { unitName: province.unit_name, unitKey: province.unit_key, periodName, generatedAt: new Date() },
        await failureSummary(conn, period, province),
        allFailures(conn, period, province),
        (band) => band ?? '',
      ),
    );
    return {
      historyRows: Number(history),
      historyMiB: mib(historyBytes),
      publishedRows: Number(published),
      publishedMiB: mib(publishedBytes),
      school: { code: top.unit_code, findings: Number(top.n), firstPageMs: +schoolFirst.toFixed(1), allPagesMs: +schoolAll.toFixed(1), pages },
      province: {
        code: prov.unit_code,
        findings: Number(prov.n),
        firstPageMs: +provinceFirst.toFixed(1),
        workbookSeconds: +(workbookMs / 1000).toFixed(2),
        workbookMiB: mib(statSync(workbook).size),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
