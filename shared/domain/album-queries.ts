import type { Accounts } from './accounts.ts';
import type { AlbumMembers, AlbumRepository } from './album-ports.ts';
import type { Album, AlbumMember, AlbumSummary } from './albums.ts';
import { placeOf } from './asset-albums.ts';
import { ownedAsset } from './asset-queries.ts';
import { Conflict, Invalid, NotFound } from './errors.ts';
import { newId, stableId } from './ids.ts';
import type { AssetRepository, Clock } from './ports.ts';

export interface AlbumListQuery {
  libraryId?: string;
  assetId?: string;
  ids?: string[];
  limit: number;
  startingAfterId?: string;
}

/** What a caller may set on an album; `null` clears a field. */
export interface AlbumFields {
  name?: string;
  description?: string | null;
  coverAssetId?: string | null;
}

/** The SDK's add answer: each asked-for id in exactly one list, in the order asked. */
export interface AddResult {
  added: string[];
  duplicate: string[];
  notFound: string[];
}

export interface AlbumQueriesDeps {
  accounts: Accounts;
  assets: AssetRepository;
  albums: AlbumRepository;
  members: AlbumMembers;
  clock: Clock;
}

const NOT_FOUND = 'album not found';
const newestFirst = (a: Album, b: Album) =>
  b.createdAt.localeCompare(a.createdAt) || (b.id < a.id ? -1 : b.id > a.id ? 1 : 0);

/** Albums and their assets, always within the caller's own libraries. */
export class AlbumQueries {
  constructor(private readonly deps: AlbumQueriesDeps) {}

  get(owner: string, id: string): Promise<Album> {
    return ownedAlbum(this.deps.albums, owner, id);
  }

  /** Count, dates and cover, read from the members (the count exactly, by counting them). */
  async summary(album: Album): Promise<AlbumSummary> {
    const { members } = this.deps;
    const [assetCount, first, last] = await Promise.all([
      members.countMembers(album.id),
      members.timeline({ albumId: album.id, order: 'asc', limit: 1 }),
      members.timeline({ albumId: album.id, order: 'desc', limit: 1 }),
    ]);
    const oldest = first.items[0];
    const newest = last.items[0];
    const coverAssetId = album.coverAssetId ?? newest?.assetId;
    return {
      assetCount,
      ...(oldest && { startDate: oldest.localDatetime }),
      ...(newest && { endDate: newest.localDatetime }),
      ...(coverAssetId && { coverAssetId }),
    };
  }

  async list(owner: string, query: AlbumListQuery): Promise<{ albums: Album[]; hasMore: boolean }> {
    const { accounts, albums, members } = this.deps;
    if (query.libraryId) await accounts.getLibrary(owner, query.libraryId);
    if (!query.assetId && !query.ids) {
      const libraryId = await accounts.resolveLibrary(owner, query.libraryId);
      const startAfter = query.startingAfterId ? await this.cursor(owner, query.startingAfterId) : undefined;
      const page = await albums.albumsOfLibrary(libraryId, query.limit, startAfter);
      return { albums: page.items, hasMore: page.hasMore };
    }
    let ids = query.ids;
    if (query.assetId) {
      const asset = await ownedAsset(this.deps.assets, owner, query.assetId);
      const of = new Set((await members.albumsOfAsset(asset.id)).map((m) => m.albumId));
      ids = ids ? ids.filter((id) => of.has(id)) : [...of];
    }
    const sorted = (await albums.getAlbums(ids ?? []))
      .filter((a) => a.owner === owner && (!query.libraryId || a.libraryId === query.libraryId))
      .sort(newestFirst);
    const page = pageAfter(sorted, query, 'album');
    return { albums: page.items, hasMore: page.hasMore };
  }

  async create(owner: string, fields: { name?: string; description?: string; libraryId?: string }): Promise<Album> {
    const libraryId = await this.deps.accounts.writableLibrary(owner, fields.libraryId);
    const now = this.deps.clock.now().toISOString();
    const album: Album = {
      id: newId('album'),
      libraryId,
      owner,
      name: fields.name ?? '',
      ...(fields.description && { description: fields.description }),
      createdAt: now,
      updatedAt: now,
    };
    await this.deps.albums.putAlbum(album);
    return album;
  }

  async update(owner: string, id: string, fields: AlbumFields): Promise<Album> {
    const album = await this.get(owner, id);
    if (fields.coverAssetId) await this.coverOf(album, fields.coverAssetId);
    const orNone = <T>(value: T | null | undefined) => (value === null || value === '' ? undefined : value);
    const updated = await this.deps.albums.updateAlbum(id, {
      ...(fields.name !== undefined && { name: fields.name }),
      ...(fields.description !== undefined && { description: orNone(fields.description) }),
      ...(fields.coverAssetId !== undefined && { coverAssetId: orNone(fields.coverAssetId) }),
      updatedAt: this.deps.clock.now().toISOString(),
    });
    if (!updated) throw new Conflict('the album was deleted meanwhile');
    return updated;
  }

