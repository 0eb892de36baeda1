import type { Accounts } from './accounts.ts';
import type { AlbumMembers, AlbumRepository } from './album-ports.ts';
import { ownedAlbum, pageAfter } from './album-queries.ts';
import { type AlbumMember, albumPosition } from './albums.ts';
import { ownedAsset } from './asset-queries.ts';
import { Invalid, NotFound } from './errors.ts';
import type { AssetRepository } from './ports.ts';

export interface LinkListQuery {
  libraryId?: string;
  albumId?: string;
  assetId?: string;
  ids?: string[];
  limit: number;
  startingAfterId?: string;
}

export interface AlbumLinkQueriesDeps {
  accounts: Accounts;
  assets: AssetRepository;
  albums: Pick<AlbumRepository, 'getAlbum'>;
  members: AlbumMembers;
}

/** The SDK's album-asset link records, always within the caller's own libraries. */
export class AlbumLinkQueries {
  constructor(private readonly deps: AlbumLinkQueriesDeps) {}

  /** One link record of the caller's. */
  async getLink(owner: string, linkId: string, libraryId?: string): Promise<AlbumMember> {
    for (const library of await this.libraryIds(owner, libraryId)) {
      const link = await this.deps.members.getLink(linkId, library);
      if (link && link.owner === owner) return link;
    }
    throw new NotFound('album asset not found');
  }

  /**
   * Link records: of named links, of an asset or of an album (its timeline order), else of the
   * library (link-id order).
   */
  async listLinks(owner: string, query: LinkListQuery): Promise<{ links: AlbumMember[]; hasMore: boolean }> {
    const { members } = this.deps;
    const album = query.albumId ? await ownedAlbum(this.deps.albums, owner, query.albumId) : undefined;
    const asset = query.assetId ? await ownedAsset(this.deps.assets, owner, query.assetId) : undefined;
    if (query.libraryId) await this.deps.accounts.getLibrary(owner, query.libraryId);
    if (!query.ids && !asset) {
      if (album) {
        const cursor = query.startingAfterId ? await this.linkCursor(owner, query.startingAfterId) : undefined;
        if (cursor && cursor.albumId !== album.id) throw new Invalid('starting_after_id: not a link of this album');
        const page = await members.timeline({
          albumId: album.id,
          order: 'asc',
          limit: query.limit,
          ...(cursor && { startAfter: albumPosition(cursor) }),
        });
        return { links: page.items, hasMore: page.hasMore };
      }
      const libraryId = await this.deps.accounts.resolveLibrary(owner, query.libraryId);
      const page = await members.linksOfLibrary(libraryId, query.limit, query.startingAfterId);
      return { links: page.items, hasMore: page.hasMore };
    }
    const candidates = query.ids
      ? await Promise.all(query.ids.map((id) => this.getLink(owner, id, query.libraryId).catch(() => undefined)))
      : await members.albumsOfAsset(asset?.id ?? '');
    const sorted = candidates
      .filter(
        (l): l is AlbumMember =>
          l !== undefined &&
          l.owner === owner &&
          (!album || l.albumId === album.id) &&
          (!asset || l.assetId === asset.id) &&
          (!query.libraryId || l.libraryId === query.libraryId),
      )
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    const page = pageAfter(sorted, query, 'album asset');
    return { links: page.items, hasMore: page.hasMore };
  }

  private async linkCursor(owner: string, id: string): Promise<AlbumMember> {
    return this.getLink(owner, id).catch(() => {
      throw new Invalid('starting_after_id: no such album asset');
    });
  }

  private async libraryIds(owner: string, libraryId?: string): Promise<string[]> {
    if (libraryId) return [(await this.deps.accounts.getLibrary(owner, libraryId)).id];
    return (await this.deps.accounts.listLibraries(owner)).map((l) => l.id);
  }
}
