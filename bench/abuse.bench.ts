/**
 * The server under abuse, on 127.0.0.1 only and bounded in time: a real `csdl serve` in a child
 * process over a warehouse built by the real pipeline from the sample CSDL, then
 *   (a) audit cost   the same load (BENCH_CLIENTS clients, back to back) on GET /api/health, which
 *                    is not audited, and on GET /api/public/periods, whose answer waits for its
 *                    audit row: requests per second and latencies of each, and their ratio;
 *   (b) abuse        BENCH_CLIENTS clients for BENCH_SECONDS over a mix of the API (public map,
 *                    keyed JSON, CSV and Parquet exports, quality), beside loops of raw sockets
 *                    that hang up 0-60 ms after sending, and a pipeline run (POST /api/admin/runs)
 *                    started a third of the way in;
 * and prints requests served, answers by status, crashes (the child must still be alive and stop
 * cleanly on SIGTERM) and, once it has stopped, the audit rows against the answers the clients
 * received, per path and status (never fewer rows than answers).
 *
 * Usage: npm run bench:abuse -- [tiny|demo]            (default tiny)
 *   BENCH_SECONDS=60 BENCH_CLIENTS=100 BENCH_ABORT_LOOPS=8 BENCH_COST_SECONDS=10
 *   BENCH_SKIP=run   no pipeline run during the load (to see the load alone)
 * Results are printed and written to bench/results/abuse-<preset>-<time>.json (git-ignored).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../lib/config.ts';
import { openWarehouse, queryRows } from '../lib/warehouse.ts';
import { JobRunner } from '../pipelines/jobs/job-runner.ts';
import { pipelineSteps } from '../pipelines/jobs/pipeline-steps.ts';
import { generate, type Preset } from '../sample/generate/generate.ts';
import { createAccount } from '../server/accounts/accounts.store.ts';
import { startTestSource } from '../test/support/source.ts';

const preset = (process.argv[2] ?? 'tiny') as Preset;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100);
const ABORT_LOOPS = Number(process.env.BENCH_ABORT_LOOPS ?? 8);
const COST_SECONDS = Number(process.env.BENCH_COST_SECONDS ?? 10);
const root = fileURLToPath(new URL('..', import.meta.url));
const say = (msg: string) => process.stderr.write(`bench: ${msg}\n`);
const quantile = (xs: number[], q: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] : NaN);

const work = mkdtempSync(join(tmpdir(), 'csdl-bench-abuse-'));
const source = await startTestSource({ schema: false });
const env = {
  CSDL_DATABASE_URL: source.url,
  CSDL_PSEUDONYM_SECRET: 'bench-abuse-secret-0123456789abcdef',
  WAREHOUSE_PATH: join(work, 'warehouse.duckdb'),
  CSDL_TMP_DIR: join(work, 'tmp'),
  LOG_LEVEL: 'warn',
};
let t0 = performance.now();
await generate({ url: source.url, preset, seed: 1 });
say(`generated ${preset} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

// the warehouse: one full pipeline run, then the keys the clients use
const config = loadConfig(env);
const warehouse = await openWarehouse(config.warehousePath, { memoryLimit: config.duckdbMemoryLimit });
const runner = new JobRunner({ warehouse, steps: pipelineSteps(config), attempts: 1 });
await runner.init();
t0 = performance.now();
const first = await runner.start('api', 'bench').done;
if (first.status !== 'succeeded') throw new Error(`the pipeline run failed: ${first.error}`);
const pipelineSeconds = (performance.now() - t0) / 1000;
say(`pipeline run in ${pipelineSeconds.toFixed(1)} s`);
const conn = await warehouse.connect();
const key = async (unit: string, kind: 'admin' | 'exploit') => (await createAccount(conn, { unit, kind, name: `bench ${unit}` })).key;
const nation = await key('VN', 'admin');
const [province] = await queryRows<{ unit_key: string }>(
  conn,
  `select unit_key from core.dim_units where unit_level = 'province' and valid_to is null and unit_code = '48'`,
);
const [school] = await queryRows<{ unit_key: string }>(
  conn,
  `select unit_key from indicators.indicator_values where unit_level = 'school' and period = (select max(period) from core.dim_periods where ky = 'DN') limit 1`,
);
const keys = { nation, province: await key(province.unit_key, 'exploit'), school: await key(school.unit_key, 'exploit') };
conn.closeSync();
warehouse.close();

// the server: `csdl serve` in a child process, as an operator runs it
const child = spawn(process.execPath, [join(root, 'bin', 'csdl.js'), 'serve', '--host', '127.0.0.1', '--port', '0', '--schedule', 'off'], {
  cwd: root,
  env: { ...process.env, ...env },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let childLog = '';
child.stderr!.on('data', (d) => (childLog += d));
let exited: { code: number | null; signal: string | null } | null = null;
let stopping = false;
const exit = new Promise<void>((resolve) =>
  child.once('exit', (code, signal) => {
    exited = { code, signal };
    if (!stopping) say(`the server exited during the load: code ${code}, signal ${signal}`);
    resolve();
  }),
);
const url = await new Promise<string>((resolve, reject) => {
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
    const m = /csdl serve: (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
    if (m) resolve(m[1]);
  });
  child.once('exit', () => reject(new Error(`csdl serve exited before listening:\n${childLog.slice(-2000)}`)));
});
say(`csdl serve at ${url}`);

type Tally = {
  answered: number;
  byStatus: Map<number, number>;
  byPathStatus: Map<string, number>;
  /** Error answers by status and code ('503 SERVER_BUSY'). */
  errors: Map<string, number>;
  latencies: number[];
  /** Latencies of the answers that were not refused as busy, by path. */
  byPath: Map<string, number[]>;
  failures: number;
};
const tally = (): Tally => ({ answered: 0, byStatus: new Map(), byPathStatus: new Map(), errors: new Map(), latencies: [], byPath: new Map(), failures: 0 });
const bump = (m: Map<string | number, number>, k: string | number) => m.set(k, (m.get(k) ?? 0) + 1);

