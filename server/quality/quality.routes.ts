/**
 * GET /api/quality/scores?period=&unit=     the unit's children in rank order: overall score,
 *     band and records to fix, ranks with the number of units ranked, change against the previous
 *     period, per-dimension scores and deadline status; the bands in `bands`, the weights of the
 *     record kinds in `weights`, and `assessed`: whether the quality step has scored the period at all
 * GET /api/quality/rules?period=&unit=      the rules the unit fails, worst first
 * GET /api/quality/failures?period=&unit=&rule=&limit=&cursor=   every failing record of the
 *     unit's schools (a school: its own), a page at a time: `next` is the cursor of the next page
 * GET /api/quality/failures/workbook?period=&unit=&rule=   the same list as one XLSX workbook
 *
 * JSON is exact (the caller's own subtree); CSV and Parquet leave the system, and the checked
 * and failed counts of rankings and rule lists pass small-cell suppression. Failure lists carry
 * no counts, only pseudonymous record keys; a record that repeats another names that record's
 * school only when the caller may see it.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { accountOf, connOf, countRows } from '../app-context.ts';
import { table, type ApiRouter } from '../api/api-router.ts';
import { inSnapshot, leaseOf } from '../db/connection.middleware.ts';
import { readRows, tableExists, type Row } from '../db/read-rows.ts';
import { servingOf } from '../db/serving.ts';
import { notFound, notReady } from '../http-errors.ts';
import { format, period, resolvePeriod, resolveUnit, rule, unit } from '../params.ts';
import { fileName, sendTable } from '../output/send-table.ts';
import { dataVersion } from '../suppression/data-version.ts';
import type { DecisionCache } from '../suppression/family-cascade.ts';
import { QualitySuppression } from '../suppression/quality-suppression.ts';
import { childUnits, type Period, type Unit } from '../units/units.queries.ts';
import { writeFailuresWorkbook } from './failures-workbook.ts';
import { allFailures, decodeCursor, FAILURE_COLUMNS, failurePage, failureSummary, hideRelated, visibleRelatedSchools } from './failures.queries.ts';
import { COUNT_FIGURES, rankingColumns, rankingTable, recordKindWeights, ruleColumns, ruleExists, rulesTable, scoreBands } from './quality.queries.ts';

/** Rows of a failure page: 1000 unless asked, at most 10000. */
const PAGE = { default: 1000, max: 10_000 };

const limit = z
  .string({ error: 'phải là một số nguyên' })
  .regex(/^\d{1,5}$/, `phải là số nguyên từ 1 đến ${PAGE.max}`)
  .transform(Number)
  .refine((n) => n >= 1 && n <= PAGE.max, `phải là số nguyên từ 1 đến ${PAGE.max}`)
  .meta({ description: `Rows per page (default ${PAGE.default}, at most ${PAGE.max})` });

const cursor = z
  .string({ error: 'phải là một giá trị' })
  .regex(/^[A-Za-z0-9_-]{1,400}$/, 'phải là giá trị `next` của trang trước')
  .refine((c) => decodeCursor(c) !== undefined, 'phải là giá trị `next` của trang trước')
  .meta({ description: 'The `next` of the previous page (also in the X-Next-Cursor header)' });

/** Vietnamese name of a period: 'Đầu năm học 2025-2026'. */
const periodName = (p: Period) => `${p.ky === 'DN' ? 'Đầu năm học' : 'Cuối năm học'} ${p.nam_hoc}-${p.nam_hoc + 1}`;

async function requireQuality(conn: DuckDBConnection): Promise<void> {
  if (!(await tableExists(conn, 'quality.dq_unit_scores'))) throw notReady('chưa có bảng quality.dq_unit_scores (hãy chạy bước quality)');
}

/** Whether the quality step has scored any unit in `period`. */
async function periodAssessed(conn: DuckDBConnection, period: string): Promise<boolean> {
  const [row] = await readRows<{ assessed: boolean }>(conn, `select exists (select 1 from quality.dq_unit_scores where period = $1) as assessed`, [period]);
  return row.assessed;
}

/** The period, unit and rule of a failure list, checked (404 for an unknown rule). */
async function failureScope(
  conn: DuckDBConnection,
  account: Parameters<typeof resolveUnit>[2],
  q: { period?: string; unit?: string; rule?: string },
): Promise<{ at: Period; own: Unit }> {
  await requireQuality(conn);
  const at = await resolvePeriod(conn, q.period);
  const own = await resolveUnit(conn, q.unit, account, at);
  if (q.rule !== undefined && !(await ruleExists(conn, q.rule))) throw notFound(`quy tắc ${q.rule}`);
  return { at, own };
}

