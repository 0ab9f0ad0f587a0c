/**
 * API keys: 32 random bytes, shown once at creation; only their SHA-256 is stored.
 */
import { createHash, randomBytes } from 'node:crypto';

/** The key's visible prefix, so a user can tell keys apart without the secret. */
export const KEY_PREFIX = 'csdl_';

/** A new random key, e.g. `csdl_3q2Xb...` (48 characters). */
export function newApiKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

/** SHA-256 of a key, hex; what meta.accounts keeps. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