  /**
   * Deletes the album and its links, never an asset. Links first, so a retry after a crash
   * finishes the job; once more after the album, for an add that raced the delete.
   */
  async remove(owner: string, id: string): Promise<void> {
    const { albums, members } = this.deps;
    await this.get(owner, id);
    const unlinkAll = async () => {
      const links = await members.membersOfAlbum(id);
      await Promise.all(links.map((m) => members.removeMember(id, m.assetId)));
    };
    await unlinkAll();
    await albums.deleteAlbum(id);
    await unlinkAll();
  }

  /**
   * Adds the caller's assets of the album's library. A conditional put per asset says whether
   * it was there, so concurrent overlapping adds each report (and count) an asset once.
   */
  async addAssets(owner: string, albumId: string, assetIds: string[]): Promise<AddResult> {
    const { albums, members, assets, clock } = this.deps;
    const album = await this.get(owner, albumId);
    const ids = [...new Set(assetIds)];
    const found = new Map((await assets.getMany(ids)).map((a) => [a.id, a]));
    const now = clock.now().toISOString();
    const outcomes = await Promise.all(
      ids.map(async (id): Promise<keyof AddResult> => {
        const asset = found.get(id);
        if (!asset || asset.owner !== owner || asset.libraryId !== album.libraryId || asset.state === 'duplicate')
          return 'notFound';
        const member: AlbumMember = {
          id: stableId('album_asset', album.id, asset.id),
          albumId: album.id,
          assetId: asset.id,
          libraryId: album.libraryId,
          owner,
          ...placeOf(asset),
          createdAt: now,
          updatedAt: now,
        };
        return (await members.addMember(member)) ? 'added' : 'duplicate';
      }),
    );
    const result: AddResult = { added: [], duplicate: [], notFound: [] };
    ids.forEach((id, i) => {
      result[outcomes[i] ?? 'notFound'].push(id);
    });
    if (result.added.length === 0) return result;
    // An add racing the album's delete leaves links of nothing: take them back out.
    if (!(await albums.updateAlbum(album.id, { updatedAt: now }))) {
      await Promise.all(result.added.map((id) => members.removeMember(album.id, id)));
      throw new NotFound(NOT_FOUND);
    }
    // Likewise an asset deleted meanwhile: its delete unlinks it once more after its record goes,
    // so a link written before that is caught there and one written after is caught here.
    const still = new Set((await assets.getMany(result.added)).map((a) => a.id));
    const gone = result.added.filter((id) => !still.has(id));
    if (gone.length === 0) return result;
    await Promise.all(gone.map((id) => members.removeMember(album.id, id)));
    return {
      ...result,
      added: result.added.filter((id) => still.has(id)),
      notFound: ids.filter((id) => result.notFound.includes(id) || gone.includes(id)),
    };
  }

  /** Removes the assets from the album (absent ones are fine); a removed cover falls back to the default. */
  async removeAssets(owner: string, albumId: string, assetIds: string[]): Promise<void> {
    const { albums, members, clock } = this.deps;
    const album = await this.get(owner, albumId);
    const ids = [...new Set(assetIds)];
    const removed = await Promise.all(ids.map((id) => members.removeMember(album.id, id)));
    if (album.coverAssetId && ids.includes(album.coverAssetId)) await albums.clearCover(album.id, album.coverAssetId);
    if (removed.some(Boolean)) await albums.updateAlbum(album.id, { updatedAt: clock.now().toISOString() });
  }

  private async cursor(owner: string, id: string): Promise<Album> {
    const album = await this.deps.albums.getAlbum(id);
    if (!album || album.owner !== owner) throw new Invalid('starting_after_id: no such album');
    return album;
  }

  /** The cover must be a live asset already in the album (the SDK's rule), so of its library and owner. */
  private async coverOf(album: Album, assetId: string) {
    const [member, asset] = await Promise.all([
      this.deps.members.getMember(album.id, assetId),
      this.deps.assets.get(assetId),
    ]);
    if (!member || !asset || asset.owner !== album.owner || asset.libraryId !== album.libraryId)
      throw new Invalid('album_cover_asset_id: not an asset in this album');
  }
}

/** An in-memory page after the item with `startingAfterId`. */
export const pageAfter = <T extends { id: string }>(
  sorted: T[],
  query: { limit: number; startingAfterId?: string },
  what: string,
) => {
  let start = 0;
  if (query.startingAfterId) {
    const at = sorted.findIndex((x) => x.id === query.startingAfterId);
    if (at < 0) throw new Invalid(`starting_after_id: no such ${what} in these results`);
    start = at + 1;
  }
  const rest = sorted.slice(start);
  return { items: rest.slice(0, query.limit), hasMore: rest.length > query.limit };
};

/** The caller's album by id; someone else's album and no album at all look the same. */
export const ownedAlbum = async (albums: Pick<AlbumRepository, 'getAlbum'>, owner: string, id: string) => {
  const album = await albums.getAlbum(id);
  if (!album || album.owner !== owner) throw new NotFound(NOT_FOUND);
  return album;
};
