/**
 * An export package: one period x one unit (a province or the nation) x one approved version.
 * It holds the Ministry's report workbooks (XLSX, ĐN periods), the indicator values, form cells
 * and quality scores as CSV (UTF-8 with BOM), Parquet, Arrow IPC and JSON, the indicator values
 * as SDMX-CSV 2.0, and manifest.json (schema version, period, unit, version, approval, generation
 * time, every file with its rows and SHA-256, the form rows left blank and why).
 *
 * Everything is read from the frozen version, whose content hash is checked first, so a package
 * never reflects a later run. It is written in a temporary folder beside its destination and
 * renamed into place: a reader sees a whole package or none. The same version exported again is
 * byte-identical except `generated_at` in the manifest; a package already on disk is served as
 * it is.
 *
 * @example
 *   const { dir, manifest } = await exportPackage(conn, { period: '2025-DN', unit: '48', outDir: 'data/exports', via: 'cli' });
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sql } from 'kysely';
import { loadFormsLayout, type FormsLayout } from '../../lib/forms-layout.ts';
import { log } from '../../lib/log.ts';
import { metaDb } from '../../lib/meta-store/index.ts';
import type { Shown } from '../../lib/suppression.ts';
import { queryRows } from '../../lib/warehouse.ts';
import {
  approvalStates,
  findApprovalPeriod,
  findApprovalUnit,
  findVersion,
  frozenPartSql,
  listActions,
  storedHash,
  type ApprovalUnit,
} from '../approval/index.ts';
import { loadIndicatorCatalog } from '../transform/index.ts';
import { DATASETS, orderedSql, type Dataset } from './datasets.ts';
import { ExportError } from './export-errors.ts';
import { outsideColumns, outsideTables } from './export-outside.ts';
import { writeSdmxCsv } from './sdmx-csv.ts';
import { countRowsOf, writeArrow, writeCsv, writeJson, writeParquet } from './table-files.ts';
import { cellKey, writeFormWorkbook } from './xlsx-writer.ts';

export const EXPORT_FORMATS = ['xlsx', 'csv', 'parquet', 'arrow', 'json', 'sdmx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Who receives the package: the Ministry and the unit's own hierarchy get exact figures. */
export const RECIPIENTS = ['ministry', 'hierarchy', 'outside'] as const;
export type Recipient = (typeof RECIPIENTS)[number];

export const MANIFEST_SCHEMA_VERSION = '1.0';

export type ExportRequest = {
  period: string;
  /** Province code or key, or VN. */
  unit: string;
  /** A version of the unit in the period; default the approved one. */
  versionId?: string;
  recipient?: Recipient;
  formats?: readonly ExportFormat[];
  /** Vietnamese column headers in the CSV files (and Excel-vi separators). */
  csvHeaders?: 'en' | 'vi';
  outDir: string;
  requestedBy?: string | null;
  via: 'cli' | 'api' | 'delivery';
};

export type ManifestFile = { name: string; dataset: string; format: string; rows: number; bytes: number; sha256: string };

export type Manifest = {
  schema_version: string;
  package_id: string;
  period: { code: string; name_vi: string; school_year: string; census_day: string };
  unit: { key: string; code: string; level: string; name: string };
  version: { id: string; content_hash: string; created_at: string; consolidates: string[] };
  approval: { action_id: string | null; approved_at: string | null; approved_by: string | null; comment: string | null };
  recipient: Recipient;
  suppression: string;
  csv_headers: 'en' | 'vi';
  generated_at: string;
  files: ManifestFile[];
  blank_form_rows: Array<{ form: string; sheet: string; excel_row: number; ma_so: number; label: string; status: string; splits: string; reason: string }>;
  notes: string[];
};

export type ExportResult = { dir: string; manifest: Manifest; reused: boolean; exportId: string };

function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => h.update(d))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