/** The quality routes (after authentication); `now` is the clock deadlines are measured against. */
export function qualityRoutes(api: ApiRouter, decisions: DecisionCache, now: () => Date = () => new Date()): void {
  const scope = z.strictObject({ period: period.optional(), unit: unit.optional(), format });
  const today = () => now().toISOString().slice(0, 10);

  api.get(
    '/quality/scores',
    {
      summary: "A unit's children ranked by overall data-quality score",
      description: 'Per-dimension scores, ranks, change against the previous period and deadline status; counts suppressed in CSV and Parquet.',
      tags: ['quality'],
      auth: 'key',
      query: scope,
      response: table(rankingColumns(true)),
      // the deadline status is judged against today
      cache: today,
    },
    async (_req, res, { query }) => {
      const conn = connOf(res);
      await requireQuality(conn);
      await inSnapshot(res.locals, query.format !== 'json', async () => {
        const at = await resolvePeriod(conn, query.period);
        const own = await resolveUnit(conn, query.unit, accountOf(res), at);
        const children = await childUnits(conn, own, at);
        const today = now().toISOString().slice(0, 10);
        const exact = query.format === 'json';
        const hidden = exact ? undefined : await new QualitySuppression(conn, at, { decisions, version: await dataVersion(conn) }).overall(children);
        const league = servingOf(conn)?.league;
        const mine = rankingTable(at.period, [own.unit_key], today, undefined, league);
        const [ranked] = await readRows(conn, mine.sql, mine.params);
        await sendTable(res, conn, query.format, {
          ...rankingTable(
            at.period,
            children.map((c) => c.unit_key),
            today,
            hidden,
            league,
          ),
          columns: rankingColumns(!exact),
          shown: exact ? undefined : COUNT_FIGURES,
          filename: fileName('quality-scores', at.period, own.unit_key),
          meta: {
            period: at,
            unit: { ...own, ...ranked },
            today,
            // a unit without a score in a period the quality step has not assessed is unchecked, not clean
            assessed: await periodAssessed(conn, at.period),
            bands: await scoreBands(conn),
            weights: await recordKindWeights(conn),
          },
        });
      });
    },
  );

  api.get(
    '/quality/rules',
    {
      summary: 'The rules a unit fails, worst first',
      description: 'Counts suppressed in CSV and Parquet (a pass rate with a hidden count is hidden).',
      tags: ['quality'],
      auth: 'key',
      query: scope,
      response: table(ruleColumns(true)),
      cache: true,
    },
    async (_req, res, { query }) => {
      const conn = connOf(res);
      await requireQuality(conn);
      await inSnapshot(res.locals, query.format !== 'json', async () => {
        const at = await resolvePeriod(conn, query.period);
        const own = await resolveUnit(conn, query.unit, accountOf(res), at);
        const exact = query.format === 'json';
        const hidden = exact ? undefined : await new QualitySuppression(conn, at, { decisions, version: await dataVersion(conn) }).rules(own);
        await sendTable(res, conn, query.format, {
          ...rulesTable(at.period, own, hidden),
          columns: ruleColumns(!exact),
          shown: exact ? undefined : [...COUNT_FIGURES, { figure: 'pass_rate', status: 'pass_rate_status' }],
          filename: fileName('quality-rules', at.period, own.unit_key),
          meta: { period: at, unit: own },
        });
      });
    },
  );

  api.get(
    '/quality/failures',
    {
      summary: "Every failing record of a unit's schools (pseudonymous keys), a page at a time",
      description: 'A school sees its own records; `next` (and the X-Next-Cursor header) is the cursor of the next page.',
      tags: ['quality'],
      auth: 'key',
      query: z.strictObject({
        period: period.optional(),
        unit: unit.optional(),
        rule: rule.optional(),
        limit: limit.optional(),
        cursor: cursor.optional(),
        format,
      }),
      response: table(FAILURE_COLUMNS),
      cache: true,
    },
    async (_req, res, { query }) => {
      const conn = connOf(res);
      const { at, own } = await failureScope(conn, accountOf(res), query);
      const size = query.limit ?? PAGE.default;
      const visible = await visibleRelatedSchools(conn, accountOf(res), at, own);
      const page = await failurePage(conn, at, own, {
        rule: query.rule,
        cursor: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
        limit: size,
        visible,
      });
      if (page.next) res.setHeader('X-Next-Cursor', page.next);
      await sendTable(res, conn, query.format, {
        sql: page.sql,
        params: page.params,
        columns: FAILURE_COLUMNS,
        filename: fileName('quality-failures', at.period, own.unit_key),
        meta: { period: at, unit: own, total: page.total, limit: size, next: page.next },
      });
    },
  );

  api.get(
    '/quality/failures/workbook',
    {
      summary: "Every failing record of a unit's schools as one XLSX workbook",
      description: 'A summary sheet per school and a filterable sheet of every record: key, class, grade, rule, field and explanation, no personal value.',
      tags: ['quality'],
      auth: 'key',
      query: z.strictObject({ period: period.optional(), unit: unit.optional(), rule: rule.optional() }),
      response: { kind: 'file', type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', description: 'the workbook' },
      // the workbook says when it was made: one a day at most
      cache: today,
    },
    async (_req, res, { query }) => {
      const conn = connOf(res);
      const { at, own } = await failureScope(conn, accountOf(res), query);
      const visible = await visibleRelatedSchools(conn, accountOf(res), at, own);
      const bands = new Map((await scoreBands(conn)).map((b) => [b.band, b.label_vi]));
      const schools = await failureSummary(conn, at, own, query.rule);
      const dir = await mkdtemp(join(tmpdir(), 'csdl-workbook-'));
      try {
        const path = join(dir, 'failures.xlsx');
        async function* shown(): AsyncGenerator<Row[]> {
          for await (const batch of allFailures(conn, at, own, query.rule)) yield batch.map((r) => hideRelated(r, visible));
        }
        // the rows stream chunk by chunk, outside the query calls the lease tracks: hold it
        const write = () =>
          writeFailuresWorkbook(
            path,
            { unitName: own.unit_name, unitKey: own.unit_key, periodName: periodName(at), rule: query.rule, generatedAt: now() },
            schools,
            shown(),
            (band) => (band === null ? '' : (bands.get(band) ?? band)),
          );
        const lease = leaseOf(res.locals);
        const written = await (lease ? lease.hold(write) : write());
        countRows(res, written);
        res.locals.format = 'xlsx';
        res.setHeader('Content-Disposition', `attachment; filename="${fileName('quality-failures', at.period, own.unit_key)}.xlsx"`);
        res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        await new Promise<void>((resolve, reject) => {
          const stream = createReadStream(path);
          stream.on('error', reject);
          res.on('close', resolve);
          stream.pipe(res);
        });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
}
