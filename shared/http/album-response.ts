import type { AlbumAssetResponse, AlbumResponse } from '#functions/api/routes/album-outputs.ts';
import type { AlbumLinkQueries } from '#shared/domain/album-link-queries.ts';
import type { AlbumQueries } from '#shared/domain/album-queries.ts';
import type { Album, AlbumMember } from '#shared/domain/albums.ts';
import type { AssetRepository, ObjectStorage } from '#shared/domain/ports.ts';
import { renditionWidths } from '#shared/domain/renditions.ts';
import { derivedKeys } from '#shared/object-keys.ts';

export interface AlbumResponseDeps {
  albumQueries: AlbumQueries;
  albumLinkQueries: AlbumLinkQueries;
  assets: AssetRepository;
  storage: ObjectStorage;
}

/** An album as the SDK's AlbumResponse: its count, dates and cover read from its links. */
export const albumResponse = async (album: Album, deps: AlbumResponseDeps): Promise<AlbumResponse> => {
  const summary = await deps.albumQueries.summary(album);
  const cover = summary.coverAssetId ? await deps.assets.get(summary.coverAssetId) : undefined;
  // The cover's thumbnail only once it has one: a rung that does not exist is absent.
  const url =
    cover?.state === 'ready' ? await deps.storage.derivedUrl(derivedKeys(cover).thumbnail, 'image/webp') : undefined;
  const width = cover?.width && cover.height ? renditionWidths(cover.width, cover.height).thumbnail : null;
  return {
    id: album.id,
    name: album.name,
    description: album.description ?? null,
    asset_count: summary.assetCount,
    album_cover_asset_id: summary.coverAssetId ?? null,
    asset_urls: url ? { thumbnail: { mimetype: 'image/webp', url, width } } : {},
    start_date: summary.startDate ?? null,
    end_date: summary.endDate ?? null,
    created_at: album.createdAt,
    updated_at: album.updatedAt,
  };
};

export const albumAssetResponse = (link: AlbumMember): AlbumAssetResponse => ({
  id: link.id,
  album_id: link.albumId,
  asset_id: link.assetId,
  created_at: link.createdAt,
  updated_at: link.updatedAt,
});
