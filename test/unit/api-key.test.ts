import { describe, expect, it } from 'vitest';
import { bearerKey, generateApiKey, hashApiKey } from '#shared/domain/api-key.ts';

describe('API keys', () => {
  it('are dk_ and 32 random bytes in base64url', () => {
    const key = generateApiKey();
    expect(key).toMatch(/^dk_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(3), 'base64url')).toHaveLength(32);
    expect(generateApiKey()).not.toBe(key);
  });

  it('hash to hex SHA-256', () => {
    expect(hashApiKey('dk_x')).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey('dk_x')).not.toBe(hashApiKey('dk_y'));
  });

  it('are read only from a well-formed Bearer header', () => {
    const key = generateApiKey();
    expect(bearerKey(`Bearer ${key}`)).toBe(key);
    expect(bearerKey(`bearer  ${key} `)).toBe(key);
    expect(bearerKey(key)).toBeUndefined();
    expect(bearerKey(`Bearer ${key}x`)).toBeUndefined();
    expect(bearerKey(`Bearer ${key} extra`)).toBeUndefined();
    expect(bearerKey(undefined)).toBeUndefined();
  });
});
