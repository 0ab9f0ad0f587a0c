/**
 * `csdl run` end to end in a child process: sample, ETL, transform, quality, report; again, incrementally.
 * @module-tag slow
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/source.ts';

const bin = fileURLToPath(new URL('../../bin/csdl.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'csdl-run-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('csdl run (the main job)', () => {
  it('generates the sample CSDL, runs ETL, transform and quality, and reports national figures per period', async () => {
    const env = {
      ...process.env,
      CSDL_EMBEDDED_DIR: join(dir, 'pg'),
      CSDL_EMBEDDED_PORT: String(await freePort()),
      WAREHOUSE_PATH: join(dir, 'warehouse.duckdb'),
      CSDL_TMP_DIR: join(dir, 'tmp'),
    };
    const r = spawnSync(process.execPath, [bin, 'run', '--preset', 'tiny', '--seed', '7', '--no-serve'], { env, encoding: 'utf8', timeout: 300_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/CSDL mẫu đã sinh \(preset tiny, seed 7, [\d.]+ dòng học sinh\)/);
    const periods = r.stdout
      .split('\n')
      .filter((l) => /^(Đầu|Cuối) năm \d{4}-\d{4}/.test(l))
      .map((l) => l.slice(0, 22).trim());
    expect(periods).toEqual(['Đầu năm 2024-2025', 'Cuối năm 2024-2025', 'Đầu năm 2025-2026', 'Cuối năm 2025-2026']);
    // every period row has a learner count in vi-VN form and a data-quality score
    for (const line of r.stdout.split('\n').filter((l) => /^(Đầu|Cuối) năm/.test(l))) {
      expect(line).toMatch(/\d+,\d\s*$/);
    }
    expect(existsSync(join(dir, 'warehouse.duckdb'))).toBe(true);

    // a second run finds the sample in place and loads incrementally
    const again = spawnSync(process.execPath, [bin, 'run', '--preset', 'tiny', '--seed', '7', '--no-serve'], { env, encoding: 'utf8', timeout: 300_000 });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('CSDL mẫu đã có sẵn');
    expect(again.stderr).toMatch(/etl run started run=\S+ kind=incremental/);
  });
});
