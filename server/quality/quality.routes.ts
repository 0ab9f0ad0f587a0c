/**
 * GET /api/quality/scores?period=&unit=     the unit's children ranked by overall score, with
 *     per-dimension scores, ranks, change against the previous period and deadline status
 * GET /api/quality/rules?period=&unit=      the rules the unit fails, worst first
 * GET /api/quality/failures?period=&unit=&rule=   a school's sampled failing record keys; a detail
 *     naming another school the caller may not read names no school
 */
import { Router } from 'express';
import type { DuckDBConnection } from '@duckdb/node-api';
import { accountOf, connOf } from '../app-context.ts';
import { tableExists } from '../db/read-rows.ts';
import { badParam, notFound, notReady } from '../http-errors.ts';
import { formatParam, onlyParams, periodParam, stringParam, unitParam } from '../params.ts';
import { fileName, sendTable } from '../output/send-table.ts';
import { canSee } from '../auth/scope.ts';
import { childUnits, findUnit } from '../units/units.queries.ts';
import { deadlines, failingRules, ruleExists, schoolFailures, schoolsNamedInFailures, unitScores } from './quality.queries.ts';
import { RANKING_COLUMNS, rankUnits } from './ranking.ts';

async function requireQuality(conn: DuckDBConnection): Promise<void> {
  if (!(await tableExists(conn, 'quality.dq_unit_scores'))) throw notReady('quality.dq_unit_scores does not exist yet (run the quality step)');
}

/** The quality router (mounted under /api/quality, after authentication). */
export function qualityRouter(now: () => Date = () => new Date()): Router {
  const router = Router();

  router.get('/scores', async (req, res) => {
    onlyParams(req, ['period', 'unit', 'format']);
    const format = formatParam(req);
    const conn = connOf(res);
    await requireQuality(conn);
    const period = await periodParam(conn, req);
    const unit = await unitParam(conn, req, accountOf(res), period);
    const children = await childUnits(conn, unit, period);
    const scores = await unitScores(conn, period.period, [unit, ...children]);
    const due = await deadlines(conn, period.period);
    const today = now().toISOString().slice(0, 10);
    const [own] = rankUnits([unit], scores, due, today);
    const rows = rankUnits(children, scores, due, today);
    await sendTable(res, conn, format, {
      columns: RANKING_COLUMNS,
      rows,
      filename: fileName('quality-scores', period.period, unit.unit_key),
      meta: { period, unit: { ...unit, ...own }, today },
    });
  });

  router.get('/rules', async (req, res) => {
    onlyParams(req, ['period', 'unit', 'format']);
    const format = formatParam(req);
    const conn = connOf(res);
    await requireQuality(conn);
    const period = await periodParam(conn, req);
    const unit = await unitParam(conn, req, accountOf(res), period);
    const rows = await failingRules(conn, period.period, unit);
    const columns = ['rule_id', 'dimension', 'family', 'table_name', 'field', 'description_vi', 'description_en', 'weight', 'checked', 'failed', 'pass_rate'];
    await sendTable(res, conn, format, { columns, rows, filename: fileName('quality-rules', period.period, unit.unit_key), meta: { period, unit } });
  });

  router.get('/failures', async (req, res) => {
    onlyParams(req, ['period', 'unit', 'rule', 'format']);
    const format = formatParam(req);
    const conn = connOf(res);
    await requireQuality(conn);
    const rule = stringParam(req, 'rule', /^[\p{L}\p{N}_.:-]{1,80}$/u, 'must be a rule id from GET /api/quality/rules');
    const period = await periodParam(conn, req);
    const unit = await unitParam(conn, req, accountOf(res), period);
    if (unit.unit_level !== 'school') {
      throw badParam('unit', `failing records are listed per school; ${unit.unit_key} is a ${unit.unit_level} (pick one of its schools)`);
    }
    if (rule !== undefined && !(await ruleExists(conn, rule))) throw notFound(`rule ${rule}`);
    const visible: string[] = [];
    for (const code of await schoolsNamedInFailures(conn, period.period, unit.unit_code)) {
      const named = await findUnit(conn, `S:${code}@${period.nam_hoc}`);
      if (named && (await canSee(conn, accountOf(res), named))) visible.push(code);
    }
    const rows = await schoolFailures(conn, period.period, unit.unit_code, rule, visible);
    const columns = ['rule_id', 'dimension', 'description_vi', 'record_key', 'record_id', 'pseudonym', 'detail'];
    await sendTable(res, conn, format, { columns, rows, filename: fileName('quality-failures', period.period, unit.unit_key), meta: { period, unit } });
  });

  return router;
}
