import { z } from 'zod';
import { MAX_ALBUM_BATCH } from '#shared/domain/albums.ts';
import { idPattern } from '#shared/domain/ids.ts';
import { listParam } from '#shared/http/query.ts';

// The request shapes of the album and album-asset routes. Unknown fields are refused, never ignored.

const albumId = z.string().regex(idPattern('album'), 'must be an album id (album_…)');
const linkId = z.string().regex(idPattern('album_asset'), 'must be an album asset id (album_asset_…)');
const assetId = z.string().regex(idPattern('asset'), 'must be an asset id (asset_…)');
const libraryId = z.string().regex(idPattern('lib'), 'must be a library id (lib_…)');
const limit = z.coerce.number().int().min(1).max(200).default(20);
const name = z.string().trim().max(255);
const description = z.string().max(10_000);

export const albumIdParam = z.strictObject({ id: albumId });
export const linkIdParam = z.strictObject({ id: linkId });

export const createAlbumRequest = z.strictObject({
  name: name.nullable().optional(),
  description: description.nullable().optional(),
  library_id: libraryId.nullable().optional(),
});

/** Absent leaves a field, null clears it; a name cannot be cleared (the SDK's name is a string). */
export const updateAlbumRequest = z.strictObject({
  name: name.nullable().optional(),
  description: description.nullable().optional(),
  album_cover_asset_id: assetId.nullable().optional(),
});

export const albumAssetsRequest = z.strictObject({
  asset_ids: z.array(assetId).min(1).max(MAX_ALBUM_BATCH),
});

export const listAlbumsQuery = z.strictObject({
  library_id: libraryId.optional(),
  asset_id: assetId.optional(),
  ids: listParam(albumId, 200).optional(),
  limit,
  starting_after_id: albumId.optional(),
});

export const listLinksQuery = z.strictObject({
  library_id: libraryId.optional(),
  album_id: albumId.optional(),
  asset_id: assetId.optional(),
  ids: listParam(linkId, 200).optional(),
  limit,
  starting_after_id: linkId.optional(),
});

export const linkQuery = z.strictObject({ library_id: libraryId.optional() });
