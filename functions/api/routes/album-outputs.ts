import { z } from 'zod';
import { idPattern } from '#shared/domain/ids.ts';

// The response shapes of the album routes: the SDK's AlbumResponse, AlbumAssetResponse and
// AssetsAssociationAddResponse.

const instant = z.iso.datetime({ offset: true });
const albumId = z.string().regex(idPattern('album'));
const assetId = z.string().regex(idPattern('asset'));

export const albumResponse = z
  .strictObject({
    id: albumId,
    name: z.string(),
    description: z.string().nullable(),
    asset_count: z.number().int().nonnegative(),
    album_cover_asset_id: assetId.nullable(),
    asset_urls: z.strictObject({
      thumbnail: z
        .strictObject({
          mimetype: z.literal('image/webp'),
          url: z.url(),
          width: z.number().int().positive().nullable(),
        })
        .optional(),
    }),
    start_date: instant.nullable(),
    end_date: instant.nullable(),
    created_at: instant,
    updated_at: instant,
  })
  .meta({ id: 'AlbumResponse' });

export const albumListResponse = z
  .strictObject({ data: z.array(albumResponse), has_more: z.boolean() })
  .meta({ id: 'AlbumList' });

export const albumAssetResponse = z
  .strictObject({
    id: z.string().regex(idPattern('album_asset')),
    album_id: albumId,
    asset_id: assetId,
    created_at: instant,
    updated_at: instant,
  })
  .meta({ id: 'AlbumAssetResponse' });

export const albumAssetListResponse = z
  .strictObject({ data: z.array(albumAssetResponse), has_more: z.boolean() })
  .meta({ id: 'AlbumAssetList' });

export const addAssetsResponse = z
  .strictObject({
    added_assets: z.array(assetId),
    duplicate_assets: z.array(assetId),
    not_found_assets: z.array(assetId),
  })
  .meta({ id: 'AlbumAssetsAdded' });

export type AlbumResponse = z.infer<typeof albumResponse>;
export type AlbumAssetResponse = z.infer<typeof albumAssetResponse>;
