import { describe, expect, it } from 'vitest';
import { Accounts } from '#shared/domain/accounts.ts';
import type { Asset } from '#shared/domain/asset.ts';
import { AssetQueries } from '#shared/domain/asset-queries.ts';
import { DeleteAsset } from '#shared/domain/delete-asset.ts';
import { derivedKeys, originalKey } from '#shared/object-keys.ts';
import {
  FakeClock,
  MemoryAccounts,
  MemoryAssets,
  MemoryStorage,
  memoryLedger,
  NO_FACES,
  NO_GEO_INDEX,
  pendingAsset,
} from '#test/helpers/fakes.ts';

const setup = async () => {
  const store = new MemoryAccounts();
  const accounts = new Accounts(store, new FakeClock());
  const assets = new MemoryAssets();
  const storage = new MemoryStorage();
  const user = async (name: string) => {
    const owner = (await accounts.createApiKey(name)).record.owner;
    return { owner, libraryId: await accounts.resolveLibrary(owner) };
  };
  const alice = await user('alice');
  const bob = await user('bob');
  let made = 0;
  /** A processed asset with its claim, entries, original and derived files, as the processor leaves it. */
  const stored = async (who: { owner: string; libraryId: string }, overrides: Partial<Asset> = {}) => {
    const asset = pendingAsset(
      { size: 10 },
      {
        ...who,
        state: 'ready',
        checksum: `sha256-${++made}`,
        checksumSha1: `sha1-${made}`,
        ...overrides,
      },
    );
    await assets.create(asset);
    await assets.claimChecksum(asset);
    await assets.putEntries(asset);
    storage.originals.set(originalKey(asset.owner, asset.id), { etag: 'e', size: 10 });
    for (const key of Object.values(derivedKeys(asset))) storage.derived.set(key, Buffer.from('x'));
    return asset;
  };
  return {
    accounts,
    assets,
    storage,
    alice,
    bob,
    stored,
    queries: new AssetQueries({ accounts, assets, geo: NO_GEO_INDEX }),
    deletion: new DeleteAsset({ assets, storage, ledger: memoryLedger(store).ledger, faces: NO_FACES }),
  };
};

describe('reading one asset', () => {
  it('answers the caller’s own asset', async () => {
    const { queries, alice, stored } = await setup();
    const asset = await stored(alice);
    expect((await queries.get(alice.owner, asset.id)).id).toBe(asset.id);
  });

  it('another owner’s asset is NotFound, exactly like a missing one', async () => {
    const { queries, alice, bob, stored } = await setup();
    const bobs = await stored(bob);
    const foreign = await queries.get(alice.owner, bobs.id).catch((e: Error) => e);
    const missing = await queries.get(alice.owner, 'asset_missing').catch((e: Error) => e);
    expect(foreign).toMatchObject({ name: 'NotFound' });
    expect(foreign).toEqual(missing);
  });

  it('an upload found to duplicate another answers with the asset that holds the bytes', async () => {
    const { queries, alice, stored } = await setup();
    const holder = await stored(alice);
    const upload = await stored(alice, { state: 'duplicate', duplicateOf: holder.id, checksum: holder.checksum });
    expect((await queries.get(alice.owner, upload.id)).id).toBe(holder.id);
  });
});

