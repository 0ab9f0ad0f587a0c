/**
 * Delivery benchmark: what a push adds over sending the same bytes, every figure in the same run.
 *   setup      generate the preset (seed 1), ETL, transform, quality; the largest province approves
 *              its latest start-of-year period (no quality gate: the sample carries planted
 *              defects); its package (the Ministry's, every format) is written once;
 *   (a) push   `deliverToConsumer` of that package to a receiver on 127.0.0.1 (in this process,
 *              checking the HMAC signature and deduplicating on the Idempotency-Key), for a fresh
 *              consumer each time: the package found on disk, zipped, its row written, signed,
 *              POSTed, the receipt stored; median of seven;
 *   (b) POST   a plain `fetch` POST of the same zip bytes to the same receiver (no zip, no
 *              signature, no warehouse rows); median of seven;
 *   ratio      push / POST, and the zip's size.
 *
 * Usage: npm run bench:delivery -- [tiny|demo|province]   (default tiny)
 *   BENCH_WAREHOUSE=<file>   reuse a warehouse built by an earlier run of this benchmark
 * Results are printed and written to bench/results/delivery-<preset>-<time>.json (git-ignored).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../lib/config.ts';
import { metaDb } from '../lib/meta-store/index.ts';
import { openWarehouse, queryRows } from '../lib/warehouse.ts';
import { approvalStates, approve } from '../pipelines/approval/index.ts';
import { approveConsumer, deliverToConsumer, registerConsumer } from '../pipelines/delivery/index.ts';
import { runEtl } from '../pipelines/ingest/index.ts';
import { runQuality } from '../pipelines/quality/index.ts';
import { runTransform } from '../pipelines/transform/index.ts';
import { generate, type Preset } from '../sample/generate/generate.ts';
import { DEADLINES, DEFAULT_DEADLINE } from '../sample/generate/presets.ts';
import { createAccount } from '../server/accounts/accounts.store.ts';
import { startReceiver } from '../test/support/receiver.ts';
import { startTestSource } from '../test/support/source.ts';

const preset = (process.argv[2] ?? 'tiny') as Preset;
const work = mkdtempSync(join(tmpdir(), 'csdl-bench-delivery-'));
const seconds = (t0: number) => (performance.now() - t0) / 1000;
const say = (msg: string) => process.stderr.write(`bench: ${msg}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const deadlines = { deadlines: DEADLINES, defaultDeadline: DEFAULT_DEADLINE };
const fmt = (n: number, d = 2) => n.toLocaleString('vi-VN', { minimumFractionDigits: d, maximumFractionDigits: d });
const SECRET = 'bench-delivery-shared-secret';
const KEY = 'bench-delivery-key-0123456789';
const RUNS = 7;

async function warehousePath(): Promise<{ path: string; fresh: boolean }> {
  if (process.env.BENCH_WAREHOUSE) return { path: process.env.BENCH_WAREHOUSE, fresh: false };
  const source = await startTestSource({ schema: false });
  try {
    let t0 = performance.now();
    await generate({ url: source.url, preset, seed: 1, onProgress: (m) => say(m) });
    say(`generated ${preset} in ${seconds(t0).toFixed(1)} s`);
    const config = loadConfig({
      CSDL_DATABASE_URL: source.url,
      CSDL_PSEUDONYM_SECRET: 'bench-delivery-secret-0123456789',
      WAREHOUSE_PATH: join(work, 'warehouse.duckdb'),
      CSDL_TMP_DIR: join(work, 'tmp'),
      LOG_LEVEL: 'warn',
    });
    t0 = performance.now();
    await runEtl({ config, sourceUrl: source.url, full: true });
    say(`loaded in ${seconds(t0).toFixed(1)} s`);
    return { path: config.warehousePath, fresh: true };
  } finally {
    await source.close();
  }
}

async function main(): Promise<void> {
  const { path, fresh } = await warehousePath();
  const warehouse = await openWarehouse(path, { memoryLimit: process.env.CSDL_DUCKDB_MEMORY_LIMIT ?? '4GB' });
  const conn = await warehouse.connect();
  const receiver = await startReceiver({ secret: SECRET });
  const result: Record<string, unknown> = { preset, at: new Date().toISOString() };
  try {
    if (fresh) {
      let t0 = performance.now();
      const t = await runTransform({ warehouse: conn, deadlines });
      if (t.status !== 'succeeded') throw new Error(t.errors.slice(0, 5).join('\n'));
      say(`transformed in ${seconds(t0).toFixed(1)} s`);
      t0 = performance.now();
      await runQuality({ warehouse: conn, deadlines });
      say(`quality in ${seconds(t0).toFixed(1)} s`);
    }
    const [{ period }] = await queryRows<{ period: string }>(conn, `select period from core.dim_periods where ky = 'DN' order by census_day desc limit 1`);
    const [province] = await queryRows<{ unit_key: string; unit_code: string }>(
      conn,
      `select u.unit_key, u.unit_code from core.dim_units u join core.fct_schools s on s.province_key = u.unit_key and s.period = ? and s.is_active
       where u.unit_level = 'province' and u.valid_to is null group by 1, 2 order by count(*) desc limit 1`,
      [period],
    );
    const admin = (await createAccount(conn, { unit: province.unit_key, kind: 'admin', name: `bench: ${province.unit_code}` })).account;
    if (!(await approvalStates(conn, period)).get(province.unit_key)?.approved)
      await approve(conn, { period, unit: province.unit_key, actor: admin, gate: [] });
    const ctx = { conn, exportDir: join(work, 'exports'), deliveryKey: KEY, attempts: 1, timeoutMs: 60_000 };
    const consumer = async (i: number) => {
      const c = await registerConsumer(
        conn,
        {
          name: `bench ${i}`,
          owner_org: 'bench',
          contact: 'bench',
          purpose: 'bench',
          legal_basis_number: '1/QĐ',
          legal_basis_date: '2025-01-01',
          scope_unit: province.unit_key,
          method: 'push',
          endpoint: `${receiver.url}/in`,
          secret: SECRET,
          figures: 'exact',
          formats: ['xlsx', 'csv', 'parquet', 'arrow', 'json', 'sdmx'],
        },
        { deliveryKey: KEY, requestedBy: null },
      );
      return approveConsumer(conn, c.consumer_id, { actor: admin, until: '2099-12-31' });
    };
    // the package is written once, as a delivery after a pipeline run finds it on disk
    let t0 = performance.now();
    const [first] = await deliverToConsumer(ctx, (await consumer(0)).consumer_id);
    if (first?.state !== 'accepted') throw new Error(`first delivery: ${JSON.stringify(first)}`);
    say(`package written and delivered in ${seconds(t0).toFixed(2)} s`);
    const body = receiver.accepted.get(receiver.requests.at(-1)!.key)!.body;

    const push: number[] = [];
    const post: number[] = [];
    for (let i = 1; i <= RUNS; i++) {
      const id = (await consumer(i)).consumer_id;
      t0 = performance.now();
      const [r] = await deliverToConsumer(ctx, id);
      push.push(seconds(t0));
      if (r.state !== 'accepted') throw new Error(`delivery ${i}: ${r.error}`);
      t0 = performance.now();
      const res = await fetch(`${receiver.url}/plain`, {
        method: 'POST',
        body: body as unknown as Blob,
        headers: { 'Content-Type': 'application/zip', 'Idempotency-Key': `plain-${i}` },
      });
      await res.text();
      post.push(seconds(t0));
    }
    const rows = await metaDb(conn).selectFrom('meta.deliveries').select(['rows', 'bytes']).where('state', '=', 'accepted').limit(1).execute();
    const a = median(push);
    const b = median(post);
    Object.assign(result, {
      period,
      province: province.unit_code,
      zip_bytes: body.length,
      package_rows: rows[0]?.rows,
      push_seconds: push,
      post_seconds: post,
      push_median: a,
      post_median: b,
      ratio: a / b,
    });
    process.stdout.write(
      `delivery, ${preset}, ${province.unit_code} ${period} (zip ${fmt(body.length / 1024 / 1024)} MiB, ${(rows[0]?.rows ?? 0).toLocaleString('vi-VN')} rows):\n` +
        `  (a) push (zip, row, signature, POST, receipt)  ${fmt(a * 1000, 1)} ms (median of ${RUNS})\n` +
        `  (b) plain POST of the same bytes             ${fmt(b * 1000, 1)} ms (median of ${RUNS})\n` +
        `  ratio a / b                                  ${fmt(a / b)}x\n`,
    );
    const dir = fileURLToPath(new URL('./results/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `delivery-${preset}-${Date.now()}.json`), JSON.stringify(result, null, 2));
  } finally {
    await receiver.close();
    conn.closeSync();
    warehouse.close();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
