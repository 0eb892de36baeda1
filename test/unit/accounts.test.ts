import { describe, expect, it } from 'vitest';
import type { ApiEvent } from '#functions/api/router.ts';
import { libraryRoutes } from '#functions/api/routes/libraries.ts';
import { Accounts, DEFAULT_LIBRARY_NAME } from '#shared/domain/accounts.ts';
import { hashApiKey } from '#shared/domain/api-key.ts';
import { idPattern } from '#shared/domain/ids.ts';
import { LibraryTrash } from '#shared/domain/library-trash.ts';
import { FakeClock, MemoryAccounts } from '#test/helpers/fakes.ts';

const setup = () => {
  const store = new MemoryAccounts();
  const clock = new FakeClock();
  return { store, clock, accounts: new Accounts(store, clock) };
};

describe('creating API keys', () => {
  it('the first key of a user creates the user and their default library', async () => {
    const { store, accounts } = setup();
    const { record } = await accounts.createApiKey('alice');
    expect(record.owner).toMatch(idPattern('user'));
    const user = await store.getUser(record.owner);
    expect(user?.name).toBe('alice');
    const libraries = await accounts.listLibraries(record.owner);
    expect(libraries).toEqual([expect.objectContaining({ id: user?.defaultLibraryId, name: DEFAULT_LIBRARY_NAME })]);
  });

  it('a second key of the same user joins the same user and library', async () => {
    const { store, accounts } = setup();
    const first = await accounts.createApiKey('alice');
    const second = await accounts.createApiKey('alice', 'laptop');
    expect(second.record.owner).toBe(first.record.owner);
    expect(second.key).not.toBe(first.key);
    expect(store.users.size).toBe(1);
    expect(await accounts.listLibraries(first.record.owner)).toHaveLength(1);
  });

  it('is dk_ and 32 random bytes in base64url, and only its hash is stored', async () => {
    const { store, accounts } = setup();
    const { key, record } = await accounts.createApiKey('alice');
    expect(key).toMatch(/^dk_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(3), 'base64url')).toHaveLength(32);
    expect(record.hash).toBe(hashApiKey(key));
    expect(JSON.stringify([...store.keysById.values(), ...store.keysByHash.values()])).not.toContain(key.slice(3));
  });

  it('is labelled "default" unless given a label', async () => {
    const { accounts } = setup();
    expect((await accounts.createApiKey('alice')).record.name).toBe('default');
    expect((await accounts.createApiKey('alice', '  phone ')).record.name).toBe('phone');
    expect((await accounts.createApiKey('alice', '   ')).record.name).toBe('default');
  });

  it.each(['', 'a b', 'x/y', 'ü', 'n'.repeat(65)])('refuses the user name %j', async (name) => {
    const { store, accounts } = setup();
    await expect(accounts.createApiKey(name)).rejects.toMatchObject({ name: 'Invalid' });
    expect(store.users.size).toBe(0);
  });

  it('accepts letters, digits, ".", "_", "@" and "-" up to 64 characters', async () => {
    const { accounts } = setup();
    await expect(accounts.createApiKey('a.b_c@d-e9')).resolves.toBeDefined();
    await expect(accounts.createApiKey('n'.repeat(64))).resolves.toBeDefined();
  });

  it('lists the keys of one user, or of everyone', async () => {
    const { accounts } = setup();
    await accounts.createApiKey('alice');
    await accounts.createApiKey('bob');
    expect((await accounts.listApiKeys('alice')).map((k) => k.userName)).toEqual(['alice']);
    expect(await accounts.listApiKeys()).toHaveLength(2);
  });
});

describe('authenticating', () => {
  it('a live key identifies its user and key', async () => {
    const { accounts } = setup();
    const { key, record } = await accounts.createApiKey('alice');
    expect(await accounts.authenticate(`Bearer ${key}`)).toEqual({ userId: record.owner, keyId: record.id });
  });

  it.each([
    ['missing', undefined],
    ['malformed', 'Bearer nope'],
    ['not a Bearer header', 'Basic YWxpY2U6cHc='],
    ['unknown', `Bearer dk_${'A'.repeat(43)}`],
  ])('a %s key is Unauthenticated', async (_, header) => {
    const { accounts } = setup();
    await accounts.createApiKey('alice');
    await expect(accounts.authenticate(header)).rejects.toMatchObject({ name: 'Unauthenticated' });
  });

  it('a revoked key is Unauthenticated, by key id or by the key itself', async () => {
    const { accounts } = setup();
    const byId = await accounts.createApiKey('alice');
    const byKey = await accounts.createApiKey('alice');
    await accounts.revokeApiKey(byId.record.id);
    await accounts.revokeApiKey(byKey.key);
    for (const { key } of [byId, byKey]) {
      await expect(accounts.authenticate(`Bearer ${key}`)).rejects.toMatchObject({ name: 'Unauthenticated' });
    }
  });
});

