/** One numbered change of the durable tables; released ones are never edited (their checksum is kept). */
import type { DuckDBConnection } from '@duckdb/node-api';

export type Migration = {
  /** 1, 2, 3... in the order they apply. */
  version: number;
  /** What it does, in a few words (kebab-case file name after the number). */
  name: string;
  /** Applies the change inside the migrator's transaction. */
  up(conn: DuckDBConnection): Promise<void>;
};
