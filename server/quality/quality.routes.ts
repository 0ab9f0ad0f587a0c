/**
 * GET /api/quality/scores?period=&unit=     the unit's children ranked by overall score, with
 *     per-dimension scores, ranks, change against the previous period and deadline status
 * GET /api/quality/rules?period=&unit=      the rules the unit fails, worst first
 * GET /api/quality/failures?period=&unit=&rule=   a school's sampled failing record keys; a detail
 *     naming another school the caller may not read names no school
 *
 * JSON is exact (the caller's own subtree); CSV and Parquet leave the system, and the checked
 * and failed counts of rankings and rule lists pass small-cell suppression.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { accountOf, connOf } from '../app-context.ts';
import { table, type ApiRouter } from '../api/api-router.ts';
import { canSee } from '../auth/scope.ts';
import { inSnapshot } from '../db/connection.middleware.ts';
import { readRows, tableExists } from '../db/read-rows.ts';
import { badParam, notFound, notReady } from '../http-errors.ts';
import { format, period, resolvePeriod, resolveUnit, rule, unit } from '../params.ts';
import { fileName, sendTable } from '../output/send-table.ts';
import { dataVersion } from '../suppression/data-version.ts';
import type { DecisionCache } from '../suppression/family-cascade.ts';
import { QualitySuppression } from '../suppression/quality-suppression.ts';
import { childUnits, findUnit } from '../units/units.queries.ts';
import {
  COUNT_FIGURES,
  FAILURE_COLUMNS,
  failuresTable,
  rankingColumns,
  rankingTable,
  ruleColumns,
  ruleExists,
  rulesTable,
  schoolsNamedInFailures,
} from './quality.queries.ts';

async function requireQuality(conn: DuckDBConnection): Promise<void> {
  if (!(await tableExists(conn, 'quality.dq_unit_scores'))) throw notReady('quality.dq_unit_scores does not exist yet (run the quality step)');
}

/** The quality routes (after authentication); `now` is the clock deadlines are measured against. */
export function qualityRoutes(api: ApiRouter, decisions: DecisionCache, now: () => Date = () => new Date()): void {
  const scope = z.strictObject({ period: period.optional(), unit: unit.optional(), format });

  api.get(
    '/quality/scores',
    {
      summary: "A unit's children ranked by overall data-quality score",
      description: 'Per-dimension scores, ranks, change against the previous period and deadline status; counts suppressed in CSV and Parquet.',
      tags: ['quality'],
      auth: 'key',
      query: scope,
      response: table(rankingColumns(true)),
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
        const mine = rankingTable(at.period, [own.unit_key], today);
        const [ranked] = await readRows(conn, mine.sql, mine.params);
        await sendTable(res, conn, query.format, {
          ...rankingTable(
            at.period,
            children.map((c) => c.unit_key),
            today,
            hidden,
          ),
          columns: rankingColumns(!exact),
          shown: exact ? undefined : COUNT_FIGURES,
          filename: fileName('quality-scores', at.period, own.unit_key),
          meta: { period: at, unit: { ...own, ...ranked }, today },
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
      summary: "A school's sampled failing record keys (pseudonymous), to fix",
      tags: ['quality'],
      auth: 'key',
      query: z.strictObject({ period: period.optional(), unit: unit.optional(), rule: rule.optional(), format }),
      response: table(FAILURE_COLUMNS),
    },
    async (_req, res, { query }) => {
      const conn = connOf(res);
      await requireQuality(conn);
      const at = await resolvePeriod(conn, query.period);
      const own = await resolveUnit(conn, query.unit, accountOf(res), at);
      if (own.unit_level !== 'school') {
        throw badParam('unit', `failing records are listed per school; ${own.unit_key} is a ${own.unit_level} (pick one of its schools)`);
      }
      if (query.rule !== undefined && !(await ruleExists(conn, query.rule))) throw notFound(`rule ${query.rule}`);
      const visible: string[] = [];
      for (const code of await schoolsNamedInFailures(conn, at.period, own.unit_code)) {
        const named = await findUnit(conn, `S:${code}@${at.nam_hoc}`);
        if (named && (await canSee(conn, accountOf(res), named))) visible.push(code);
      }
      await sendTable(res, conn, query.format, {
        ...failuresTable(at.period, own.unit_code, query.rule, visible),
        columns: FAILURE_COLUMNS,
        filename: fileName('quality-failures', at.period, own.unit_key),
        meta: { period: at, unit: own },
      });
    },
  );
}
