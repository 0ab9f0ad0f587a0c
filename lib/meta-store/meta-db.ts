/** The typed query builder over the durable tables. */
import type { DuckDBConnection } from '@duckdb/node-api';
import { Kysely } from 'kysely';
import { DuckDBDialect } from './duckdb-dialect.ts';
import type { MetaDatabase } from './schema.ts';

/** Typed queries over the durable tables, on `conn` (which stays the caller's to close). */
export function metaDb(conn: DuckDBConnection): Kysely<MetaDatabase> {
  return new Kysely<MetaDatabase>({ dialect: new DuckDBDialect(conn) });
}
