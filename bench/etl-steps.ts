/**
 * The measured steps of bench/etl.bench.ts: CPU accounting of the PostgreSQL server and of this
 * process, the COPY floor (with `select *` or with the ETL's own select lists) and the naive
 * COPY-then-read_csv baseline.
 */
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import { openWarehouse } from '../lib/warehouse.ts';
import { csvColumns, selectSql, type OutputColumn } from '../pipelines/ingest/contract/contract.ts';
import { csvType, readCsvSql } from '../pipelines/ingest/warehouse/csv-read.ts';
import { copyToStream } from '../pipelines/ingest/source/copy-stream.ts';
import { rangeWhere, tableRanges } from '../pipelines/ingest/source/id-ranges.ts';
import { checkSourceSchema } from '../pipelines/ingest/contract/schema-check.ts';
import { openSnapshot } from '../pipelines/ingest/source/snapshot.ts';
import { WorkerPool } from '../pipelines/ingest/source/worker-pool.ts';

const seconds = (t0: number) => (performance.now() - t0) / 1000;

/** Copies the result of `sql` as CSV into `file`: the baselines' way, which the ETL no longer takes. */
function copyToFile(client: pg.ClientBase, sql: string, file: string): Promise<number> {
  return copyToStream(client, sql, createWriteStream(file, { mode: 0o600, highWaterMark: 1 << 20 }));
}

/** CPU seconds used so far by the PostgreSQL server whose data directory is `pgDir` (live backends and reaped ones). */
export function pgCpuSeconds(pgDir: string): number {
  const pidFile = join(pgDir, 'postmaster.pid');
  if (!existsSync(pidFile) || !existsSync('/proc')) return NaN;
  const postmaster = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  const fields = (pid: number | string) =>
    readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ');
  const pm = fields(postmaster);
  let ticks = Number(pm[11]) + Number(pm[12]) + Number(pm[13]) + Number(pm[14]); // utime stime cutime cstime
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const f = fields(pid);
      if (Number(f[1]) === postmaster) ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // the process ended while we looked
    }
  }
  return ticks / 100;
}

/** CPU seconds of this process (Node and DuckDB threads). */
export function selfCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** A step's result with its wall and CPU seconds (PostgreSQL server, this process). */
export type Measured<T> = { value: T; wall: number; pgCpu: number; etlCpu: number };

/** Runs `fn` and measures it. */
export async function measured<T>(pgDir: string, fn: () => Promise<T>): Promise<Measured<T>> {
  const [pg0, self0, t0] = [pgCpuSeconds(pgDir), selfCpuSeconds(), performance.now()];
  const value = await fn();
  const wall = seconds(t0);
  const etlCpu = selfCpuSeconds() - self0;
  await new Promise((r) => setTimeout(r, 300)); // let the server reap the step's backends
  return { value, wall, pgCpu: pgCpuSeconds(pgDir) - pg0, etlCpu };
}

/** (a) and (f): every table in parallel id ranges over a snapshot, bytes discarded. */
export async function floor(url: string, workers: number, ours = false): Promise<{ rows: number }> {
  const snap = await openSnapshot(url, workers, 'bench-floor');
  try {
    const pool = new WorkerPool(snap.workers);
    const contracts = await checkSourceSchema(snap.coordinator);
    const tasks: Array<Promise<number>> = [];
    for (const c of contracts) {
      const t = `csdl."${c.name}"`;
      const ranges = c.keyed ? (await pool.use((w) => tableRanges(w, c.name, workers))).ranges : [null];
      for (const r of ranges) {
        const discard = new Writable({ write: (_chunk, _enc, done) => done() });
        const where = r ? rangeWhere(r) : undefined;
        const sql = ours ? selectSql(c, where) : `select * from ${t}${where ? ` where ${where}` : ''}`;
        tasks.push(pool.use((w) => copyToStream(w, sql, discard)));
      }
    }
    return { rows: (await Promise.all(tasks)).reduce((a, b) => a + b, 0) };
  } finally {
    await snap.close();
  }
}

/** (b): one CSV file per table (`select *`), then DuckDB reads each with read_csv, all as text. */
export async function naive(url: string, work: string): Promise<{ rows: number; csvBytes: number }> {
  const dir = join(work, 'naive');
  mkdirSync(dir, { recursive: true });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const wh = await openWarehouse(join(work, 'naive.duckdb'));
  const conn = await wh.connect();
  let rows = 0;
  let csvBytes = 0;
  try {
    for (const c of await checkSourceSchema(client)) {
      const file = join(dir, `${c.name}.csv`);
      rows += await copyToFile(client, `select * from csdl."${c.name}"`, file);
      csvBytes += statSync(file).size;
      await conn.run(`create table "${c.name}" as select * from read_csv('${file}', header = false, all_varchar = true)`);
    }
  } finally {
    conn.closeSync();
    wh.close();
    await client.end();
  }
  return { rows, csvBytes };
}

