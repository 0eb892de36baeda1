import { describe, expect, it } from 'vitest';
import { Accounts } from '#shared/domain/accounts.ts';
import { AlbumQueries } from '#shared/domain/album-queries.ts';
import { AssetAlbums } from '#shared/domain/asset-albums.ts';
import { Invalid, NotFound } from '#shared/domain/errors.ts';
import { MemoryAlbumMembers, MemoryAlbums } from '#test/helpers/album-fakes.ts';
import { FakeClock, MemoryAccounts, MemoryAssets, pendingAsset } from '#test/helpers/fakes.ts';

const setup = async () => {
  const accounts = new Accounts(new MemoryAccounts(), new FakeClock());
  const assets = new MemoryAssets();
  const albums = new MemoryAlbums();
  const members = new MemoryAlbumMembers();
  const user = async (name: string) => {
    const owner = (await accounts.createApiKey(name)).record.owner;
    return { owner, libraryId: await accounts.resolveLibrary(owner) };
  };
  const alice = await user('alice');
  const bob = await user('bob');
  const asset = async (who: { owner: string; libraryId: string }, localDatetime: string, state = 'ready' as const) => {
    const made = pendingAsset({ size: 1 }, { ...who, state, localDatetime });
    await assets.create(made);
    return made;
  };
  const queries = new AlbumQueries({ accounts, assets, albums, members, clock: new FakeClock() });
  return { accounts, assets, albums, members, alice, bob, asset, queries };
};

describe('album use cases', () => {
  it('an add reports each asked-for id once, in order: added, already there, or not the album’s library’s', async () => {
    const { queries, alice, bob, asset, accounts } = await setup();
    const album = await queries.create(alice.owner, { name: 'x' });
    const [a, b] = [await asset(alice, '2020-01-01T00:00:00Z'), await asset(alice, '2020-01-02T00:00:00Z')];
    const theirs = await asset(bob, '2020-01-03T00:00:00Z');
    const second = await accounts.createLibrary(alice.owner, 'Second');
    const elsewhere = await asset({ owner: alice.owner, libraryId: second.id }, '2020-01-04T00:00:00Z');
    await queries.addAssets(alice.owner, album.id, [a.id]);
    const result = await queries.addAssets(alice.owner, album.id, [b.id, a.id, theirs.id, b.id, elsewhere.id]);
    expect(result).toEqual({ added: [b.id], duplicate: [a.id], notFound: [theirs.id, elsewhere.id] });
    expect((await queries.summary(await queries.get(alice.owner, album.id))).assetCount).toBe(2);
  });

  it('someone else’s album is not found; a cover must already be in the album', async () => {
    const { queries, alice, bob, asset } = await setup();
    const album = await queries.create(alice.owner, {});
    await expect(queries.get(bob.owner, album.id)).rejects.toBeInstanceOf(NotFound);
    await expect(queries.addAssets(bob.owner, album.id, [])).rejects.toBeInstanceOf(NotFound);
    const outside = await asset(alice, '2020-01-01T00:00:00Z');
    await expect(queries.update(alice.owner, album.id, { coverAssetId: outside.id })).rejects.toBeInstanceOf(Invalid);
  });

  it('an add racing the album’s delete takes its links back out and answers not found', async () => {
    const { queries, alice, asset, albums, members } = await setup();
    const album = await queries.create(alice.owner, {});
    const a = await asset(alice, '2020-01-01T00:00:00Z');
    members.beforePut = async () => {
      members.beforePut = undefined;
      await albums.deleteAlbum(album.id);
    };
    await expect(queries.addAssets(alice.owner, album.id, [a.id])).rejects.toBeInstanceOf(NotFound);
    expect(members.items.size).toBe(0);
  });

  it('an add racing the asset’s delete leaves no link of it', async () => {
    const { queries, alice, asset, assets, members } = await setup();
    const album = await queries.create(alice.owner, {});
    const a = await asset(alice, '2020-01-01T00:00:00Z');
    members.beforePut = async () => {
      await assets.remove(a);
    };
    expect(await queries.addAssets(alice.owner, album.id, [a.id])).toEqual({
      added: [],
      duplicate: [],
      notFound: [a.id],
    });
    expect(members.items.size).toBe(0);
  });

  it('an asset’s links follow its capture time, leave with it as a duplicate, and take its cover along', async () => {
    const { queries, alice, asset, albums, members } = await setup();
    const album = await queries.create(alice.owner, {});
    const [a, b] = [await asset(alice, '2020-01-01T00:00:00Z'), await asset(alice, '2020-01-05T00:00:00Z')];
    await queries.addAssets(alice.owner, album.id, [a.id, b.id]);
    await queries.update(alice.owner, album.id, { coverAssetId: b.id });
    const follower = new AssetAlbums(albums, members);
    await follower.follow({ ...a, localDatetime: '2020-02-01T00:00:00Z' });
    const summary = await queries.summary(await queries.get(alice.owner, album.id));
    expect(summary).toMatchObject({ startDate: '2020-01-05T00:00:00Z', endDate: '2020-02-01T00:00:00Z' });
    await follower.follow({ ...b, state: 'duplicate' });
    const after = await queries.summary(await queries.get(alice.owner, album.id));
    expect(after).toEqual({
      assetCount: 1,
      startDate: '2020-02-01T00:00:00Z',
      endDate: '2020-02-01T00:00:00Z',
      coverAssetId: a.id,
    });
    expect((await queries.get(alice.owner, album.id)).coverAssetId).toBeUndefined();
  });
});
