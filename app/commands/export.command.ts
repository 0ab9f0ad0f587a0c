/**
 * `csdl export --period 2025-DN --unit 31 [--format xlsx,csv,...] [--recipient ministry|hierarchy|outside]
 *  [--csv-headers vi] [--out dir]` writes the export package of the unit's approved version
 * (pipelines/export) under --out (default CSDL_EXPORT_DIR) and prints where, with its files. Every
 * export is recorded in meta.export_runs. When `csdl serve` holds the warehouse, the package is made
 * by the server (CSDL_API_KEY says who asks) and its files are downloaded into --out, each checked
 * against the manifest's SHA-256 and renamed into place only when whole.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { userInfo } from 'node:os';
import { CsdlError } from '../../lib/errors.ts';
import { EXPORT_FORMATS, RECIPIENTS, exportPackage, type ExportFormat, type Manifest, type Recipient } from '../../pipelines/export/index.ts';
import { action } from '../run-action.ts';
import { api, withWarehouse, type Via } from '../with-warehouse.ts';

type Opts = Via & { period: string; unit: string; format?: string; recipient?: string; csvHeaders?: string; out?: string };

/** Downloads the server's package into `outDir/<period>/<package id>`, each file checked against the manifest. */
async function download(
  base: string,
  key: string,
  query: string,
  manifest: Manifest & { files: Array<{ name: string; sha256: string; url: string }> },
  outDir: string,
): Promise<string> {
  const dir = join(outDir, manifest.period.code, manifest.package_id);
  if (existsSync(join(dir, 'manifest.json'))) return dir;
  const tmp = `${dir}.tmp-${randomBytes(4).toString('hex')}`;
  await mkdir(tmp, { recursive: true });
  try {
    for (const f of manifest.files) {
      const res = await fetch(base + f.url, { headers: { Authorization: `Bearer ${key}` } });
      if (!res.ok) throw new CsdlError('HTTP_' + res.status, `${base}${f.url}: ${res.statusText}`);
      const bytes = Buffer.from(await res.arrayBuffer());
      const sha = createHash('sha256').update(bytes).digest('hex');
      if (sha !== f.sha256) throw new CsdlError('DOWNLOAD_CORRUPT', `${f.name}: SHA-256 ${sha} không khớp với ${f.sha256} trong manifest; tệp tải về bị hỏng`);
      await writeFile(join(tmp, f.name), bytes);
    }
    const res = await fetch(`${base}/api/exports/file?${query}&name=manifest.json`, { headers: { Authorization: `Bearer ${key}` } });
    await writeFile(join(tmp, 'manifest.json'), Buffer.from(await res.arrayBuffer()));
    await rename(tmp, dir);
    return dir;
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

export function register(program: Command): void {
  program
    .command('export')
    .description('Xuất gói số liệu của một phiên bản đã duyệt')
    .requiredOption('--period <period>', 'kỳ báo cáo, ví dụ 2025-DN')
    .requiredOption('--unit <unit>', 'mã hoặc khóa tỉnh (31, P:31@2025) hoặc VN')
    .option('--format <list>', `định dạng tệp, cách nhau bởi dấu phẩy: ${EXPORT_FORMATS.join(',')} (mặc định: tất cả)`)
    .option('--recipient <who>', 'ministry (mặc định) hoặc hierarchy: số liệu chính xác; outside: ẩn các ô nhỏ')
    .option('--csv-headers <lang>', 'en (mặc định) hoặc vi: tiêu đề cột tiếng Việt và dấu phân cách của Excel tiếng Việt trong các tệp CSV')
    .option('--out <dir>', 'thư mục chứa các gói (mặc định CSDL_EXPORT_DIR, data/exports)')
    .option('--server <url>', 'địa chỉ máy chủ khi `csdl serve` đang giữ kho dữ liệu')
    .action(
      action(async (config, opts: Opts) => {
        const formats = (opts.format ?? EXPORT_FORMATS.join(','))
          .split(',')
          .map((f) => f.trim())
          .filter(Boolean);
        const unknown = formats.filter((f) => !(EXPORT_FORMATS as readonly string[]).includes(f));
        if (unknown.length) throw new CsdlError('BAD_ARGUMENT', `--format: không có định dạng ${unknown.join(', ')}; hãy dùng ${EXPORT_FORMATS.join(', ')}`);
        const recipient = opts.recipient ?? 'ministry';
        if (!(RECIPIENTS as readonly string[]).includes(recipient))
          throw new CsdlError('BAD_ARGUMENT', `--recipient phải là một trong ${RECIPIENTS.join(', ')}`);
        const csvHeaders = opts.csvHeaders ?? 'en';
        if (csvHeaders !== 'en' && csvHeaders !== 'vi') throw new CsdlError('BAD_ARGUMENT', '--csv-headers phải là en hoặc vi');
        const outDir = resolve(opts.out ?? config.exportDir);
        const result = await withWarehouse(
          config,
          opts,
          async (conn) => {
            const r = await exportPackage(conn, {
              period: opts.period,
              unit: opts.unit,
              recipient: recipient as Recipient,
              formats: formats as ExportFormat[],
              csvHeaders,
              outDir,
              requestedBy: `cli:${userInfo().username}`,
              via: 'cli',
            });
            return { dir: r.dir, manifest: r.manifest, reused: r.reused };
          },
          async (base, key) => {
            if (opts.format)
              throw new CsdlError('BAD_ARGUMENT', '--format không dùng được qua máy chủ, vì máy chủ chỉ phục vụ trọn gói; hãy dừng máy chủ hoặc bỏ --format');
            const query = new URLSearchParams({ period: opts.period, unit: opts.unit, recipient, csv_headers: csvHeaders }).toString();
            const manifest = await api<Manifest & { files: Array<{ name: string; sha256: string; url: string }> }>(base, key, `/api/exports?${query}`);
            return { dir: await download(base, key, query, manifest, outDir), manifest, reused: false };
          },
        );
        const m = result.manifest;
        process.stdout.write(
          `${result.reused ? 'Gói đã có sẵn' : 'Đã ghi gói'} ${m.package_id} (${m.unit.name}, kỳ ${m.period.code}, phiên bản ${m.version.id}, người nhận ${m.recipient}):\n${result.dir}\n` +
            m.files
              .map((f) => `  ${f.name.padEnd(32)} ${f.rows.toLocaleString('vi-VN').padStart(10)} dòng  ${f.bytes.toLocaleString('vi-VN').padStart(12)} byte`)
              .join('\n') +
            '\n',
        );
      }),
    );
}
