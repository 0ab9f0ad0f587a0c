/**
 * A fresh embedded PostgreSQL for the generator's tests, queried through one client that is
 * fully closed before the server stops (so no connection sees the server shut down).
 */
import pg from 'pg';
import { startTestSource, type TestSource } from '../support/source.ts';
import { applySourceSchema } from '../../sample/source/apply-schema.ts';

export type TestDatabase = {
  url: string;
  query: (sql: string, params?: unknown[]) => Promise<pg.QueryResult>;
  close: () => Promise<void>;
};

/** Starts an empty database (`schema: false`) unless told to apply the schema. */
export async function startDatabase(opts: { schema?: boolean } = {}): Promise<TestDatabase> {
  // The schema goes through our own client: the support pool may race the server's shutdown.
  const source: TestSource = await startTestSource({ schema: false });
  let client: pg.Client | null = null;
  const connect = async () => {
    if (!client) {
      client = new pg.Client({ connectionString: source.url });
      await client.connect();
    }
    return client;
  };
  if (opts.schema) await applySourceSchema(await connect());
  return {
    url: source.url,
    query: async (sql, params) => (await connect()).query(sql, params as unknown[]),
    close: async () => {
      if (client) await client.end();
      await source.close();
    },
  };
}
