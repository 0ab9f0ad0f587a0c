/**
 * Benchmark of `csdl generate`: rows per second of the generator, against a baseline measured in
 * the same run on the same server: a plain `COPY ... FROM STDIN` of exactly the text the generator
 * produced, into tables with the same indexes and triggers. The ratio says how much the
 * generation itself (random draws, row building) costs over the bare load.
 *
 *   npm run bench:generate                 # demo preset, seed 42
 *   npm run bench:generate -- tiny 7
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable, Writable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { startEmbedded } from '../lib/source.ts';
import { freePort } from '../test/support/source.ts';
import { generate, type Preset } from '../sample/generate/generate.ts';
import { DATA_TABLES } from '../sample/generate/columns.ts';

const preset = (process.argv[2] ?? 'demo') as Preset;
const seed = Number(process.argv[3] ?? 42);

async function dump(url: string, table: string): Promise<Buffer[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const chunks: Buffer[] = [];
  await pipeline(client.query(copyTo(`copy csdl.${table} to stdout`)), new Writable({ write: (c, _e, cb) => (chunks.push(c), cb()) }));
  await client.end();
  return chunks;
}

async function load(url: string, table: string, chunks: Buffer[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('set synchronous_commit = off');
  await pipeline(Readable.from(chunks), client.query(copyFrom(`copy bench.${table} from stdin`)));
  await client.end();
}

const dir = mkdtempSync(join(tmpdir(), 'csdl-bench-'));
const source = await startEmbedded(join(dir, 'pg'), await freePort());
try {
  const summary = await generate({ url: source.url, preset, seed });
  const rows = DATA_TABLES.reduce((s, t) => s + summary.counts[t], 0);
  const admin = new pg.Client({ connectionString: source.url });
  await admin.connect();
  await admin.query('create schema bench');
  const dumps = new Map<string, Buffer[]>();
  for (const table of DATA_TABLES) {
    await admin.query(`create table bench.${table} (like csdl.${table} including all)`);
    await admin.query(`create trigger touch before insert or update on bench.${table} for each row execute function csdl.touch_row()`);
    dumps.set(table, await dump(source.url, table));
  }
  const bytes = [...dumps.values()].flat().reduce((s, b) => s + b.length, 0);
  const started = performance.now();
  await Promise.all(DATA_TABLES.map((t) => load(source.url, t, dumps.get(t)!)));
  const baseline = (performance.now() - started) / 1000;
  await admin.end();
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(`preset ${preset}, seed ${seed}: ${fmt(rows)} rows, ${(bytes / 1e6).toFixed(0)} MB of COPY text`);
  console.log(`generator      ${summary.seconds.toFixed(1).padStart(7)} s  ${fmt(rows / summary.seconds).padStart(10)} rows/s  (incl. schema, analyze)`);
  console.log(`plain COPY     ${baseline.toFixed(1).padStart(7)} s  ${fmt(rows / baseline).padStart(10)} rows/s  (same text, same indexes and triggers)`);
  console.log(`ratio generator / plain COPY: ${(summary.seconds / baseline).toFixed(2)}`);
} finally {
  await source.close();
  rmSync(dir, { recursive: true, force: true });
}