/** `clients` loops sending `next()`'s request until `seconds` have passed; every answer is read whole. */
async function load(seconds: number, clients: number, next: (i: number, n: number) => { path: string; key?: string }): Promise<Tally & { seconds: number }> {
  const t = tally();
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, i) => {
      for (let n = 0; performance.now() < end && exited === null; n++) {
        const { path, key } = next(i, n);
        const s = performance.now();
        try {
          const res = await fetch(url + path, { headers: key ? { Authorization: `Bearer ${key}` } : {} });
          const body = Buffer.from(await res.arrayBuffer());
          let code = '';
          if (res.status >= 400) {
            try {
              code = JSON.parse(body.toString('utf8')).error.code;
            } catch {
              code = 'not JSON';
            }
            bump(t.errors, `${res.status} ${code}`);
          }
          t.latencies.push(performance.now() - s);
          if (res.status !== 503) {
            const p = path.split('?')[0] + (path.includes('format=') ? ` ${/format=(\w+)/.exec(path)![1]}` : '');
            (t.byPath.get(p) ?? t.byPath.set(p, []).get(p)!).push(performance.now() - s);
          }
          t.answered++;
          bump(t.byStatus, res.status);
          bump(t.byPathStatus, `${path.split('?')[0]} ${res.status}${code === 'SERVER_BUSY' ? ' busy' : ''}`);
        } catch {
          t.failures++;
        }
      }
    }),
  );
  return { ...t, seconds: (performance.now() - start) / 1000 };
}

