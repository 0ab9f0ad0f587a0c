/**
 * The `system` key of a pull consumer: an account of kind `system` at the consumer's scope unit,
 * linked to the consumer in meta.consumer_keys (meta.accounts itself is never altered). The key is
 * shown once; whether it works is decided per request by the consumer's state (auth middleware).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { linkConsumerKey, type Consumer } from '../../lib/meta-store/index.ts';
import { createAccount } from '../accounts/accounts.store.ts';

export async function issueSystemKey(conn: DuckDBConnection, consumer: Consumer, createdBy: string | null): Promise<{ accountId: string; key: string }> {
  const { account, key } = await createAccount(conn, {
    unit: consumer.scope_unit_key,
    kind: 'system',
    name: `${consumer.name} (${consumer.consumer_id})`,
    createdBy,
  });
  await linkConsumerKey(conn, account.account_id, consumer.consumer_id);
  return { accountId: account.account_id, key };
}