/** Wall and CPU seconds of one DuckDB intake. */
export type Ingest = { wall: number; cpu: number };

/**
 * (g) The warehouse side's least work: the ETL's own select lists (personal flags, raw keys) of
 * every table copied to CSV files of about a million rows, untimed; each file then read, timed in
 * this process with nothing else running, as the ETL reads it (no pseudonyms, no flags derived, no
 * diff, no reconciliation) into a table of a new warehouse file, one transaction per table,
 * committed and checkpointed: once with every column as text, once in the ETL's CSV types. Any
 * ETL must at least have PostgreSQL produce the rows (the floor's CPU) and DuckDB take in and
 * persist these bytes, so on a machine whose cores serve both, (floor CPU + the cheaper intake's
 * CPU) / cores bounds a full load's wall time from below.
 */
export async function ingestFloor(url: string, work: string): Promise<{ rows: number; csvBytes: number; text: Ingest; typed: Ingest }> {
  const dir = join(work, 'ingest');
  mkdirSync(dir, { recursive: true });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // every column as text (the least parsing), and in the types the ETL reads (the least storing)
  const targets = [
    { type: (_c: OutputColumn) => 'VARCHAR', path: join(work, 'ingest-text.duckdb'), spent: { wall: 0, cpu: 0 } },
    { type: csvType, path: join(work, 'ingest-typed.duckdb'), spent: { wall: 0, cpu: 0 } },
  ];
  const open = await Promise.all(
    targets.map(async (t) => {
      rmSync(t.path, { force: true });
      const wh = await openWarehouse(t.path);
      return { ...t, wh, conn: await wh.connect() };
    }),
  );
  const timed = async (o: (typeof open)[number], sql: string) => {
    const [cpu0, t0] = [selfCpuSeconds(), performance.now()];
    await o.conn.run(sql);
    o.spent.wall += seconds(t0);
    o.spent.cpu += selfCpuSeconds() - cpu0;
  };
  let rows = 0;
  let csvBytes = 0;
  try {
    for (const c of await checkSourceSchema(client)) {
      // chunks of about a million rows, so that the disk holds one chunk's CSV at a time
      const ranges = c.keyed ? (await tableRanges(client, c.name, 1, (n) => Math.max(1, Math.ceil(n / 10)))).ranges : [null];
      for (const o of open) await o.conn.run('begin transaction');
      for (const [k, r] of ranges.entries()) {
        const file = join(dir, `${c.name}.${k}.csv`);
        rows += await copyToFile(client, selectSql(c, r ? rangeWhere(r) : undefined), file);
        csvBytes += statSync(file).size;
        for (const o of open) {
          const read = readCsvSql(
            [file],
            csvColumns(c).map((col) => ({ name: col.name, type: o.type(col) })),
          );
          await timed(o, k === 0 ? `create table "${c.name}" as select * from ${read}` : `insert into "${c.name}" select * from ${read}`);
        }
        rmSync(file);
      }
      for (const o of open) {
        // one transaction per table, as the ETL stages its tables; persisted, then dropped to make room
        await timed(o, 'commit');
        await timed(o, 'checkpoint');
        await o.conn.run(`drop table if exists "${c.name}"`);
        await o.conn.run('checkpoint');
      }
    }
    return { rows, csvBytes, text: open[0].spent, typed: open[1].spent };
  } finally {
    await client.end();
    for (const o of open) {
      o.conn.closeSync();
      o.wh.close();
      rmSync(o.path, { force: true });
      rmSync(`${o.path}.wal`, { force: true });
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Changes the rows of `csdl.<table>` matching `where` as a school system would, without moving
 * them in time: `updated_at` advances by one millisecond, with the source's triggers off for the
 * transaction (they would stamp now()). An ETL must still move every such row (its
 * `updated_at` differs), while the timeliness rules, which read when records were entered,
 * judge the same data as before the benchmark. Returns the rows changed.
 */
export async function touchRows(client: pg.ClientBase, table: string, where: string): Promise<number> {
  await client.query('begin');
  try {
    await client.query('set local session_replication_role = replica');
    const r = await client.query(`update csdl.${table} set updated_at = updated_at + interval '1 millisecond' where ${where}`);
    await client.query('commit');
    return r.rowCount ?? 0;
  } catch (err) {
    await client.query('rollback');
    throw err;
  }
}
