import type { AlbumMembers, AlbumRepository } from './album-ports.ts';
import type { MemberPlace } from './albums.ts';
import type { Asset } from './asset.ts';

/** What of an asset's albums goes with it: its links, and any cover it was. */
export class AssetAlbums {
  constructor(
    private readonly albums: Pick<AlbumRepository, 'clearCover'>,
    private readonly members: Pick<AlbumMembers, 'albumsOfAsset' | 'moveMember' | 'removeMember'>,
  ) {}

  /**
   * Brings the asset's links in line with its record: a capture time learnt from its bytes (or
   * edited) moves it in each album's timeline; an upload found to duplicate another leaves them.
   */
  async follow(asset: Pick<Asset, 'id' | 'state' | 'localDatetime' | 'trashedAt'>): Promise<void> {
    if (asset.state === 'duplicate') return this.forget(asset);
    const links = await this.members.albumsOfAsset(asset.id);
    const place = placeOf(asset);
    await Promise.all(
      links
        .filter((link) => link.localDatetime !== place.localDatetime || link.trashed !== place.trashed)
        .map((link) => this.members.moveMember(link, place)),
    );
  }

  /** Takes a deleted (or being deleted) asset out of every album. Safe to repeat. */
  async forget(asset: Pick<Asset, 'id'>): Promise<void> {
    const links = await this.members.albumsOfAsset(asset.id);
    await Promise.all(
      links.map(async (link) => {
        await this.members.removeMember(link.albumId, asset.id);
        await this.albums.clearCover(link.albumId, asset.id);
      }),
    );
  }
}

/** Where an asset's links belong: at its capture time, and out of the album while it is trashed. */
export const placeOf = (asset: Pick<Asset, 'localDatetime' | 'trashedAt'>): MemberPlace => ({
  localDatetime: asset.localDatetime,
  ...(asset.trashedAt !== undefined && { trashed: true as const }),
});