describe('revoking', () => {
  it('stamps the time once; revoking again is harmless and keeps the first time', async () => {
    const { accounts, clock } = setup();
    const { record } = await accounts.createApiKey('alice');
    const first = await accounts.revokeApiKey(record.id);
    expect(first.revokedAt).toBe(clock.now().toISOString());
    clock.advance(60_000);
    expect((await accounts.revokeApiKey(record.id)).revokedAt).toBe(first.revokedAt);
    expect((await accounts.listApiKeys('alice'))[0]?.revokedAt).toBe(first.revokedAt);
  });

  it('an unknown key id or key is NotFound', async () => {
    const { accounts } = setup();
    await expect(accounts.revokeApiKey('key_nope')).rejects.toMatchObject({ name: 'NotFound' });
    await expect(accounts.revokeApiKey(`dk_${'A'.repeat(43)}`)).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('leaves the user’s other keys working', async () => {
    const { accounts } = setup();
    const revoked = await accounts.createApiKey('alice');
    const kept = await accounts.createApiKey('alice');
    await accounts.revokeApiKey(revoked.record.id);
    await expect(accounts.authenticate(`Bearer ${kept.key}`)).resolves.toMatchObject({ keyId: kept.record.id });
  });
});

describe('libraries', () => {
  it('no library named means the caller’s default library', async () => {
    const { store, accounts } = setup();
    const { record } = await accounts.createApiKey('alice');
    const user = await store.getUser(record.owner);
    expect(await accounts.resolveLibrary(record.owner)).toBe(user?.defaultLibraryId);
  });

  it('the caller’s own library resolves to itself', async () => {
    const { accounts } = setup();
    const { record } = await accounts.createApiKey('alice');
    const library = await accounts.createLibrary(record.owner, 'Holidays');
    expect(library).toMatchObject({ owner: record.owner, name: 'Holidays' });
    expect(library.id).toMatch(idPattern('lib'));
    expect(await accounts.resolveLibrary(record.owner, library.id)).toBe(library.id);
  });

  it('another user’s library is NotFound, exactly like one that does not exist', async () => {
    const { accounts } = setup();
    const alice = (await accounts.createApiKey('alice')).record.owner;
    const bob = (await accounts.createApiKey('bob')).record.owner;
    const bobs = await accounts.createLibrary(bob, 'Private');
    const foreign = accounts.resolveLibrary(alice, bobs.id);
    await expect(foreign).rejects.toMatchObject({ name: 'NotFound' });
    const missing = await accounts.resolveLibrary(alice, 'lib_missing').catch((e: Error) => e);
    expect(await foreign.catch((e: Error) => e)).toEqual(missing);
    await expect(accounts.getLibrary(alice, bobs.id)).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('an owner without a user has no default library', async () => {
    const { accounts } = setup();
    await expect(accounts.resolveLibrary('user_nobody')).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('lists only the caller’s libraries, oldest first', async () => {
    const { accounts, clock } = setup();
    const alice = (await accounts.createApiKey('alice')).record.owner;
    const bob = (await accounts.createApiKey('bob')).record.owner;
    clock.advance(1000);
    await accounts.createLibrary(alice, 'Later');
    await accounts.createLibrary(bob, 'Bob’s');
    expect((await accounts.listLibraries(alice)).map((l) => l.name)).toEqual([DEFAULT_LIBRARY_NAME, 'Later']);
  });
});

describe('library names', () => {
  // The rule is the API's request schema; the use case stores the name it is given.
  const create = async (name: unknown) => {
    const { accounts, store, clock } = setup();
    const owner = (await accounts.createApiKey('alice')).record.owner;
    const event = { body: JSON.stringify({ name }), isBase64Encoded: false } as unknown as ApiEvent;
    const libraryTrash = new LibraryTrash({ accounts, repository: store, clock, retentionDays: 90 });
    return libraryRoutes({ accounts, libraryTrash }).createLibrary(event, owner, {} as never);
  };

  it('are trimmed and kept up to 100 characters', async () => {
    expect(await create('  Holidays ')).toMatchObject({ statusCode: 201, body: expect.stringContaining('"Holidays"') });
    expect(await create('n'.repeat(100))).toMatchObject({ statusCode: 201 });
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['too long', 'n'.repeat(101)],
    ['not text', 7],
  ])('refuse a name that is %s', async (_, name) => {
    await expect(create(name)).rejects.toMatchObject({ name: 'Invalid' });
  });
});
