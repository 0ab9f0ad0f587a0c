/**
 * Seals the shared secrets of reporting systems (the HMAC key a push is signed with) before they
 * reach the warehouse: AES-256-GCM under a key derived from CSDL_DELIVERY_KEY, a fresh IV per
 * secret. A sealed value opened under another key, or altered, fails its tag check.
 *
 * @example
 *   const sealed = sealSecret(config.deliveryKey, 'the consumer secret');   // 'v1:...'
 *   openSecret(config.deliveryKey, sealed);                                 // 'the consumer secret'
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { CsdlError } from './errors.ts';

function keyOf(deliveryKey: string | null): Buffer {
  if (!deliveryKey) {
    throw new CsdlError(
      'NO_DELIVERY_KEY',
      'CSDL_DELIVERY_KEY chưa đặt / CSDL_DELIVERY_KEY is not set: with a real source (CSDL_DATABASE_URL) set a key of 16+ characters to seal the shared secrets of push consumers, and keep it stable',
    );
  }
  return createHash('sha256')
    .update('csdl-delivery-key\0' + deliveryKey)
    .digest();
}

/** `v1:<iv>:<tag>:<ciphertext>`, each base64url. */
export function sealSecret(deliveryKey: string | null, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(deliveryKey), iv);
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(':');
}

/** The secret `sealed` holds; throws SECRET_UNREADABLE when it was sealed under another key or altered. */
export function openSecret(deliveryKey: string | null, sealed: string): string {
  const [v, iv, tag, body] = sealed.split(':');
  try {
    if (v !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', keyOf(deliveryKey), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch (err) {
    if (err instanceof CsdlError) throw err;
    throw new CsdlError(
      'SECRET_UNREADABLE',
      'không mở được khóa bí mật của hệ thống nhận / a consumer secret cannot be opened: it was sealed under another CSDL_DELIVERY_KEY or altered; set the key it was sealed with, or register the secret again',
    );
  }
}
