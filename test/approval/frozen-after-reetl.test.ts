/**
 * An approved version outlives the data it was taken from: a generated sample CSDL (tiny preset,
 * new Đà Nẵng) in an embedded PostgreSQL, loaded, transformed and scored; Đà Nẵng approves and
 * exports; then the source changes (records deleted, sexes corrected), and a new ETL, transform
 * and quality run publish other figures. The frozen version keeps its rows and hash, its package
 * comes out byte for byte the same, and the diff and the overview show what moved.
 * @module-tag slow
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../lib/config.ts';
import { openWarehouse, queryRows, type Warehouse } from '../../lib/warehouse.ts';
import * as approval from '../../pipelines/approval/index.ts';
import { exportPackage } from '../../pipelines/export/index.ts';
import { runEtl } from '../../pipelines/ingest/index.ts';
import { runQuality } from '../../pipelines/quality/index.ts';
import { runTransform } from '../../pipelines/transform/index.ts';
import { generate } from '../../sample/generate/generate.ts';
import { DEADLINES, DEFAULT_DEADLINE } from '../../sample/generate/presets.ts';
import { createAccount, type Account } from '../../server/accounts/accounts.store.ts';
import { startTestSource, type TestSource } from '../support/source.ts';

const deadlines = { deadlines: DEADLINES, defaultDeadline: DEFAULT_DEADLINE };

describe('a frozen version across a re-ETL with changed source data', () => {
  let src: TestSource;
  let dir: string;
  let config: Config;
  let warehouse: Warehouse;
  let admin: Account;

  /** ETL (closing the warehouse the ETL opens itself), then transform and quality on it. */
  async function pipeline(): Promise<void> {
    warehouse?.close();
    await runEtl({ config, sourceUrl: src.url });
    warehouse = await openWarehouse(config.warehousePath, { memoryLimit: '1GB' });
    const conn = await warehouse.connect();
    try {
      const t = await runTransform({ warehouse: conn, deadlines });
      if (t.status !== 'succeeded') throw new Error(t.errors.slice(0, 5).join('\n'));
      await runQuality({ warehouse: conn, deadlines, periods: ['2025-DN'] });
    } finally {
      conn.closeSync();
    }
  }

  beforeAll(async () => {
    src = await startTestSource({ schema: false });
    await generate({ url: src.url, preset: 'tiny', seed: 11 });
    dir = mkdtempSync(join(tmpdir(), 'csdl-reetl-'));
    config = loadConfig({
      CSDL_DATABASE_URL: src.url,
      CSDL_PSEUDONYM_SECRET: 'reetl-test-secret-0123456789',
      WAREHOUSE_PATH: join(dir, 'warehouse.duckdb'),
      CSDL_TMP_DIR: join(dir, 'tmp'),
      LOG_LEVEL: 'warn',
    });
    await pipeline();
    const conn = await warehouse.connect();
    admin = (await createAccount(conn, { unit: 'P:48@2025', kind: 'admin', name: 'Sở GDĐT Đà Nẵng' })).account;
    conn.closeSync();
  }, 300_000);
  afterAll(async () => {
    warehouse?.close();
    await src?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the approved rows, their hash and their package while the published figures change', async () => {
    let conn = await warehouse.connect();
    // the generated sample carries planted defects; this test is about freezing, so no gate
    const approved = await approval.approve(conn, { period: '2025-DN', unit: '48', actor: admin, gate: [] });
    const version = approved.version!;
    const before = await exportPackage(conn, { period: '2025-DN', unit: '48', outDir: join(dir, 'before'), via: 'cli' });
    const [{ lrn: lrnBefore }] = await queryRows<{ lrn: number }>(
      conn,
      `select numerator::int as lrn from indicators.indicator_values where period = '2025-DN' and geography = 'as_reported' and unit_key = 'P:48@2025' and indicator = 'LRN' and breakdown = 'total'`,
    );
    conn.closeSync();

    // the source changes: 25 primary learner records are deleted, 40 records change sex
    await src.query(`update csdl.hoc_sinh set deleted_at = now() where id in (
      select id from csdl.hoc_sinh where nam_hoc = 2025 and khoi_hoc between 1 and 5 and deleted_at is null order by id limit 25)`);
    await src.query(`update csdl.hoc_sinh set gioi_tinh = 3 - gioi_tinh where id in (
      select id from csdl.hoc_sinh where nam_hoc = 2025 and gioi_tinh in (1, 2) and deleted_at is null order by id desc limit 40)`);
    await pipeline();

    conn = await warehouse.connect();
    try {
      const [{ lrn: lrnAfter }] = await queryRows<{ lrn: number }>(
        conn,
        `select numerator::int as lrn from indicators.indicator_values where period = '2025-DN' and geography = 'as_reported' and unit_key = 'P:48@2025' and indicator = 'LRN' and breakdown = 'total'`,
      );
      expect(lrnAfter).toBeLessThan(lrnBefore);

      const stored = await approval.findVersion(conn, version.version_id);
      expect(stored).toEqual(version);
      expect((await approval.storedHash(conn, version)).hash).toBe(version.content_hash);
      const [frozen] = await queryRows<{ lrn: number }>(
        conn,
        `select numerator::int as lrn from meta.frozen_indicator_values where version_id = ? and unit_key = 'P:48@2025' and indicator = 'LRN' and breakdown = 'total'`,
        [version.version_id],
      );
      expect(frozen.lrn).toBe(lrnBefore);

      const diff = await approval.versionDiff(conn, { period: '2025-DN', unit: '48' });
      expect(diff.changed).toBe(true);
      const lrn = diff.parts
        .find((p) => p.part === 'indicators')!
        .rows.find((r) => r.unit_key === 'P:48@2025' && r.indicator === 'LRN' && r.breakdown === 'total' && r.field === 'numerator');
      expect(lrn).toMatchObject({ old: lrnBefore, new: lrnAfter, delta: lrnAfter - lrnBefore });
      const iii = diff.parts
        .find((p) => p.part === 'forms')!
        .rows.find((r) => r.unit_key === 'P:48@2025' && r.sheet === 'III' && r.ma_so === 37 && r.col_no === 1);
      expect(iii).toMatchObject({ change: 'changed', delta: -25, label: 'Tổng quy mô', cell: 'E5' });
      const overview = await approval.approvalOverview(conn, { period: '2025-DN' });
      expect(overview.provinces.find((p) => p.unit_code === '48')!.changed_since_approval).toBe(true);

      // the approved version's package, written again after the change, is the same bytes
      const after = await exportPackage(conn, { period: '2025-DN', unit: '48', outDir: join(dir, 'after'), via: 'cli' });
      for (const f of before.manifest.files) {
        expect(
          createHash('sha256')
            .update(readFileSync(join(after.dir, f.name)))
            .digest('hex'),
          f.name,
        ).toBe(f.sha256);
      }

      // approving again freezes the new figures as another version; the first stays
      const again = await approval.approve(conn, { period: '2025-DN', unit: '48', actor: admin, gate: [] });
      expect(again.version!.version_id).not.toBe(version.version_id);
      expect(again.frozen).toBe(true);
      expect((await approval.storedHash(conn, version)).hash).toBe(version.content_hash);
    } finally {
      conn.closeSync();
    }
  }, 300_000);
});
