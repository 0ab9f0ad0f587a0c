/**
 * Consumer secrets are sealed (AES-256-GCM) under CSDL_DELIVERY_KEY: they open under that key
 * only, an altered value is refused, and the key is validated like the pseudonym secret (a demo
 * default only on the embedded source).
 */
import { describe, expect, it } from 'vitest';
import { DEMO_DELIVERY_KEY, loadConfig } from '../../lib/config.ts';
import { ConfigError } from '../../lib/errors.ts';
import { openSecret, sealSecret } from '../../lib/secret-box.ts';

describe('secret box', () => {
  it('opens what it sealed under the same key only, and refuses an altered value', () => {
    const key = 'a-delivery-key-of-the-test';
    const sealed = sealSecret(key, 'bí mật của hệ thống nhận');
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain('bí mật');
    expect(sealSecret(key, 'bí mật của hệ thống nhận')).not.toBe(sealed);
    expect(openSecret(key, sealed)).toBe('bí mật của hệ thống nhận');
    expect(() => openSecret('another-delivery-key-000', sealed)).toThrow(/SECRET_UNREADABLE|sealed under another/);
    const parts = sealed.split(':');
    parts[3] = Buffer.from('x' + Buffer.from(parts[3], 'base64url').toString('latin1'), 'latin1').toString('base64url');
    expect(() => openSecret(key, parts.join(':'))).toThrow(/altered/);
    expect(() => sealSecret(null, 'x')).toThrow(/CSDL_DELIVERY_KEY/);
  });

  it('takes CSDL_DELIVERY_KEY from the configuration, the demo key only on the embedded source', () => {
    expect(loadConfig({}).delivery).toEqual({ key: DEMO_DELIVERY_KEY, attempts: 5, timeoutMs: 60_000 });
    const real = { CSDL_DATABASE_URL: 'postgres://u@h/db', CSDL_PSEUDONYM_SECRET: 'a-real-secret-0123456789' };
    expect(loadConfig(real).delivery.key).toBeNull();
    expect(
      loadConfig({ ...real, CSDL_DELIVERY_KEY: 'the-real-delivery-key', CSDL_DELIVERY_ATTEMPTS: '3', CSDL_DELIVERY_TIMEOUT_SECONDS: '10' }).delivery,
    ).toEqual({
      key: 'the-real-delivery-key',
      attempts: 3,
      timeoutMs: 10_000,
    });
    try {
      loadConfig({ CSDL_DELIVERY_KEY: 'short', CSDL_DELIVERY_ATTEMPTS: '0' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toContain('CSDL_DELIVERY_KEY: phải có ít nhất 16 ký tự');
      expect(problems).toContain('CSDL_DELIVERY_ATTEMPTS');
    }
  });
});