/** Raw sockets that send a request and hang up 0-60 ms later, until `stop()`. */
function abortNoise(loops: number, paths: Array<{ path: string; key?: string }>): { stop(): Promise<number> } {
  const port = Number(new URL(url).port);
  let running = true;
  let sent = 0;
  const one = (p: { path: string; key?: string }) =>
    new Promise<void>((resolve) => {
      const sock = connect(port, '127.0.0.1', () => {
        sock.write(`GET ${p.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${p.key ? `Authorization: Bearer ${p.key}\r\n` : ''}Connection: close\r\n\r\n`);
        setTimeout(() => sock.destroy(), Math.random() * 60);
      });
      sock.on('error', () => {});
      sock.on('data', () => {});
      sock.on('close', () => resolve());
    });
  const running$ = Array.from({ length: loops }, async () => {
    while (running && exited === null) {
      sent++;
      await one(paths[Math.floor(Math.random() * paths.length)]);
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(running$);
      return sent;
    },
  };
}

const periods = (await (await fetch(`${url}/api/public/periods`)).json()).rows.map((p: { period: string }) => p.period) as string[];
const latest = periods.filter((p) => p.endsWith('-DN')).at(-1)!;

// (a) the cost of holding each answer until its audit row is committed
say(`audit cost: ${CLIENTS} clients, ${COST_SECONDS} s on /api/health, then on /api/public/periods`);
const health = await load(COST_SECONDS, CLIENTS, () => ({ path: '/api/health' }));
const audited = await load(COST_SECONDS, CLIENTS, () => ({ path: '/api/public/periods' }));
const rate = (t: { answered: number; seconds: number }) => t.answered / t.seconds;

// (b) abuse: the mix, the hang-ups and a pipeline run
const mix: Array<{ path: string; key?: string }> = [
  { path: `/api/public/indicators?period=${latest}` },
  { path: `/api/public/indicators?period=${latest}&format=csv` },
  { path: '/api/public/periods' },
  { path: `/api/indicators?period=${latest}&breakdown=all`, key: keys.province },
  { path: `/api/indicators?period=${latest}&breakdown=sex&format=csv`, key: keys.province },
  { path: `/api/indicators?period=${latest}&format=parquet`, key: keys.province },
  { path: `/api/indicators?period=${latest}&unit=${encodeURIComponent(province.unit_key)}&breakdown=all&format=csv`, key: keys.nation },
  { path: `/api/quality/scores?period=${latest}`, key: keys.province },
  { path: `/api/quality/rules?period=${latest}&format=csv`, key: keys.school },
  { path: `/api/quality/failures?period=${latest}`, key: keys.school },
  { path: `/api/units/${encodeURIComponent(province.unit_key)}?period=${latest}`, key: keys.province },
  { path: '/api/me', key: keys.school },
  { path: '/api/periods', key: 'csdl_not_a_key' },
];
say(`abuse: ${CLIENTS} clients for ${SECONDS} s, ${ABORT_LOOPS} loops of hang-ups, a pipeline run at ${Math.round(SECONDS / 3)} s`);
const noise = abortNoise(ABORT_LOOPS, mix);
const run = (async () => {
  await new Promise((r) => setTimeout(r, (SECONDS / 3) * 1000));
  if (process.env.BENCH_SKIP?.includes('run')) return { runId: undefined, status: 'skipped', seconds: 0 };
  const started = performance.now();
  // the admin's request queues with everyone else's: on 503 it comes back after Retry-After
  let res: Response;
  let body: { runId?: string; error?: { code: string } };
  for (let attempt = 1; ; attempt++) {
    res = await fetch(`${url}/api/admin/runs`, { method: 'POST', headers: { Authorization: `Bearer ${keys.nation}` } });
    body = (await res.json()) as typeof body;
    if (res.status !== 503 || attempt >= 20 || exited !== null) break;
    await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
  }
  let status = `POST ${res.status}${body.error ? ` ${body.error.code}` : ''}`;
  while (body.runId && exited === null) {
    await new Promise((r) => setTimeout(r, 1000));
    const runs = (await (await fetch(`${url}/api/admin/runs`, { headers: { Authorization: `Bearer ${keys.nation}` } })).json()) as {
      rows: Array<{ run_id: string; status: string }>;
    };
    status = runs.rows.find((r) => r.run_id === body.runId)?.status ?? status;
    if (status !== 'running') break;
  }
  return { runId: body.runId, status, seconds: (performance.now() - started) / 1000 };
})();
const abuse = await load(SECONDS, CLIENTS, (i, n) => mix[(i + n) % mix.length]);
const aborted = await noise.stop();
const pipelineRun = await run;

// stop the server as an operator does, then read its audit log
const aliveAtEnd = exited === null;
stopping = true;
child.kill('SIGTERM');
await exit;
const stoppedCleanly = (exited as unknown as { code: number | null }).code === 0;
const closed = await openWarehouse(config.warehousePath, { memoryLimit: config.duckdbMemoryLimit });
const read = await closed.connect();
const rows = await queryRows<{ k: string; n: number }>(read, `select path || ' ' || status as k, count(*)::int as n from meta.audit_log group by 1`);
read.closeSync();
closed.close();
const auditRows = new Map(rows.map((r) => [r.k, r.n]));
const answered = new Map<string, number>();
// /api/health is not audited; a 503 of a full queue (SERVER_BUSY) is refused before any data is read, unaudited
for (const t of [audited, abuse]) {
  for (const [k, n] of t.byPathStatus) if (!k.startsWith('/api/health') && !k.endsWith(' busy')) answered.set(k, (answered.get(k) ?? 0) + n);
}
const short = [...answered].filter(([k, n]) => (auditRows.get(k) ?? 0) < n).map(([k, n]) => ({ key: k, answered: n, audited: auditRows.get(k) ?? 0 }));
const totalAnswered = [...answered.values()].reduce((a, b) => a + b, 0);
const totalAudited = [...auditRows.values()].reduce((a, b) => a + b, 0);

const result = {
  preset,
  machine: { cpus: (await import('node:os')).cpus().length, load: (await import('node:os')).loadavg() },
  pipelineSeconds,
  auditCost: {
    clients: CLIENTS,
    health: { rps: rate(health), p50: quantile(health.latencies, 0.5), p95: quantile(health.latencies, 0.95), answered: health.answered },
    audited: { rps: rate(audited), p50: quantile(audited.latencies, 0.5), p95: quantile(audited.latencies, 0.95), answered: audited.answered },
    throughputRatio: rate(audited) / rate(health),
    latencyRatioP50: quantile(audited.latencies, 0.5) / quantile(health.latencies, 0.5),
  },
  abuse: {
    clients: CLIENTS,
    seconds: abuse.seconds,
    served: abuse.answered,
    rps: rate(abuse),
    byStatus: Object.fromEntries([...abuse.byStatus].sort((a, b) => a[0] - b[0])),
    errors: Object.fromEntries(abuse.errors),
    clientFailures: abuse.failures,
    abortedConnections: aborted,
    p50: quantile(abuse.latencies, 0.5),
    p95: quantile(abuse.latencies, 0.95),
    pipelineRun,
    byPath: Object.fromEntries([...abuse.byPath].map(([p, l]) => [p, { answered: l.length, p50: quantile(l, 0.5), p95: quantile(l, 0.95) }])),
  },
  crashes: aliveAtEnd && stoppedCleanly ? 0 : 1,
  serverAliveAtEnd: aliveAtEnd,
  serverStoppedCleanly: stoppedCleanly,
  audit: { answered: totalAnswered, rows: totalAudited, pathsWithFewerRowsThanAnswers: short },
};
const f = (x: number, d = 1) => x.toLocaleString('vi-VN', { minimumFractionDigits: d, maximumFractionDigits: d });
process.stdout.write(
  [
    `abuse benchmark, preset ${preset}, ${result.machine.cpus} cores (load ${result.machine.load.map((l) => f(l, 2)).join(' ')})`,
    `audit cost (${CLIENTS} clients, ${COST_SECONDS} s each): /api/health ${f(result.auditCost.health.rps)} req/s (p50 ${f(result.auditCost.health.p50)} ms); ` +
      `/api/public/periods with its audit row first ${f(result.auditCost.audited.rps)} req/s (p50 ${f(result.auditCost.audited.p50)} ms); ` +
      `throughput ratio ${f(result.auditCost.throughputRatio, 2)}, p50 latency ratio ${f(result.auditCost.latencyRatioP50, 2)}`,
    `abuse: ${f(abuse.seconds)} s, ${abuse.answered} requests served (${f(result.abuse.rps)} req/s, p50 ${f(result.abuse.p50)} ms, p95 ${f(result.abuse.p95)} ms), ` +
      `by status ${JSON.stringify(result.abuse.byStatus)} (errors ${JSON.stringify(result.abuse.errors)}), ${abuse.failures} client-side failures, ${aborted} connections hung up`,
    ...Object.entries(result.abuse.byPath).map(([p, v]) => `  ${p}: ${v.answered} answered, p50 ${f(v.p50)} ms, p95 ${f(v.p95)} ms`),
    `pipeline run during the load: ${pipelineRun.status} in ${f(pipelineRun.seconds)} s`,
    `crashes: ${result.crashes} (alive at the end: ${aliveAtEnd}, stopped cleanly on SIGTERM: ${stoppedCleanly})`,
    `audit: ${totalAudited} rows for ${totalAnswered} answered requests; paths with fewer rows than answers: ${short.length}`,
    '',
  ].join('\n'),
);
const resultsDir = join(root, 'bench', 'results');
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, `abuse-${preset}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify(result, null, 2));
await source.close();
rmSync(work, { recursive: true, force: true });
if (result.crashes > 0 || short.length > 0) {
  if (result.crashes > 0) process.stderr.write(childLog.slice(-4000));
  process.exitCode = 1;
}
