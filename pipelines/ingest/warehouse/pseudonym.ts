/**
 * Keyed pseudonyms, computed inside DuckDB while the extracted rows are staged: HMAC-SHA256 of
 * the value's UTF-8 bytes under CSDL_PSEUDONYM_SECRET, as its first 32 lowercase hex characters.
 * The key pads are derived here and baked into a TEMP macro: a temp macro lives only in the
 * connection that created it, so the secret is never written to the warehouse file.
 *
 * HMAC(K, m) = H((K' xor opad) || H((K' xor ipad) || m)), K' = K (or H(K) when longer than 64
 * bytes) padded with zeros to SHA-256's 64-byte block (RFC 2104).
 */
import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';

/** The macro's name, usable in any statement run on the connection it was installed on. */
export const PSEUDONYM_MACRO = 'csdl_pseudonym';

/** Hex of the inner and outer key pads of HMAC-SHA256 for `secret`. */
export function hmacPads(secret: string): { ipad: string; opad: string } {
  let key = Buffer.from(secret, 'utf8');
  if (key.length > 64) key = createHash('sha256').update(key).digest();
  const block = Buffer.alloc(64);
  key.copy(block);
  const ipad = Buffer.alloc(64);
  const opad = Buffer.alloc(64);
  for (let i = 0; i < 64; i++) {
    ipad[i] = block[i] ^ 0x36;
    opad[i] = block[i] ^ 0x5c;
  }
  return { ipad: ipad.toString('hex'), opad: opad.toString('hex') };
}

/** The `create temp macro` statement for `secret` (keep it out of logs: it embeds the key pads). */
export function pseudonymMacroSql(secret: string): string {
  const { ipad, opad } = hmacPads(secret);
  return `create or replace temp macro ${PSEUDONYM_MACRO}(v) as ` + `left(sha256(unhex('${opad}') || unhex(sha256(unhex('${ipad}') || encode(v)))), 32)`;
}

/**
 * Installs `csdl_pseudonym(text) -> text` on `conn` (null stays null).
 *
 * @example
 *   await installPseudonymMacro(conn, config.pseudonymSecret);
 *   await conn.run("select csdl_pseudonym('HS0001')"); // same as createHmac(...).digest('hex').slice(0, 32)
 */
export async function installPseudonymMacro(conn: DuckDBConnection, secret: string): Promise<void> {
  await conn.run(pseudonymMacroSql(secret));
}