/** `Đơn vị báo cáo` of a workbook: the province's Sở, or the Ministry for the nation. */
function reportingUnit(unit: ApprovalUnit): string {
  if (unit.unit_level === 'nation') return 'Bộ Giáo dục và Đào tạo';
  return `Sở GDĐT ${unit.unit_name.charAt(0).toLowerCase()}${unit.unit_name.slice(1)}`;
}

function blankRows(layout: FormsLayout): Manifest['blank_form_rows'] {
  return layout.rows
    .filter((r) => r.ma_so !== null && r.supplied_splits !== 'all')
    .map((r) => ({
      form: r.form,
      sheet: r.sheet,
      excel_row: r.excel_row,
      ma_so: r.ma_so!,
      label: r.label.trim(),
      status: r.status!,
      splits: r.supplied_splits === 'tong' ? 'Tổng số only' : 'none',
      reason: r.reason_vi ?? '',
    }));
}

/** Writes (or finds) the package; see the module comment. */
export async function exportPackage(conn: DuckDBConnection, req: ExportRequest): Promise<ExportResult> {
  const recipient = req.recipient ?? 'ministry';
  const formats = [...new Set(req.formats?.length ? req.formats : EXPORT_FORMATS)].sort((a, b) => EXPORT_FORMATS.indexOf(a) - EXPORT_FORMATS.indexOf(b));
  const csvHeaders = req.csvHeaders ?? 'en';
  const period = await findApprovalPeriod(conn, req.period);
  const unit = await findApprovalUnit(conn, req.unit, period);
  const versionId = req.versionId ?? (await approvalStates(conn, period.period)).get(unit.unit_key)?.version_id;
  if (!versionId) {
    throw new ExportError(
      'NOT_APPROVED',
      `${unit.unit_name} chưa duyệt số liệu kỳ ${period.period}: chỉ xuất được số liệu đã duyệt; hãy duyệt trước (csdl approve --period ${period.period} --unit ${unit.unit_code})`,
    );
  }
  const version = await findVersion(conn, versionId);
  if (!version || version.unit_key !== unit.unit_key || version.period !== period.period) {
    throw new ExportError('UNKNOWN_VERSION', `Không có phiên bản ${versionId} của ${unit.unit_key} kỳ ${period.period}`);
  }

  const suffix = `${recipient}${csvHeaders === 'vi' ? '-vi' : ''}${formats.length === EXPORT_FORMATS.length ? '' : '-' + formats.join('+')}`;
  const packageId = `${version.version_id}.${suffix}`;
  const dir = join(req.outDir, period.period, packageId);
  const exportId = 'exp_' + randomBytes(8).toString('hex');
  const started = new Date();
  const record = async (status: 'succeeded' | 'failed', extra: { files?: ManifestFile[]; error?: string }) =>
    metaDb(conn)
      .insertInto('meta.export_runs')
      .values({
        export_id: exportId,
        period: period.period,
        unit_key: unit.unit_key,
        version_id: version.version_id,
        recipient,
        formats: sql<string[]>`cast(${JSON.stringify(formats)} as json)::varchar[]`,
        path: dir,
        files: extra.files ? JSON.stringify(extra.files) : null,
        requested_by: req.requestedBy ?? null,
        via: req.via,
        status,
        error: extra.error ?? null,
        started_at: started,
        finished_at: new Date(),
      })
      .execute();

  if (existsSync(join(dir, 'manifest.json'))) {
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    await record('succeeded', { files: manifest.files });
    return { dir, manifest, reused: true, exportId };
  }

  try {
    // each part of the version is read once, checked against its hash, and written from the copy
    const staged = { indicator_values: 'export_frozen_indicators', form_cells: 'export_frozen_forms', quality_scores: 'export_frozen_quality' } as const;
    const partOf = { indicators: staged.indicator_values, forms: staged.form_cells, quality: staged.quality_scores } as const;
    for (const [part, table] of Object.entries(partOf)) {
      await conn.run(`create or replace temp table ${table} as ${frozenPartSql(part as keyof typeof partOf, version.version_id)}`);
    }
    const check = await storedHash(conn, version, (part) => `select * from ${partOf[part]}`);
    if (check.hash !== version.content_hash) {
      const message = `Phiên bản ${version.version_id} không còn khớp mã băm nội dung đã lưu (${check.hash} so với ${version.content_hash}); không xuất phiên bản này`;
      await record('failed', { error: message });
      throw new ExportError('VERSION_CORRUPT', message);
    }

    const tmp = `${dir}.tmp-${randomBytes(4).toString('hex')}`;
    await mkdir(tmp, { recursive: true });
    try {
      const manifest = await writePackage(conn, { tmp, period, unit, version, recipient, formats, csvHeaders, packageId, staged });
      await writeFile(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
      await mkdir(join(req.outDir, period.period), { recursive: true });
      try {
        await rename(tmp, dir);
      } catch (err) {
        // another export of the same package finished first: its bytes are the same
        if (!existsSync(join(dir, 'manifest.json'))) throw err;
        await rm(tmp, { recursive: true, force: true });
      }
      await record('succeeded', { files: manifest.files });
      log.info('export package written', { package: packageId, files: manifest.files.length });
      return { dir, manifest, reused: false, exportId };
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      await record('failed', { error: (err as Error).message }).catch(() => {});
      throw err;
    }
  } finally {
    // the version's copies and an outside package's tables live in this connection's temporary schema
    for (const t of [
      'export_frozen_indicators',
      'export_frozen_forms',
      'export_frozen_quality',
      'export_indicator_values',
      'export_form_cells',
      'export_quality_scores',
      'export_rows',
    ])
      await conn.run(`drop table if exists temp.${t}`).catch(() => {});
  }
}

async function writePackage(
  conn: DuckDBConnection,
  o: {
    tmp: string;
    period: Awaited<ReturnType<typeof findApprovalPeriod>>;
    unit: ApprovalUnit;
    version: NonNullable<Awaited<ReturnType<typeof findVersion>>>;
    recipient: Recipient;
    formats: ExportFormat[];
    csvHeaders: 'en' | 'vi';
    packageId: string;
    /** The version's rows, read once into temporary tables. */
    staged: Record<Dataset['name'], string>;
  },
): Promise<Manifest> {
  const layout = loadFormsLayout();
  const catalog = loadIndicatorCatalog();
  const outside = o.recipient === 'outside';
  const files: ManifestFile[] = [];
  const notes: string[] = [];
  const add = async (name: string, dataset: string, format: string, rows: number) => {
    const path = join(o.tmp, name);
    files.push({ name, dataset, format, rows, bytes: (await stat(path)).size, sha256: await sha256File(path) });
  };

  const sources: Record<Dataset['name'], string> = outside
    ? await outsideTables(conn, {
        sources: o.staged,
        period: o.period.period,
        unitKey: o.unit.unit_key,
        layout,
        countIndicators: new Set(catalog.filter((c) => c.value_kind === 'count').map((c) => c.code)),
      })
    : {
        indicator_values: DATASETS[0].sql(o.staged.indicator_values, o.period.period, false),
        form_cells: DATASETS[1].sql(o.staged.form_cells, o.period.period, false),
        quality_scores: DATASETS[2].sql(o.staged.quality_scores, o.period.period, false),
      };

  for (const d of DATASETS) {
    // sorted once into a temporary table; each format then reads it in that order
    await conn.run(`create or replace temp table export_rows as ${orderedSql(d, sources[d.name])}`);
    const sql = 'select * from export_rows';
    const columns = outside ? outsideColumns(d) : d.columns;
    const rows = await countRowsOf(conn, sql);
    if (o.formats.includes('csv')) {
      await writeCsv(conn, sql, columns, join(o.tmp, `${d.name}.csv`), o.csvHeaders === 'vi');
      await add(`${d.name}.csv`, d.name, 'csv', rows);
    }
    if (o.formats.includes('parquet')) {
      await writeParquet(conn, sql, columns, join(o.tmp, `${d.name}.parquet`));
      await add(`${d.name}.parquet`, d.name, 'parquet', rows);
    }
    if (o.formats.includes('arrow')) {
      await writeArrow(conn, sql, columns, join(o.tmp, `${d.name}.arrow`));
      await add(`${d.name}.arrow`, d.name, 'arrow', rows);
    }
    if (o.formats.includes('json')) {
      await writeJson(conn, sql, columns, join(o.tmp, `${d.name}.json`));
      await add(`${d.name}.json`, d.name, 'json', rows);
    }
    if (d.name === 'indicator_values' && o.formats.includes('sdmx')) {
      await writeSdmxCsv(conn, {
        rowsSql: sources.indicator_values,
        units: catalog.map((c) => ({ code: c.code, unit: c.unit })),
        suppressed: outside,
        path: join(o.tmp, 'indicator_values.sdmx.csv'),
      });
      await add('indicator_values.sdmx.csv', d.name, 'sdmx-csv', rows);
    }
  }

  if (o.formats.includes('xlsx')) {
    if (o.period.ky !== 'DN') {
      notes.push('Biểu 01-MN-ĐN và 02-TH-ĐN là biểu đầu năm học: kỳ cuối năm không có biểu');
    } else {
      const own = await queryRows<{ sheet: string; ma_so: number; col_no: number; value: number | string | null }>(
        conn,
        `select sheet, ma_so, col_no, value from (${sources.form_cells}) where unit_key = ?`,
        [o.unit.unit_key],
      );
      const values = new Map<string, Shown>(
        own.map((r) => {
          const v = r.value;
          const shown: Shown = v === '<10' || v === 'x' ? v : v === null ? null : Number(v);
          return [cellKey(r.sheet, Number(r.ma_so), Number(r.col_no)), shown];
        }),
      );
      for (const form of layout.forms) {
        const name = `${form.form}.xlsx`;
        const written = await writeFormWorkbook({
          layout,
          form,
          values,
          header: { reportingUnit: reportingUnit(o.unit), receivingUnit: 'Bộ Giáo dục và Đào tạo', schoolYear: o.period.label },
          date: new Date(o.version.created_at),
          path: join(o.tmp, name),
        });
        await add(name, 'form_cells', 'xlsx', written);
      }
    }
  }

  const approvals = (await listActions(conn, { period: o.period.period, unitKeys: [o.unit.unit_key] })).filter(
    (a) => a.action === 'approve' && a.version_id === o.version.version_id,
  );
  const approval = approvals.at(-1);
  return {
    schema_version: MANIFEST_SCHEMA_VERSION,
    package_id: o.packageId,
    period: { code: o.period.period, name_vi: o.period.name_vi, school_year: o.period.label, census_day: o.period.census_day },
    unit: { key: o.unit.unit_key, code: o.unit.unit_code, level: o.unit.unit_level, name: o.unit.unit_name },
    version: { id: o.version.version_id, content_hash: o.version.content_hash, created_at: o.version.created_at, consolidates: o.version.consolidates ?? [] },
    approval: {
      action_id: approval?.action_id ?? null,
      approved_at: approval?.acted_at ?? null,
      approved_by: approval?.account_name ?? null,
      comment: approval?.comment ?? null,
    },
    recipient: o.recipient,
    suppression: outside
      ? 'số từ 1 đến 9 hiện là <10, ẩn thứ cấp là x; chỉ đơn vị và các đơn vị trực thuộc, không có trường'
      : 'không: số liệu chính xác cho Bộ và các cấp quản lý của chính đơn vị',
    csv_headers: o.csvHeaders,
    generated_at: new Date().toISOString(),
    files: files.sort((a, b) => a.name.localeCompare(b.name)),
    blank_form_rows: o.period.ky === 'DN' ? blankRows(layout) : [],
    notes,
  };
}
