/**
 * A provisional package: the current, not yet approved indicator values of a unit's subtree in a
 * period, for a consumer whose registry entry allows it (exact figures only). Its id is
 * `p-<period>-<unit code>-<hash>` from the same content hash an approval would freeze, so new
 * figures make a new package and unchanged ones the same; its manifest says `provisional: true`
 * and, in Vietnamese, that the figures are not approved. Written like an export: in a temporary folder, then renamed into place.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { literal, queryRows } from '../../lib/warehouse.ts';
import { currentHash, currentPartSql, findApprovalPeriod, findApprovalUnit } from '../approval/index.ts';
import type { PackageRef } from './packages.ts';

type ProvisionalFile = { name: string; dataset: string; format: string; rows: number; bytes: number; sha256: string };

/** The periods with current figures of the unit, each as a provisional package reference. */
export async function provisionalPeriods(conn: DuckDBConnection, unitKey: string): Promise<PackageRef[]> {
  const rows = await queryRows<{ period: string }>(
    conn,
    `select distinct period from indicators.indicator_values where unit_key = $1 and geography = 'as_reported' order by 1`,
    [unitKey],
  ).catch(() => []);
  const out: PackageRef[] = [];
  for (const { period } of rows) {
    const p = await findApprovalPeriod(conn, period);
    const unit = await findApprovalUnit(conn, unitKey, p);
    const { hash } = await currentHash(conn, period, unit);
    out.push({ versionId: `p-${period}-${unit.unit_code}-${hash.slice(0, 12)}`, period, unitKey, provisional: true });
  }
  return out;
}

const COLUMNS = 'period, unit_key, unit_code, unit_level, unit_name, parent_key, indicator, breakdown, dimension, numerator, denominator, value';

/** Writes (or finds) the provisional package of `ref`. */
export async function provisionalPackage(
  conn: DuckDBConnection,
  ref: PackageRef & { formats: string[]; outDir: string },
): Promise<{ dir: string; packageId: string; files: ProvisionalFile[]; date: Date }> {
  const packageId = `${ref.versionId}.provisional`;
  const dir = join(ref.outDir, ref.period, packageId);
  const manifestPath = join(dir, 'manifest.json');
  if (existsSync(manifestPath)) {
    const m = JSON.parse(await readFile(manifestPath, 'utf8')) as { files: ProvisionalFile[]; figures_at: string };
    return { dir, packageId, files: m.files, date: new Date(m.figures_at) };
  }
  const period = await findApprovalPeriod(conn, ref.period);
  const unit = await findApprovalUnit(conn, ref.unitKey, period);
  const { hash } = await currentHash(conn, ref.period, unit);
  if (!ref.versionId.endsWith(hash.slice(0, 12))) {
    throw new Error(
      `Số liệu của ${ref.unitKey} kỳ ${ref.period} đã thay đổi trong khi chuẩn bị gói tạm thời ${ref.versionId}; gói mới được lấy ở lượt chạy sau`,
    );
  }
  const rowsSql = `select ${literal(ref.period)} as period, * exclude (geography) from (${currentPartSql('indicators', ref.period, unit)})
    order by case unit_level when 'nation' then 0 when 'province' then 1 when 'commune' then 2 when 'district' then 2 else 3 end, unit_key, indicator, breakdown`;
  const tmp = `${dir}.tmp-${randomBytes(4).toString('hex')}`;
  await mkdir(tmp, { recursive: true });
  try {
    const files: ProvisionalFile[] = [];
    const [{ n }] = await queryRows<{ n: number | string }>(conn, `select count(*) as n from (${rowsSql})`);
    const add = async (name: string, format: string, copy: string) => {
      const path = join(tmp, name);
      await conn.run(`copy (select ${COLUMNS} from (${rowsSql})) to ${literal(path)} (${copy})`);
      const bytes = await readFile(path);
      files.push({
        name,
        dataset: 'indicator_values',
        format,
        rows: Number(n),
        bytes: (await stat(path)).size,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      });
    };
    // only the table formats DuckDB writes directly; the Ministry's workbooks are for approved figures
    if (ref.formats.includes('csv') || !ref.formats.includes('json')) await add('indicator_values.csv', 'csv', 'format csv, header true');
    if (ref.formats.includes('json')) await add('indicator_values.json', 'json', 'format json, array true');
    const figuresAt = new Date();
    const manifest = {
      schema_version: '1.0',
      package_id: packageId,
      provisional: true,
      notice: 'SỐ LIỆU TẠM THỜI, CHƯA ĐƯỢC DUYỆT — không dùng thay số liệu chính thức đã duyệt',
      period: { code: period.period, name_vi: period.name_vi, school_year: period.label },
      unit: { key: unit.unit_key, code: unit.unit_code, level: unit.unit_level, name: unit.unit_name },
      version: { id: ref.versionId, content_hash: hash, approved: false },
      recipient: 'hierarchy',
      suppression: 'không: số liệu chính xác cho các cấp quản lý của chính đơn vị',
      figures_at: figuresAt.toISOString(),
      files,
    };
    await writeFile(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    await mkdir(join(ref.outDir, ref.period), { recursive: true });
    try {
      await rename(tmp, dir);
    } catch (err) {
      if (!existsSync(manifestPath)) throw err;
      await rm(tmp, { recursive: true, force: true });
      return provisionalPackage(conn, ref);
    }
    return { dir, packageId, files, date: figuresAt };
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}
