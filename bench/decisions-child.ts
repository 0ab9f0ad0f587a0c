/**
 * One publishIndicatorDecisions in a process of its own, for bench/decisions.bench.ts: argv is
 * the checkout whose code decides (this one, or BENCH_BASE's), the warehouse, and DuckDB's
 * threads (the number of worker threads where the checkout has them). The decisions are made
 * inside a transaction that is rolled back, so the warehouse is left as it was. Prints one JSON
 * line: the summary, the decisions' digest (to compare variants), seconds, maxRSS (MiB).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [checkout, warehouse, threads] = process.argv.slice(2);
const { publishIndicatorDecisions } = (await import(pathToFileURL(join(checkout, 'server/suppression/publish-decisions.ts')).href)) as {
  publishIndicatorDecisions: (conn: unknown) => Promise<{ periods: number; families: number; decisions: number }>;
};
const instance = await DuckDBInstance.create(warehouse);
const conn = await instance.connect();
await conn.run(`set threads = ${Number(threads)}`);
await conn.run('begin');
const started = performance.now();
const summary = await publishIndicatorDecisions(conn);
const seconds = (performance.now() - started) / 1000;
const reader = await conn.runAndReadAll(
  `select count(*) filter (where status <> 'shown') as withheld, count(*) filter (where status = 'hidden') as hidden,
          cast(bit_xor(hash(period, count, unit_key, cell, status)) as varchar) as digest
   from serving.suppression_decisions`,
);
const [withheld, hidden, digest] = reader.getRows()[0];
await conn.run('rollback');
conn.closeSync();
process.stdout.write(
  JSON.stringify({ summary, withheld: Number(withheld), hidden: Number(hidden), digest, seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024 }) + '\n',
);
