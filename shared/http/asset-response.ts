import { type Asset, type AssetState, NEVER_ARRIVED } from '#shared/domain/asset.ts';
import { formatInstant } from '#shared/domain/datetime.ts';
import { isMediaType } from '#shared/domain/media-types.ts';
import type { ObjectStorage } from '#shared/domain/ports.ts';
import { derivedKeys, originalKey } from '#shared/object-keys.ts';

const instant = (iso: string) => formatInstant(new Date(iso));

/** A pending upload whose target expired will never arrive: say so instead of "pending" forever. */
const stateOf = (asset: Asset, now: Date): { state: AssetState; error: string | null } =>
  asset.state === 'pending' && asset.uploadExpiresAt && Date.parse(asset.uploadExpiresAt) < now.getTime()
    ? { state: 'failed', error: NEVER_ARRIVED }
    : { state: asset.state, error: asset.error ?? null };

/** The contract's AssetResponse, with URLs signed for the caller. */
export const assetResponse = async (asset: Asset, storage: ObjectStorage, now = new Date()) => {
  const { state, error } = stateOf(asset, now);
  const uploaded = state === 'ready' || state === 'failed';
  // The original is only ever served as an attachment, typed by its sniffed content, never as HTML.
  const served = asset.mimeType && isMediaType(asset.mimeType) ? asset.mimeType : 'application/octet-stream';
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
    exif: asset.exif
      ? {
          asset_id: asset.id,
          created_at: instant(asset.createdAt),
          updated_at: instant(asset.updatedAt),
          ...asset.exif,
        }
      : null,
    // No face or quality models run yet: empty, not invented.
    metrics: {},
    faces: [],
    people: [],
    download_url:
      uploaded && asset.state !== 'pending'
        ? await storage.originalUrl(originalKey(asset.owner, asset.id), served, asset.originalFileName)
        : null,
    thumbnail_url: state === 'ready' ? await storage.derivedUrl(derivedKeys(asset).thumbnail, 'image/webp') : null,
    duration: asset.duration ?? null,
    width: asset.width ?? 0,
    height: asset.height ?? 0,
    file_size_bytes: asset.fileSizeBytes,
  };
};
