import type { AssetResponse } from '#functions/api/routes/asset-outputs.ts';
import type { FaceResponse, PersonResponse } from '#functions/api/routes/face-outputs.ts';
import { type Asset, type AssetState, NEVER_ARRIVED } from '#shared/domain/asset.ts';
import { formatInstant } from '#shared/domain/datetime.ts';
import { isMediaType } from '#shared/domain/media-types.ts';
import type { ObjectStorage } from '#shared/domain/ports.ts';
import { derivedKeys, originalKey } from '#shared/object-keys.ts';
import { assetUrls, currentVersionId, placeFields } from './asset-urls.ts';

const instant = (iso: string) => formatInstant(new Date(iso));

/** A pending upload whose target expired will never arrive: say so instead of "pending" forever. */
const stateOf = (asset: Asset, now: Date): { state: AssetState; error: string | null } =>
  asset.state === 'pending' && asset.uploadExpiresAt && Date.parse(asset.uploadExpiresAt) < now.getTime()
    ? { state: 'failed', error: NEVER_ARRIVED }
    : { state: asset.state, error: asset.error ?? null };

/** What `include` asked for; faces, people and metrics are always there. */
export type Include = ReadonlySet<'metadata' | 'file_data' | 'variants' | 'faces' | 'people' | 'metrics'>;
const LEAN: Include = new Set();

/** The asset's faces and people, already shaped (face-response.ts `assetFaces`). */
export interface AssetFaces {
  faces: FaceResponse[];
  people: PersonResponse[];
}
const NO_FACES: AssetFaces = { faces: [], people: [] };

/**
 * The AssetResponse in both vocabularies, with URLs signed for the caller: the upload contract's
 * fields always, and the current SDK's (`kind`, `current_version_id`, `asset_urls`, …), whose
 * `metadata`, `file_data` and non-thumbnail `asset_urls` rungs arrive with `include`.
 */
export const assetResponse = async (
  asset: Asset,
  storage: ObjectStorage,
  include: Include = LEAN,
  found: AssetFaces = NO_FACES,
  now = new Date(),
): Promise<AssetResponse> => {
  const { state, error } = stateOf(asset, now);
  const uploaded = state === 'ready' || state === 'failed';
  // The original is only ever served as an attachment, typed by its sniffed content, never as HTML.
  const served = asset.mimeType && isMediaType(asset.mimeType) ? asset.mimeType : 'application/octet-stream';
  const downloadUrl =
    uploaded && asset.state !== 'pending'
      ? await storage.originalUrl(originalKey(asset.owner, asset.id), served, asset.originalFileName)
      : null;
  const thumbnailUrl = state === 'ready' ? await storage.derivedUrl(derivedKeys(asset).thumbnail, 'image/webp') : null;
  const exif = asset.exif
    ? { asset_id: asset.id, created_at: instant(asset.createdAt), updated_at: instant(asset.updatedAt), ...asset.exif }
    : null;
  return {
    id: asset.id,
    library_id: asset.libraryId,
    device_asset_id: asset.deviceAssetId,
    device_id: asset.deviceId,
    // The client's claim stands only until the bytes are judged; bytes of no known type are octet-stream.
    mime_type: asset.mimeType ?? (state === 'pending' ? asset.declaredMimeType : 'application/octet-stream'),
    original_file_name: asset.originalFileName,
    file_created_at: instant(asset.fileCreatedAt),
    file_modified_at: instant(asset.fileModifiedAt),
    local_datetime: asset.localDatetime,
    checksum: asset.checksum ?? null,
    checksum_sha1: asset.checksumSha1 ?? null,
    created_at: instant(asset.createdAt),
    updated_at: instant(asset.updatedAt),
    state,
    error,
    thumbhash: asset.thumbhash ?? null,
    exif,
    // Scores once processed (no model: metrics.ts).
    metrics: asset.metrics ?? {},
    faces: found.faces,
    people: found.people,
    download_url: downloadUrl,
    thumbnail_url: thumbnailUrl,
    duration: asset.duration ?? null,
    width: asset.width ?? 0,
    height: asset.height ?? 0,
    file_size_bytes: asset.fileSizeBytes,
    // Darkroom keeps one rendering, the upload itself; its version id is the asset's own.
    kind: 'original',
    current_version_id: currentVersionId(asset.id),
    asset_urls: await assetUrls(asset, state, storage, include.has('variants'), {
      original: downloadUrl ? { url: downloadUrl, mimetype: served } : null,
      thumbnail: thumbnailUrl,
    }),
    // Neither AI captions nor stacks exist: null is their documented "none".
    description: null,
    stack_id: null,
    trashed_at: asset.trashedAt ? instant(asset.trashedAt) : null,
    metadata: include.has('metadata') && exif ? { ...exif, ...placeFields(asset, exif) } : null,
    // Every field real or nothing: before processing there is no checksum, so no file_data.
    file_data:
      include.has('file_data') && asset.checksum
        ? {
            checksum: asset.checksum,
            checksum_sha1: asset.checksumSha1 ?? null,
            device_asset_id: asset.deviceAssetId,
            device_id: asset.deviceId,
            file_created_at: instant(asset.fileCreatedAt),
            file_modified_at: instant(asset.fileModifiedAt),
            file_size_bytes: asset.fileSizeBytes,
          }
        : null,
  };
};
