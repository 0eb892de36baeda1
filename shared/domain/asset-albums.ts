import type { AlbumRepository } from './album-ports.ts';
import type { Asset } from './asset.ts';

/** What of an asset's albums goes with it: its links, and any cover it was. */
export class AssetAlbums {
  constructor(private readonly albums: AlbumRepository) {}

  /** Takes a deleted (or being deleted) asset out of every album. Safe to repeat. */
  async forget(asset: Pick<Asset, 'id'>): Promise<void> {
    const links = await this.albums.albumsOfAsset(asset.id);
    await Promise.all(
      links.map(async (link) => {
        await this.albums.removeMember(link.albumId, asset.id);
        await this.albums.clearCover(link.albumId, asset.id);
      }),
    );
  }
}
