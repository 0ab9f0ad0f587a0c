/**
 * Query and path parameters as zod schemas, shared by every route (api/api-router.ts validates
 * with them and the OpenAPI document describes them): a bad value answers 400 naming the
 * parameter. What needs the warehouse is resolved after: an unknown period or unit answers 404,
 * a unit outside the caller's subtree 403.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { assertCanSee, type ScopedAccount } from './auth/scope.ts';
import { tableExists } from './db/read-rows.ts';
import { badParam, notFound, notReady } from './http-errors.ts';
import { DIMENSIONS } from './indicators/publication.ts';
import { findPeriod, findUnit, type Period, type Unit } from './units/units.queries.ts';

/** Output formats of tabular endpoints. */
export const FORMATS = ['json', 'csv', 'parquet'] as const;
export type Format = (typeof FORMATS)[number];

/** One text value, given once and not empty. */
function text() {
  return z
    .string({ error: (iss) => (Array.isArray(iss.input) ? 'chỉ cho một lần, một giá trị' : 'phải là một giá trị văn bản') })
    .refine((v) => v.trim() !== '', 'không được để trống');
}

/** `?format=json|csv|parquet` (json by default). */
export const format = z
  .enum(FORMATS, {
    error: (iss) => (Array.isArray(iss.input) ? 'chỉ cho một lần, một giá trị' : `"${String(iss.input)}" không phải một trong ${FORMATS.join(', ')}`),
  })
  .default('json')
  .meta({ description: 'json (default), csv (UTF-8 with BOM, CRLF) or parquet (written by DuckDB)' });

/** `?period=2025-DN` (the latest period when absent). */
export const period = text()
  .regex(/^\d{4}-(DN|CN)$/, 'phải có dạng 2025-DN hoặc 2024-CN (năm học, rồi DN đầu năm hoặc CN cuối năm)')
  .meta({ description: 'Reporting period: school year then DN (start) or CN (end); the latest when absent', example: '2025-DN' });

const UNIT_REF = /^(?:[NPDCS]:[\p{L}\p{N}_.-]{1,40}(?:@\d{4})?|[\p{L}\p{N}_.-]{1,40})$/u;
const UNIT_HINT = 'phải là khóa đơn vị (P:01@2025, S:<mã>@2025) hoặc mã đơn vị';

/** `?unit=` or `/units/:unitKey`: a unit key or code. */
export const unit = text()
  .regex(UNIT_REF, UNIT_HINT)
  .meta({ description: "A unit key (N:VN, P:48@2025, C:20194@2025, S:<code>@2025) or a unit code; the caller's own unit when absent", example: 'P:48@2025' });

/** `?indicator=LRN,PTR`: codes of the catalogue, checked against it by the route. */
export const indicator = text()
  .regex(/^[A-Za-z0-9_,-]+$/, 'phải là các mã chỉ số cách nhau bởi dấu phẩy, ví dụ LRN,PTR')
  .transform((raw) =>
    raw
      .split(',')
      .filter(Boolean)
      .map((c) => c.toUpperCase()),
  )
  .meta({ description: 'Indicator codes separated by commas (GET /api/indicators/catalog lists them); all when absent', example: 'LRN,PTR' });

/** `?breakdown=total|all|sex|sex=female` (total by default). */
export const breakdown = text()
  .regex(/^(total|all|[a-z]+(=[\p{L}\p{N}_.-]+)?)$/u, 'phải là total, all, một chiều phân tổ (sex) hoặc một ô (sex=female)')
  .superRefine((b, ctx) => {
    const dim = b.split('=')[0];
    if (b !== 'total' && b !== 'all' && !DIMENSIONS.includes(dim)) {
      ctx.addIssue({ code: 'custom', message: `không có chiều phân tổ "${dim}"; dùng một trong ${DIMENSIONS.join(', ')}` });
    }
  })
  .default('total')
  .meta({ description: `total (default), all, a dimension (${DIMENSIONS.join(', ')}) or one cell such as sex=female` });

/** `?rule=` a rule id of the quality catalogue. */
export const rule = text()
  .regex(/^[\p{L}\p{N}_.:-]{1,80}$/u, 'phải là mã quy tắc trong GET /api/quality/rules')
  .meta({ description: 'A rule id (GET /api/quality/rules lists the failing ones)', example: 'HS-NGAY-SINH' });

/** The period named (or the latest); 404 when the warehouse has no such period. */
export async function resolvePeriod(conn: DuckDBConnection, name: string | undefined): Promise<Period> {
  if (!(await tableExists(conn, 'core.dim_periods'))) throw notReady('chưa có bảng core.dim_periods');
  const found = await findPeriod(conn, name);
  if (!found) throw notFound(name ? `kỳ báo cáo ${name} (GET /api/periods liệt kê các kỳ)` : 'kỳ báo cáo nào: kho dữ liệu còn trống');
  return found;
}

/**
 * The unit a reference names (the caller's own unit when absent), as it stood in `period`;
 * 404 when unknown, 403 when outside the caller's subtree.
 */
export async function resolveUnit(conn: DuckDBConnection, ref: string | undefined, account: ScopedAccount, at?: Period): Promise<Unit> {
  const name = ref ?? account.unit_key;
  const found = await findUnit(conn, name, at);
  if (!found) throw notFound(`đơn vị ${name}`);
  await assertCanSee(conn, account, found);
  return found;
}

/** Indicator codes checked against the catalogue's; 400 naming the unknown ones. */
export function knownIndicators(codes: string[] | undefined, catalogue: ReadonlyArray<{ code: string }>): string[] {
  if (!codes) return [];
  const unknown = codes.filter((c) => !catalogue.some((e) => e.code === c));
  if (unknown.length) throw badParam('indicator', `không có mã chỉ số ${unknown.join(', ')} (GET /api/indicators/catalog liệt kê các mã)`);
  return codes;
}
