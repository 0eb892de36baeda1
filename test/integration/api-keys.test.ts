import { describe, expect, it } from 'vitest';
import {
  errorResponseSchema,
  healthResponseSchema,
  pingResponseSchema,
  userResponseSchema,
} from '#functions/api/routes/account-schemas.ts';
import { composeAccounts } from '#functions/compose-accounts.ts';
import type { Accounts } from '#shared/domain/accounts.ts';
import { api } from '#test/helpers/api.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';

const stack = useLocalStack();
const accounts = async (): Promise<Accounts> => composeAccounts(stack().config);

describe('API keys', () => {
  it('authenticate a user, whose first key created them a default library', async () => {
    const { key, record } = await (await accounts()).createApiKey('alice');
    expect(key).toMatch(/^dk_[A-Za-z0-9_-]{43}$/);
    const res = await api(stack().apiUrl, key).get('/api/libraries');
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    expect(res.body[0]).toMatchObject({ name: 'Library', user_id: record.owner });
  });

  it('store only the SHA-256 of the key', async () => {
    const { key, record } = await (await accounts()).createApiKey('carol');
    const { createHash } = await import('node:crypto');
    expect(record.hash).toBe(createHash('sha256').update(key).digest('hex'));
    const listed = await (await accounts()).listApiKeys('carol');
    expect(JSON.stringify(listed)).not.toContain(key);
  });

  it('a second key of the same user joins the same user and library', async () => {
    const first = await (await accounts()).createApiKey('dave');
    const second = await (await accounts()).createApiKey('dave', 'laptop');
    expect(second.record.owner).toBe(first.record.owner);
    const libraries = await api(stack().apiUrl, second.key).get('/api/libraries');
    expect(libraries.body).toHaveLength(1);
  });

  it('refuse a missing, malformed, unknown or revoked key with 401 and a detail', async () => {
    const { key, record } = await (await accounts()).createApiKey('erin');
    await (await accounts()).revokeApiKey(record.id);
    const unknown = `dk_${'A'.repeat(43)}`;
    for (const [authorization, expected] of [
      [undefined, /missing/],
      ['Bearer nonsense', /invalid or revoked/],
      [`Basic ${key}`, /invalid or revoked/],
      [`Bearer ${unknown}`, /invalid or revoked/],
      [`Bearer ${key}`, /invalid or revoked/],
    ] as const) {
      const res = await api(stack().apiUrl).get('/api/libraries', authorization ? { authorization } : {});
      expect(res.status, String(authorization)).toBe(401);
      expect(res.body.detail).toMatch(expected);
    }
  });

  it('revoke by the key itself as well as by its id', async () => {
    const { key } = await (await accounts()).createApiKey('frank');
    const revoked = await (await accounts()).revokeApiKey(key);
    expect(revoked.revokedAt).toBeDefined();
    expect((await api(stack().apiUrl, key).get('/api/libraries')).status).toBe(401);
  });

  it('health needs no key and answers in its schema', async () => {
    const res = await api(stack().apiUrl).get('/api/health');
    expect(res.status).toBe(200);
    expect(healthResponseSchema.parse(res.body)).toEqual({ status: 'ok' });
  });

  it('ping needs no key either and answers pong as text, as the SDK asks for it', async () => {
    const res = await api(stack().apiUrl).get('/api/server/ping', { accept: 'text/plain' });
    expect(res.status).toBe(200);
    expect(pingResponseSchema.parse(res.body)).toBe('pong');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('users/me answers the key’s user, and a missing key is a 401', async () => {
    const { key, record } = await (await accounts()).createApiKey('gwen');
    const me = userResponseSchema.parse((await api(stack().apiUrl, key).get('/api/users/me')).body);
    expect(me).toMatchObject({ id: record.owner, storage_used_bytes: 0, is_active: true });
    const anonymous = await api(stack().apiUrl).get('/api/users/me');
    expect(anonymous.status).toBe(401);
    expect(errorResponseSchema.parse(anonymous.body).detail).toMatch(/missing/);
  });
});

describe('libraries', () => {
  it('are created and listed for their owner only', async () => {
    const a = await (await accounts()).createApiKey('gina');
    const b = await (await accounts()).createApiKey('hank');
    const created = await api(stack().apiUrl, a.key).post('/api/libraries', { name: '  Holidays ' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Holidays', user_id: a.record.owner });
    expect(created.body.id).toMatch(/^lib_/);

    const mine = await api(stack().apiUrl, a.key).get('/api/libraries');
    expect(mine.body.map((l: { name: string }) => l.name)).toEqual(['Library', 'Holidays']);
    const theirs = await api(stack().apiUrl, b.key).get('/api/libraries');
    expect(theirs.body.map((l: { id: string }) => l.id)).not.toContain(created.body.id);

    expect((await api(stack().apiUrl, a.key).get(`/api/libraries/${created.body.id}`)).status).toBe(200);
    const foreign = await api(stack().apiUrl, b.key).get(`/api/libraries/${created.body.id}`);
    const missing = await api(stack().apiUrl, b.key).get('/api/libraries/lib_2222222222222222222222');
    expect(foreign).toMatchObject({ status: 404, body: { detail: 'library not found' } });
    expect(missing.body).toEqual(foreign.body);
  });

  it('refuse bad input with a detail naming the field', async () => {
    const { key } = await (await accounts()).createApiKey('ivan');
    const client = api(stack().apiUrl, key);
    const empty = await client.post('/api/libraries', { name: '   ' });
    expect(empty.status).toBe(422);
    expect(empty.body.detail).toMatch(/^name:/);
    const extra = await client.post('/api/libraries', { name: 'x', owner_id: 'user_x' });
    expect(extra.status).toBe(422);
    expect(extra.body.detail).toMatch(/owner_id/);
    const notJson = await client.post('/api/libraries', '{nope');
    expect(notJson).toMatchObject({ status: 400, body: { detail: expect.any(String) } });
    const tooLong = await client.post('/api/libraries', { name: 'x'.repeat(101) });
    expect(tooLong.status).toBe(422);
  });

  it('answer 404 with a detail for an unknown route', async () => {
    const res = await api(stack().apiUrl).get('/api/nothing-here');
    expect(res).toMatchObject({ status: 404, body: { detail: 'not found' } });
  });
});
