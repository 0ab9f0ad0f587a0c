/**
 * `csdl etl` and `csdl status` in child processes: summaries, run ids, errors.
 * @module-tag slow
 */
import pg from 'pg';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../lib/config.ts';
import { formatDuration, formatStatus } from '../../pipelines/ingest/etl-report.ts';
import { freePort, startTestSource, type TestSource } from '../support/source.ts';
import { SECRET, seedRows, testConfig, sourceClient } from './etl-support.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));

function csdl(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/csdl.js', ...args], { cwd: repo, env: { ...process.env, LOG_LEVEL: 'warn', ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('csdl etl and csdl status', () => {
  let src: TestSource;
  let db: pg.Client;
  let config: Config;
  let env: Record<string, string>;
  beforeAll(async () => {
    src = await startTestSource();
    db = await sourceClient(src.url);
    await seedRows(db, 1, 25);
    config = testConfig(src.url);
    env = { CSDL_DATABASE_URL: src.url, WAREHOUSE_PATH: config.warehousePath, CSDL_TMP_DIR: config.tmpDir, CSDL_PSEUDONYM_SECRET: SECRET };
  });
  afterAll(async () => {
    await db?.end();
    await src?.close();
  });

  it('says there is no warehouse yet before the first run', async () => {
    const r = await csdl(['status'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Chưa có kho dữ liệu tại ${config.warehousePath}: hãy chạy \`csdl etl\``);
  });

  it('prints the run id and a per-table summary', async () => {
    const r = await csdl(['etl'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Lần chạy run-\d{8}T\d{6}Z-[0-9a-f]{6} \(toàn bộ \(full\)\) thành công sau /);
    expect(r.stdout).toMatch(/\nhoc_sinh\s+toàn bộ \(full\)\s+25\s+25\s+0\s+0\s+25\s+\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}\s/);
    expect(r.stdout).toMatch(/\ndanh mục \(\d+ bảng dm_\*\)\s+toàn bộ \(full\)/);
    const again = await csdl(['etl'], env);
    expect(again.stdout).toMatch(/\(tăng dần \(incremental\)\) thành công/);
  });

  it('lists the last runs and the freshness of each table', async () => {
    const r = await csdl(['status'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Các lần chạy ETL gần nhất\n/);
    expect(r.stdout.match(/run-\S+ +(toàn bộ \(full\)|tăng dần \(incremental\)) +thành công \(succeeded\)/g)).toHaveLength(2);
    expect(r.stdout).toMatch(/\nhoc_sinh +run-\S+ +\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2} +[\d,]+ (ms|giây) +\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2} +25\n/);
    expect(r.stdout).toMatch(/\ndm_tinh +run-\S+ .* - +\d+\n/);
  });

  it('says clearly, naming the host but not the password, when the source is unreachable', async () => {
    const r = await csdl(['etl'], { ...env, CSDL_DATABASE_URL: `postgres://postgres:hunter2@127.0.0.1:${await freePort()}/csdl` });
    expect(r.stderr).toMatch(/\[SOURCE_UNAVAILABLE\] Không kết nối được cơ sở dữ liệu nguồn postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/csdl/);
    expect(r.stderr).not.toContain('hunter2');
  });
});

describe('formatStatus', () => {
  it('shows a running, a failed and a succeeded run, and folds the code lists', () => {
    const t0 = Date.UTC(2026, 10, 21, 23, 30, 0);
    const out = formatStatus(
      [
        {
          runId: 'etl-c',
          kind: 'incremental',
          status: 'running',
          startedAt: t0 + 7_200_000,
          finishedAt: null,
          rowsRead: 0,
          inserted: 0,
          updated: 0,
          deleted: 0,
          error: null,
        },
        {
          runId: 'etl-b',
          kind: 'incremental',
          status: 'failed',
          startedAt: t0 + 3_600_000,
          finishedAt: t0 + 3_601_000,
          rowsRead: 0,
          inserted: 0,
          updated: 0,
          deleted: 0,
          error: 'interrupted: the process stopped\nmore',
        },
        {
          runId: 'etl-a',
          kind: 'full',
          status: 'succeeded',
          startedAt: t0,
          finishedAt: t0 + 125_000,
          rowsRead: 1234567,
          inserted: 1234567,
          updated: 0,
          deleted: 0,
          error: null,
        },
      ],
      [
        { table: 'hoc_sinh', runId: 'etl-a', finishedAt: t0 + 125_000, watermark: t0 - 60_000, rowCount: 1_000_000 },
        { table: 'dm_dan_toc', runId: 'etl-a', finishedAt: t0 + 125_000, watermark: null, rowCount: 55 },
        { table: 'dm_gioi_tinh', runId: 'etl-a', finishedAt: t0 + 125_000, watermark: null, rowCount: 2 },
      ],
      t0 + 125_000 + 90_061_000,
    );
    const lines = out.split('\n');
    expect(lines[0]).toBe('Các lần chạy ETL gần nhất');
    expect(lines[4]).toMatch(/^etl-c +tăng dần \(incremental\) +đang chạy \(running\) +22\/11\/2026 08:30:00 +đang chạy +0 +\+0 ~0 -0$/);
    expect(lines[5]).toMatch(
      /^etl-b +tăng dần \(incremental\) +thất bại \(failed\) +22\/11\/2026 07:30:00 +1,0 giây +0 +\+0 ~0 -0 +interrupted: the process stopped$/,
    );
    expect(lines[6]).toMatch(/^etl-a +toàn bộ \(full\) +thành công \(succeeded\) +22\/11\/2026 06:30:00 +2 phút 05 giây +1\.234\.567 +\+1\.234\.567 ~0 -0$/);
    expect(out).toMatch(/\nhoc_sinh +etl-a +22\/11\/2026 06:32:05 +1 ngày 1 giờ +22\/11\/2026 06:29:00 +1\.000\.000\n/);
    expect(out).toMatch(/\ndanh mục \(2 bảng dm_\*\) +22\/11\/2026 06:32:05 +1 ngày 1 giờ +- +57\n/);
    expect(formatDuration(999)).toBe('999 ms');
  });
});
