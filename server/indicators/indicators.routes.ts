/**
 * GET /api/indicators/catalog               the catalogue: code, names, definition, formula, unit
 * GET /api/indicators?period=&unit=&indicator=&breakdown=&format=
 *     values for the unit and its children (exact in JSON, the caller's own subtree);
 *     CSV and Parquet downloads leave the system and pass small-cell suppression.
 */
import { Router, type Request } from 'express';
import type { DuckDBConnection } from '@duckdb/node-api';
import { accountOf, connOf } from '../app-context.ts';
import { tableExists } from '../db/read-rows.ts';
import { badParam, notReady } from '../http-errors.ts';
import { formatParam, onlyParams, periodParam, stringParam, unitParam } from '../params.ts';
import { fileName, sendTable } from '../output/send-table.ts';
import { suppressIndicatorRows } from '../suppression.ts';
import { childUnits } from '../units/units.queries.ts';
import { indicatorCatalog, indicatorValues, type CatalogEntry } from './indicators.queries.ts';

const DIMENSIONS = ['level', 'grade', 'sex', 'minority', 'ownership', 'zone'];
const VALUE_COLUMNS = ['role', 'unit_key', 'unit_code', 'unit_level', 'unit_name', 'indicator', 'breakdown', 'numerator', 'denominator', 'value'];

async function catalogOrFail(conn: DuckDBConnection): Promise<CatalogEntry[]> {
  if (!(await tableExists(conn, 'indicators.indicator_catalog'))) throw notReady('indicators.indicator_catalog does not exist yet');
  return indicatorCatalog(conn);
}

/** `?indicator=LRN,PTR`: codes checked against the catalogue. */
export function indicatorParam(req: Request, catalog: CatalogEntry[]): string[] {
  const raw = stringParam(req, 'indicator', /^[A-Za-z0-9_,-]+$/, 'must be indicator codes separated by commas, e.g. LRN,PTR');
  if (raw === undefined) return [];
  const codes = raw
    .split(',')
    .filter(Boolean)
    .map((c) => c.toUpperCase());
  const unknown = codes.filter((c) => !catalog.some((e) => e.code === c));
  if (unknown.length) throw badParam('indicator', `unknown code(s) ${unknown.join(', ')} (GET /api/indicators/catalog lists them)`);
  return codes;
}

/** `?breakdown=total|all|sex|sex=female` (total by default). */
export function breakdownParam(req: Request): string {
  const b = stringParam(req, 'breakdown', /^(total|all|[a-z]+(=[\p{L}\p{N}_.-]+)?)$/u, 'must be total, all, a dimension (sex) or one value (sex=female)');
  if (b === undefined) return 'total';
  const dim = b.split('=')[0];
  if (b !== 'total' && b !== 'all' && !DIMENSIONS.includes(dim)) {
    throw badParam('breakdown', `unknown dimension "${dim}"; use one of ${DIMENSIONS.join(', ')}`);
  }
  return b;
}

/** The indicators router (mounted under /api/indicators, after authentication). */
export function indicatorsRouter(): Router {
  const router = Router();

  router.get('/catalog', async (req, res) => {
    onlyParams(req, ['format']);
    const format = formatParam(req);
    const conn = connOf(res);
    const catalog = await catalogOrFail(conn);
    const columns = ['code', 'name_vi', 'name_en', 'definition', 'formula', 'unit', 'value_kind', 'periods', 'needs', 'tt03_code', 'breakdowns', 'unit_levels'];
    await sendTable(res, conn, format, { columns, rows: catalog, filename: 'indicator-catalog' });
  });

  router.get('/', async (req, res) => {
    onlyParams(req, ['period', 'unit', 'indicator', 'breakdown', 'format']);
    const format = formatParam(req);
    const conn = connOf(res);
    const catalog = await catalogOrFail(conn);
    const indicators = indicatorParam(req, catalog);
    const breakdown = breakdownParam(req);
    const period = await periodParam(conn, req);
    const unit = await unitParam(conn, req, accountOf(res), period);
    const children = await childUnits(conn, unit, period);
    const rows = await indicatorValues(conn, { period: period.period, unitKeys: [unit.unit_key, ...children.map((c) => c.unit_key)], indicators, breakdown });
    const own = rows.filter((r) => r.unit_key === unit.unit_key).map((r) => ({ role: 'unit', ...r }));
    const below = rows.filter((r) => r.unit_key !== unit.unit_key).map((r) => ({ role: 'child', ...r }));
    const counts = new Set(catalog.filter((c) => c.value_kind === 'count').map((c) => c.code));
    const published = format === 'json' ? { parents: own, children: below } : suppressIndicatorRows(below, own, counts);
    await sendTable(res, conn, format, {
      columns: format === 'json' ? VALUE_COLUMNS : [...VALUE_COLUMNS, 'suppressed'],
      rows: [...published.parents, ...published.children],
      filename: fileName('indicators', period.period, unit.unit_key),
      meta: { period, unit, children: children.length, breakdown, suppression: format === 'json' ? 'none (your own subtree)' : 'small cells' },
    });
  });

  return router;
}
