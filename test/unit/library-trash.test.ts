import { describe, expect, it } from 'vitest';
import { Accounts } from '#shared/domain/accounts.ts';
import { NotTrashed } from '#shared/domain/errors.ts';
import { LibraryTrash } from '#shared/domain/library-trash.ts';
import { errorResponse } from '#shared/http/errors.ts';
import { FakeClock, MemoryAccounts } from '#test/helpers/fakes.ts';

const DAY_MS = 24 * 3600 * 1000;

const setup = async () => {
  const store = new MemoryAccounts();
  const clock = new FakeClock('2026-06-01T12:00:00Z');
  const accounts = new Accounts(store, clock);
  const trash = new LibraryTrash({ accounts, repository: store, clock, retentionDays: 90 });
  const owner = (await accounts.createApiKey('alice')).record.owner;
  return { store, clock, accounts, trash, owner };
};

describe('the library trash', () => {
  it('keeps the first trash time and a 90-day window; lists the drawer most recently trashed first', async () => {
    const { clock, accounts, trash, owner } = await setup();
    const first = await accounts.createLibrary(owner, 'First');
    const second = await accounts.createLibrary(owner, 'Second');
    await trash.trash(owner, first.id);
    clock.advance(1000);
    await trash.trash(owner, second.id);
    await trash.trash(owner, first.id);
    const drawer = await accounts.listLibraries(owner, 'trashed');
    expect(drawer.map((l) => l.name)).toEqual(['Second', 'First']);
    expect(drawer[1]).toMatchObject({
      trashedAt: '2026-06-01T12:00:00.000Z',
      purgeAfter: new Date(Date.parse('2026-06-01T12:00:00Z') + 90 * DAY_MS).toISOString(),
    });
    expect((await accounts.listLibraries(owner)).map((l) => l.name)).toEqual(['Library']);
    expect(await accounts.listLibraries(owner, 'all')).toHaveLength(3);
  });

  it('delete waives the window of a trashed library only, and says so without inviting a retry', async () => {
    const { clock, accounts, trash, owner } = await setup();
    const library = await accounts.createLibrary(owner, 'Trip');
    const refused = await trash.expedite(owner, library.id).catch((e) => e);
    expect(refused).toBeInstanceOf(NotTrashed);
    expect(errorResponse(refused).response).toMatchObject({ statusCode: 409, headers: { 'x-should-retry': 'false' } });
    await trash.trash(owner, library.id);
    clock.advance(5000);
    await trash.expedite(owner, library.id);
    expect((await accounts.getLibrary(owner, library.id)).purgeAfter).toBe(clock.now().toISOString());
    await expect(trash.expedite('user_other', library.id)).rejects.toThrow('library not found');
  });

  it('restore takes the library out of the purge queue and is harmless on a live one', async () => {
    const { store, accounts, trash, owner } = await setup();
    const library = await accounts.createLibrary(owner, 'Trip');
    await trash.trash(owner, library.id);
    await trash.expedite(owner, library.id);
    expect(await store.purgeableLibraries('9999')).toHaveLength(1);
    const restored = await trash.restore(owner, library.id);
    expect(restored.trashedAt).toBeUndefined();
    expect(restored.purgeAfter).toBeUndefined();
    expect(await store.purgeableLibraries('9999')).toEqual([]);
    expect(await trash.restore(owner, library.id)).toMatchObject({ id: library.id });
  });
});
