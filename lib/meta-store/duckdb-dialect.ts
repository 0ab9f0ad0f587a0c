/**
 * A Kysely dialect over one `@duckdb/node-api` connection. DuckDB speaks PostgreSQL's dialect
 * for everything the durable tables need ($n parameters, double-quoted identifiers, RETURNING,
 * ON CONFLICT), so the PostgreSQL compiler, adapter and introspector serve as they are; only the
 * driver is DuckDB's. No maintained dialect targets the node-api client (kysely-duckdb wants the
 * WASM build), hence this one.
 *
 * @example
 *   const db = new Kysely<MetaDatabase>({ dialect: new DuckDBDialect(conn) });
 *   await db.selectFrom('meta.accounts').selectAll().execute();
 */
import { DuckDBTypeId, type DuckDBConnection } from '@duckdb/node-api';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';

/** Column types read as JS numbers (the durable tables' counts are far below 2^53). */
const NUMERIC = new Set<DuckDBTypeId>([DuckDBTypeId.BIGINT, DuckDBTypeId.UBIGINT, DuckDBTypeId.HUGEINT, DuckDBTypeId.UHUGEINT, DuckDBTypeId.DECIMAL]);

/** A parameter as DuckDB binds it: dates as ISO text (cast by the column they meet). */
function bindable(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'bigint') return v;
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return JSON.stringify(v);
  return v;
}

class DuckDBDatabaseConnection implements DatabaseConnection {
  constructor(private readonly conn: DuckDBConnection) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const params = query.parameters.map(bindable);
    const result = params.length ? await this.conn.run(query.sql, params as never) : await this.conn.run(query.sql);
    const names = result.columnNames();
    const numeric = result.columnTypes().flatMap((t, i) => (NUMERIC.has(t.typeId) ? [names[i]] : []));
    const rows = (await result.getRowObjectsJson()) as Record<string, unknown>[];
    for (const row of rows) for (const c of numeric) if (row[c] !== null && row[c] !== undefined) row[c] = Number(row[c]);
    const changed = result.rowsChanged;
    return { rows: rows as R[], numAffectedRows: names.length === 0 || /^\s*(insert|update|delete)/i.test(query.sql) ? BigInt(changed) : undefined };
  }

  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported on the durable tables; page with limit/offset');
  }
}

class DuckDBDriver implements Driver {
  private readonly connection: DuckDBDatabaseConnection;
  constructor(conn: DuckDBConnection) {
    this.connection = new DuckDBDatabaseConnection(conn);
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return this.connection;
  }
  async beginTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(CompiledQuery.raw('begin transaction'));
  }
  async commitTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(CompiledQuery.raw('commit'));
  }
  async rollbackTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(CompiledQuery.raw('rollback'));
  }
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

/** The dialect; the connection stays its owner's (the dialect never closes it). */
export class DuckDBDialect implements Dialect {
  constructor(private readonly conn: DuckDBConnection) {}
  createDriver(): Driver {
    return new DuckDBDriver(this.conn);
  }
  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}
