import { createHmac } from 'node:crypto';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { literal, queryRows } from '../../lib/warehouse.ts';
import { hmacPads, installPseudonymMacro } from '../../pipelines/ingest/warehouse/pseudonym.ts';

const expected = (secret: string, v: string) => createHmac('sha256', secret).update(v, 'utf8').digest('hex').slice(0, 32);

describe('pseudonym macro', () => {
  const values = ['HS0001', '079123456789', 'Nguyễn Thị Hồng Nhung', '', 'ma có dấu cách và "ngoặc"'];

  it.each(['a-secret-of-16-chars', 'k'.repeat(64), 'một khoá rất dài '.repeat(8)])(
    'equals HMAC-SHA256 from node:crypto, first 32 hex chars (secret %#)',
    async (secret) => {
      const instance = await DuckDBInstance.create(':memory:');
      const conn = await instance.connect();
      await installPseudonymMacro(conn, secret);
      const list = values.map((v, i) => `(${literal(v)}, ${i})`).join(', ');
      const rows = await queryRows<{ p: string }>(conn, `select csdl_pseudonym(v) as p from (values ${list}) as t(v, i) order by i`);
      expect(rows.map((r) => r.p)).toEqual(values.map((v) => expected(secret, v)));
      conn.closeSync();
      instance.closeSync();
    },
  );

  it('keeps NULL as NULL and does not store the macro in the database file', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    await installPseudonymMacro(conn, 'a-secret-of-16-chars');
    expect(await queryRows(conn, 'select csdl_pseudonym(null::varchar) as p')).toEqual([{ p: null }]);
    const macros = await queryRows<{ database_name: string }>(conn, `select database_name from duckdb_functions() where function_name = 'csdl_pseudonym'`);
    expect(macros.map((m) => m.database_name)).toEqual(['temp']);
    conn.closeSync();
    instance.closeSync();
  });

  it('hashes keys longer than the 64-byte block first (RFC 2104)', () => {
    const long = 'x'.repeat(100);
    expect(hmacPads(long)).not.toEqual(hmacPads('x'.repeat(64)));
    expect(hmacPads('k').ipad.slice(0, 2)).toBe((0x6b ^ 0x36).toString(16));
  });
});
