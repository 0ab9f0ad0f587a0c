/**
 * GET /api/quality/scores?period=&unit=     the unit's children in rank order: overall score,
 *     band and records to fix, ranks with the number of units ranked, change against the previous
 *     period, per-dimension scores and deadline status; the bands in `bands`, the weights of the
 *     record kinds in `weights`
 * GET /api/quality/rules?period=&unit=      the rules the unit fails, worst first
 * GET /api/quality/failures?period=&unit=&rule=&limit=&cursor=   every failing record of the
 *     unit's schools (a school: its own), a page at a time: `next` is the cursor of the next page
 * GET /api/quality/failures/workbook?period=&unit=&rule=   the same list as one XLSX workbook
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Router, type Request, type Response } from 'express';
import type { DuckDBConnection } from '@duckdb/node-api';
import { accountOf, connOf, countRows } from '../app-context.ts';
import { tableExists, type Row } from '../db/read-rows.ts';
import { badParam, notFound, notReady } from '../http-errors.ts';
import { formatParam, onlyParams, periodParam, stringParam, unitParam } from '../params.ts';
import { fileName, sendTable } from '../output/send-table.ts';
import { childUnits, type Period, type Unit } from '../units/units.queries.ts';
import { writeFailuresWorkbook } from './failures-workbook.ts';
import { allFailures, decodeCursor, FAILURE_COLUMNS, failurePage, failureSummary, hideRelated, visibleRelatedSchools } from './failures.queries.ts';
import { deadlines, failingRules, recordKindWeights, ruleExists, scoreBands, unitScores } from './quality.queries.ts';
import { RANKING_COLUMNS, rankUnits } from './ranking.ts';

/** Rows of a failure page: 1000 unless asked, at most 10000. */
const PAGE = { default: 1000, max: 10_000 };

function limitParam(req: Request): number {
  const v = stringParam(req, 'limit', /^\d{1,5}$/, `must be a whole number from 1 to ${PAGE.max}`);
  const n = v === undefined ? PAGE.default : Number(v);
  if (n < 1 || n > PAGE.max) throw badParam('limit', `must be a whole number from 1 to ${PAGE.max}`);
  return n;
}

function ruleParam(req: Request): string | undefined {
  return stringParam(req, 'rule', /^[\p{L}\p{N}_.:-]{1,80}$/u, 'must be a rule id from GET /api/quality/rules');
}

/** The period, unit and rule of a failure list, checked (404 for an unknown rule). */
async function failureScope(conn: DuckDBConnection, req: Request, res: Response): Promise<{ period: Period; unit: Unit; rule?: string }> {
  await requireQuality(conn);
  const rule = ruleParam(req);
  const period = await periodParam(conn, req);
  const unit = await unitParam(conn, req, accountOf(res), period);
  if (rule !== undefined && !(await ruleExists(conn, rule))) throw notFound(`rule ${rule}`);
  return { period, unit, rule };
}

/** Vietnamese name of a period: 'Đầu năm học 2025-2026'. */
const periodName = (p: Period) => `${p.ky === 'DN' ? 'Đầu năm học' : 'Cuối năm học'} ${p.nam_hoc}-${p.nam_hoc + 1}`;

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
      meta: { period, unit: { ...unit, ...own }, today, bands: await scoreBands(conn), weights: await recordKindWeights(conn) },
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
    const columns = ['rule_id', 'dimension', 'family', 'table_name', 'field', 'description_vi', 'description_en', 'checked', 'failed', 'pass_rate'];
    await sendTable(res, conn, format, { columns, rows, filename: fileName('quality-rules', period.period, unit.unit_key), meta: { period, unit } });
  });

  router.get('/failures', async (req, res) => {
    onlyParams(req, ['period', 'unit', 'rule', 'limit', 'cursor', 'format']);
    const format = formatParam(req);
    const limit = limitParam(req);
    const cursorText = stringParam(req, 'cursor', /^[A-Za-z0-9_-]{1,400}$/, 'must be the `next` of a previous page');
    const cursor = cursorText === undefined ? undefined : decodeCursor(cursorText);
    if (cursorText !== undefined && !cursor) throw badParam('cursor', 'must be the `next` of a previous page');
    const conn = connOf(res);
    const { period, unit, rule } = await failureScope(conn, req, res);
    const page = await failurePage(conn, period, unit, { rule, cursor, limit });
    const visible = await visibleRelatedSchools(conn, accountOf(res), period, unit);
    if (page.next) res.setHeader('X-Next-Cursor', page.next);
    await sendTable(res, conn, format, {
      columns: FAILURE_COLUMNS,
      rows: page.rows.map((r) => hideRelated(r, visible)),
      filename: fileName('quality-failures', period.period, unit.unit_key),
      meta: { period, unit, total: page.total, limit, next: page.next },
    });
  });

  router.get('/failures/workbook', async (req, res) => {
    onlyParams(req, ['period', 'unit', 'rule']);
    const conn = connOf(res);
    const { period, unit, rule } = await failureScope(conn, req, res);
    const visible = await visibleRelatedSchools(conn, accountOf(res), period, unit);
    const bands = new Map((await scoreBands(conn)).map((b) => [b.band, b.label_vi]));
    const schools = await failureSummary(conn, period, unit, rule);
    const dir = await mkdtemp(join(tmpdir(), 'csdl-workbook-'));
    try {
      const path = join(dir, 'failures.xlsx');
      async function* shown(): AsyncGenerator<Row[]> {
        for await (const batch of allFailures(conn, period, unit, rule)) yield batch.map((r) => hideRelated(r, visible));
      }
      const written = await writeFailuresWorkbook(
        path,
        { unitName: unit.unit_name, unitKey: unit.unit_key, periodName: periodName(period), rule, generatedAt: now() },
        schools,
        shown(),
        (band) => (band === null ? '' : (bands.get(band) ?? band)),
      );
      countRows(res, written);
      res.locals.format = 'xlsx';
      res.setHeader('Content-Disposition', `attachment; filename="${fileName('quality-failures', period.period, unit.unit_key)}.xlsx"`);
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
  });

  return router;
}