describe('listing', () => {
  it('without a library, answers every listed asset of the caller and nobody else’s', async () => {
    const { queries, accounts, alice, bob, stored } = await setup();
    const holidays = await accounts.createLibrary(alice.owner, 'Holidays');
    const mine = [await stored(alice), await stored({ ...alice, libraryId: holidays.id })];
    await stored(bob);
    await stored(alice, { state: 'pending' });
    const { assets } = await queries.list(alice.owner, { limit: 10, order: 'desc' });
    expect(assets.map((a) => a.id).sort()).toEqual(mine.map((a) => a.id).sort());
  });

  it('with the caller’s library, answers that library only', async () => {
    const { queries, accounts, alice, stored } = await setup();
    const holidays = await accounts.createLibrary(alice.owner, 'Holidays');
    await stored(alice);
    const there = await stored({ ...alice, libraryId: holidays.id });
    const { assets } = await queries.list(alice.owner, { libraryId: holidays.id, limit: 10, order: 'asc' });
    expect(assets.map((a) => a.id)).toEqual([there.id]);
  });

  it('another owner’s library is NotFound', async () => {
    const { queries, alice, bob, stored } = await setup();
    await stored(bob);
    await expect(
      queries.list(alice.owner, { libraryId: bob.libraryId, limit: 10, order: 'asc' }),
    ).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('a cursor that is another owner’s asset or none at all is Invalid', async () => {
    const { queries, alice, bob, stored } = await setup();
    const bobs = await stored(bob);
    for (const startingAfterId of [bobs.id, 'asset_missing']) {
      await expect(queries.list(alice.owner, { limit: 10, order: 'asc', startingAfterId })).rejects.toMatchObject({
        name: 'Invalid',
      });
    }
  });
});

describe('listing by ids', () => {
  it('answers only the caller’s listed assets among the ids, ordered and paged like the timeline', async () => {
    const { queries, alice, bob, stored } = await setup();
    const at = (day: number) => ({ localDatetime: `2020-01-0${day}T00:00:00Z`, mimeType: 'image/png' });
    const [one, two, three] = [await stored(alice, at(1)), await stored(alice, at(2)), await stored(alice, at(3))];
    const pending = await stored(alice, { ...at(4), state: 'pending' });
    const bobs = await stored(bob, at(5));
    const ids = [one, two, three, pending, bobs].map((a) => a.id);
    const first = await queries.list(alice.owner, { ids, limit: 2, order: 'desc' });
    expect(first.assets.map((a) => a.id)).toEqual([three.id, two.id]);
    expect(first.hasMore).toBe(true);
    const rest = await queries.list(alice.owner, { ids, limit: 2, order: 'desc', startingAfterId: two.id });
    expect(rest).toEqual({ assets: [expect.objectContaining({ id: one.id })], hasMore: false });
    const bounded = await queries.list(alice.owner, {
      ids,
      limit: 10,
      order: 'asc',
      after: '2020-01-01T00:00:00Z',
      mediaType: 'image',
    });
    expect(bounded.assets.map((a) => a.id)).toEqual([two.id, three.id]);
    expect((await queries.list(alice.owner, { ids, limit: 10, order: 'asc', mediaType: 'video' })).assets).toEqual([]);
  });
});

describe('listing one media type', () => {
  it('covers every library of the caller, and only the named one with library_id', async () => {
    const { queries, accounts, alice, stored } = await setup();
    const holidays = await accounts.createLibrary(alice.owner, 'Holidays');
    const image = await stored(alice, { mimeType: 'image/png' });
    const video = await stored({ ...alice, libraryId: holidays.id }, { mimeType: 'video/mp4' });
    const list = (mediaType: 'image' | 'video', libraryId?: string) =>
      queries
        .list(alice.owner, { limit: 10, order: 'desc', mediaType, ...(libraryId && { libraryId }) })
        .then((page) => page.assets.map((a) => a.id));
    expect(await list('image')).toEqual([image.id]);
    expect(await list('video')).toEqual([video.id]);
    expect(await list('video', alice.libraryId)).toEqual([]);
  });
});

describe('exist', () => {
  it('finds by checksum, SHA-1 or device id within the caller’s libraries', async () => {
    const { queries, accounts, alice, stored } = await setup();
    const holidays = await accounts.createLibrary(alice.owner, 'Holidays');
    const a = await stored(alice, { deviceId: 'phone', deviceAssetId: 'IMG_1' });
    const b = await stored({ ...alice, libraryId: holidays.id });
    const ids = (matches: { id: string }[]) => matches.map((m) => m.id).sort();
    expect(ids(await queries.exist(alice.owner, { checksums: [a.checksum ?? '', b.checksum ?? ''] }))).toEqual(
      [a.id, b.id].sort(),
    );
    expect(ids(await queries.exist(alice.owner, { checksumSha1s: [b.checksumSha1 ?? ''] }))).toEqual([b.id]);
    expect(ids(await queries.exist(alice.owner, { deviceId: 'phone', deviceAssetIds: ['IMG_1', 'IMG_2'] }))).toEqual([
      a.id,
    ]);
  });

  it('never finds another owner’s assets, even with their exact checksum', async () => {
    const { queries, alice, bob, stored } = await setup();
    const bobs = await stored(bob, { deviceId: 'phone', deviceAssetId: 'IMG_1' });
    expect(await queries.exist(alice.owner, { checksums: [bobs.checksum ?? ''] })).toEqual([]);
    expect(await queries.exist(alice.owner, { checksumSha1s: [bobs.checksumSha1 ?? ''] })).toEqual([]);
    expect(await queries.exist(alice.owner, { deviceId: 'phone', deviceAssetIds: ['IMG_1'] })).toEqual([]);
  });

  it('with a library, looks in that library only; another owner’s library is NotFound', async () => {
    const { queries, accounts, alice, bob, stored } = await setup();
    const holidays = await accounts.createLibrary(alice.owner, 'Holidays');
    const a = await stored(alice);
    expect(await queries.exist(alice.owner, { checksums: [a.checksum ?? ''] }, holidays.id)).toEqual([]);
    expect(await queries.exist(alice.owner, { checksums: [a.checksum ?? ''] }, alice.libraryId)).toHaveLength(1);
    await expect(queries.exist(alice.owner, { checksums: ['x'] }, bob.libraryId)).rejects.toMatchObject({
      name: 'NotFound',
    });
  });
});

describe('deleting', () => {
  it('removes the record, the checksum claim, the entries, the original and the derived files', async () => {
    const { queries, deletion, assets, storage, alice, stored } = await setup();
    const asset = await stored(alice, { deviceId: 'phone', deviceAssetId: 'IMG_1' });
    await deletion.run(alice.owner, asset.id);
    expect(await assets.get(asset.id)).toBeUndefined();
    expect(await assets.findChecksum(alice.libraryId, asset.checksum ?? '')).toBeUndefined();
    expect([...assets.entries.values()]).not.toContain(asset.id);
    expect(storage.originals.has(originalKey(alice.owner, asset.id))).toBe(false);
    expect(storage.derived.size).toBe(0);
    await expect(queries.get(alice.owner, asset.id)).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('the same bytes can be uploaded again once deleted: the claim is free', async () => {
    const { deletion, assets, alice, stored } = await setup();
    const asset = await stored(alice);
    await deletion.run(alice.owner, asset.id);
    const again = pendingAsset({ size: 10 }, { ...alice, checksum: asset.checksum });
    expect(await assets.claimChecksum(again)).toBe(again.id);
  });

  it('another owner’s asset is NotFound and stays untouched', async () => {
    const { deletion, assets, storage, alice, bob, stored } = await setup();
    const bobs = await stored(bob);
    await expect(deletion.run(alice.owner, bobs.id)).rejects.toMatchObject({ name: 'NotFound' });
    expect(await assets.get(bobs.id)).toBeDefined();
    expect(storage.originals.has(originalKey(bob.owner, bobs.id))).toBe(true);
    expect(storage.derived.size).toBe(2);
  });
});
