/**
 * No raw personal key touches the disk at any moment of a load: full loads of a generated source
 * in a child process, SIGKILLed after random delays, while a watcher reads every regular file that
 * appears in the ETL's temporary folder; after each kill, the temporary folder, DuckDB's spill
 * folder, the warehouse file and its WAL are scanned for every learner code, staff code and
 * citizen ID of the source.
 * @module-tag slow
 */
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../lib/config.ts';
import { ident, openWarehouse, queryRows } from '../../lib/warehouse.ts';
import { generate } from '../../sample/generate/generate.ts';
import { startTestSource, type TestSource } from '../support/source.ts';
import { SECRET, sourceClient, testConfig } from './etl-support.ts';
import { NeedleScanner } from './support/needle-scan.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** Every file under `dir` (recursively), with whether it is a regular file. */
function filesUnder(dir: string): Array<{ path: string; regular: boolean }> {
  if (!existsSync(dir)) return [];
  const out: Array<{ path: string; regular: boolean }> = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else out.push({ path, regular: entry.isFile() });
  }
  return out;
}

/** Raw identifiers found in the regular files under `dir` (a pipe holds nothing on disk and is not read). */
function scanFolder(scanner: NeedleScanner, dir: string): string[] {
  const found: string[] = [];
  for (const f of filesUnder(dir)) {
    if (!f.regular) continue;
    let bytes: Buffer;
    try {
      bytes = readFileSync(f.path);
    } catch {
      continue; // deleted while we looked
    }
    for (const n of scanner.find(bytes)) found.push(`${f.path}: ${n}`);
  }
  return found;
}

type ChildRun = { signal: NodeJS.Signals | null; code: number | null; regularFiles: string[]; seenDuringRun: string[]; loadMs: number };

/**
 * Runs a full `csdl etl` in a child; once it logs its start, SIGKILLs it after `killAfterMs` (never
 * when undefined). Meanwhile every few milliseconds lists the temporary folder and scans each
 * regular file in it.
 */
async function runChild(config: Config, sourceUrl: string, scanner: NeedleScanner, killAfterMs?: number): Promise<ChildRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/ingest/support/etl-kill-child.ts'], {
    cwd: repo,
    env: {
      ...process.env,
      CSDL_DATABASE_URL: sourceUrl,
      WAREHOUSE_PATH: config.warehousePath,
      CSDL_TMP_DIR: config.tmpDir,
      CSDL_PSEUDONYM_SECRET: SECRET,
      CSDL_ETL_TEST_FULL: '1',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const regularFiles = new Set<string>();
  const seenDuringRun = new Set<string>();
  let started = 0;
  let stderr = '';
  const watch = setInterval(() => {
    for (const f of filesUnder(config.tmpDir)) if (f.regular) regularFiles.add(f.path);
    for (const hit of scanFolder(scanner, config.tmpDir)) seenDuringRun.add(hit);
  }, 5);
  const exited = new Promise<{ signal: NodeJS.Signals | null; code: number | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (!started && /etl run started/.test(stderr)) {
      started = performance.now();
      if (killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    }
  });
  const { code, signal } = await exited;
  clearInterval(watch);
  if (!started) throw new Error(`the ETL never started:\n${stderr}`);
  if (signal === null && code !== 0) throw new Error(`the ETL failed:\n${stderr}`);
  return { signal, code, regularFiles: [...regularFiles], seenDuringRun: [...seenDuringRun], loadMs: performance.now() - started };
}

describe('a full load killed at random moments', () => {
  let src: TestSource;
  let db: pg.Client;
  let config: Config;
  let scanner: NeedleScanner;
  let needles: string[];
  beforeAll(async () => {
    src = await startTestSource({ schema: false });
    await generate({ url: src.url, preset: 'tiny', seed: 11 });
    db = await sourceClient(src.url);
    // every raw personal key the ETL reads (long enough not to occur by chance in binary data)
    const { rows } = await db.query<{ v: string }>(`
      select v from (
        select ma_hoc_sinh as v from csdl.hoc_sinh union select ma_cong_dan from csdl.hoc_sinh
        union select ma_hoc_sinh from csdl.hoc_sinh_trang_thai
        union select ma_can_bo from csdl.can_bo union select ma_cong_dan from csdl.can_bo
        union select ma_gvcn_dn from csdl.lop_hoc union select ma_gvcn_cn from csdl.lop_hoc) t
      where length(v) >= 6`);
    needles = rows.map((r) => r.v);
    scanner = new NeedleScanner(needles);
    config = testConfig(src.url);
  }, 180_000);
  afterAll(async () => {
    await db?.end();
    await src?.close();
  });

  it('finds the raw values when they are on disk (the scan works)', () => {
    expect(needles.length).toBeGreaterThan(5000);
    const probe = join(config.tmpDir, '..', 'probe.csv');
    writeFileSync(probe, `1,"x",${needles[needles.length >> 1]},y\n`);
    expect(scanner.find(readFileSync(probe))).toEqual([needles[needles.length >> 1]]);
  });

  it('never writes a raw personal key to a file, and leaves none behind when killed', async () => {
    const whole = await runChild(config, src.url, scanner);
    expect(whole.code).toBe(0);
    expect(whole.regularFiles).toEqual([]);
    expect(whole.seenDuringRun).toEqual([]);
    const loadMs = whole.loadMs;

    const delays = [0.15, 0.3, 0.45, 0.6, 0.75, 0.9].map((share) => Math.round(loadMs * share * (0.8 + 0.4 * Math.random())));
    const killedRuns: string[] = [];
    for (const delay of delays) {
      const run = await runChild(config, src.url, scanner, delay);
      if (run.signal !== 'SIGKILL') continue; // finished before the kill: nothing left to check
      killedRuns.push(`${delay} ms`);
      expect(run.regularFiles, `files in the temp folder, kill after ${delay} ms`).toEqual([]);
      expect(run.seenDuringRun, `kill after ${delay} ms`).toEqual([]);
      const left = [
        ...scanFolder(scanner, config.tmpDir),
        ...scanFolder(scanner, `${config.warehousePath}.tmp`),
        ...[config.warehousePath, `${config.warehousePath}.wal`]
          .filter((f) => existsSync(f) && lstatSync(f).isFile())
          .flatMap((f) => scanner.find(readFileSync(f)).map((n) => `${f}: ${n}`)),
      ];
      expect(left, `after a kill ${delay} ms into the load`).toEqual([]);
    }
    expect(killedRuns.length, 'loads killed while running').toBeGreaterThanOrEqual(4);

    // no raw key in any column either (DuckDB may compress what the byte scan reads)
    const wh = await openWarehouse(config.warehousePath, { readOnly: true });
    const conn = await wh.connect();
    try {
      await conn.run(`create temp table needles (v varchar)`);
      const appender = await conn.createAppender('needles', 'main', 'temp');
      for (const v of needles) {
        appender.appendVarchar(v);
        appender.endRow();
      }
      appender.closeSync();
      const columns = await queryRows<{ s: string; t: string; c: string }>(
        conn,
        `select schema_name as s, table_name as t, column_name as c from duckdb_columns()
          where database_name = current_database() and data_type = 'VARCHAR' and schema_name in ('raw_store', 'meta')`,
      );
      expect(columns.length).toBeGreaterThan(50);
      const hits: string[] = [];
      for (const { s, t, c } of columns) {
        const [r] = await queryRows<{ n: string }>(
          conn,
          `select count(*)::varchar as n from ${ident(s)}.${ident(t)} where ${ident(c)} in (select v from needles)`,
        );
        if (r.n !== '0') hits.push(`${s}.${t}.${c}: ${r.n}`);
      }
      expect(hits).toEqual([]);
    } finally {
      conn.closeSync();
      wh.close();
    }
  }, 600_000);
});
