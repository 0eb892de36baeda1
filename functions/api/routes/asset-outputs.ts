import { z } from 'zod';
import { exifShape } from '#shared/domain/exif.ts';
import { idPattern } from '#shared/domain/ids.ts';
import { faceResponse, personResponse } from './face-outputs.ts';

// The response shapes of the asset routes, beside their request shapes (asset-inputs.ts). Each is
// strict: a field the schema does not name is a defect, not an extension. Two vocabularies meet
// in the AssetResponse: the upload contract's fields (../shared/upload-asset-api.txt), on every
// answer, and the current Gumnut SDK's (kind, current_version_id, asset_urls, metadata, file_data,
// trashed_at), with the SDK's meaning.

const instant = z.iso.datetime({ offset: true });
const text = z.string().nullable();
const num = z.number().nullable();
const int = z.number().int().nullable();
const assetId = z.string().regex(idPattern('asset'));

export const errorResponse = z.strictObject({ detail: z.string().min(1) });

const exifFields = {
  asset_id: assetId,
  created_at: instant,
  updated_at: instant,
  ...exifShape({ text, number: num, int, datetime: instant.nullable() }),
};

/** The contract's `exif`. */
export const exifResponse = z.strictObject(exifFields).meta({ id: 'Exif' });

/** The SDK's `metadata` (`include=metadata`): `exif`'s fields and the place and raw-size ones. */
export const metadataResponse = z
  .strictObject({
    ...exifFields,
    country_code: text,
    display_label: text,
    place_name: text,
    sublocation: text,
    timezone: text,
    raw_width: int,
    raw_height: int,
  })
  .meta({ id: 'AssetMetadata' });

/** Darkroom's renditions. Videos' stills are `*_image`, as upstream names them. */
export const IMAGE_RUNGS = ['original', 'thumbnail', 'preview'] as const;
export const VIDEO_RUNGS = ['original', 'thumbnail_image', 'preview_image'] as const;
const RUNGS = [...new Set([...IMAGE_RUNGS, ...VIDEO_RUNGS])] as [string, ...string[]];

export const assetVariant = z
  .strictObject({
    mimetype: z.string().min(1),
    url: z.url(),
    width: z.number().int().positive().nullable(),
  })
  .meta({ id: 'AssetVariant' });

/** The SDK's `file_data` (`include=file_data`): the uploaded file's provenance. */
export const fileDataResponse = z
  .strictObject({
    checksum: z.string(),
    checksum_sha1: text,
    device_asset_id: z.string(),
    device_id: z.string(),
    file_created_at: instant,
    file_modified_at: instant,
    file_size_bytes: z.number().int().nonnegative(),
  })
  .meta({ id: 'FileData' });

export const assetResponse = z
  .strictObject({
    // The upload contract, every field always.
    id: assetId,
    library_id: z.string().regex(idPattern('lib')),
    device_asset_id: z.string(),
    device_id: z.string(),
    mime_type: z.string(),
    original_file_name: z.string(),
    file_created_at: instant,
    file_modified_at: instant,
    local_datetime: instant,
    checksum: text,
    checksum_sha1: text,
    created_at: instant,
    updated_at: instant,
    state: z.enum(['pending', 'ready', 'failed', 'duplicate']),
    error: text,
    thumbhash: text,
    exif: exifResponse.nullable(),
    metrics: z.record(z.string(), z.number().nullable()),
    faces: z.array(faceResponse),
    people: z.array(personResponse),
    download_url: z.url().nullable(),
    thumbnail_url: z.url().nullable(),
    duration: num,
    width: z.number().int().nonnegative(),
    height: z.number().int().nonnegative(),
    file_size_bytes: z.number().int().nonnegative(),
    // The current SDK's, always.
    kind: z.literal('original'),
    current_version_id: z.string().regex(/^asset_version_[A-Za-z0-9]+$/),
    asset_urls: z.partialRecord(z.enum(RUNGS), assetVariant),
    description: z.null(),
    stack_id: z.null(),
    trashed_at: instant.nullable(),
    // On request (`include`), else null.
    metadata: metadataResponse.nullable(),
    file_data: fileDataResponse.nullable(),
  })
  .meta({ id: 'AssetResponse' });

export type AssetResponse = z.infer<typeof assetResponse>;

export const assetListResponse = z
  .strictObject({ data: z.array(assetResponse), has_more: z.boolean() })
  .meta({ id: 'AssetList' });

/** The SDK's AssetCountResponse: non-empty months, newest first. */
export const assetCountsResponse = z
  .strictObject({
    data: z.array(
      z.strictObject({
        count: z.number().int().min(1),
        time_bucket: z.string().regex(/^\d{4}-\d{2}-01T00:00:00Z$/),
      }),
    ),
    has_more: z.boolean(),
  })
  .meta({ id: 'AssetCounts' });

export const existResponse = z
  .strictObject({
    assets: z.array(
      z.strictObject({
        id: assetId,
        checksum: z.string(),
        checksum_sha1: text,
        device_asset_id: z.string(),
        device_id: z.string(),
      }),
    ),
  })
  .meta({ id: 'ExistResponse' });

export const deleteResponse = z.strictObject({});

/** The SDK's GeoClusterResponse: one cell's count and mean position. */
export const geoClustersResponse = z
  .strictObject({
    data: z.array(
      z.strictObject({
        count: z.number().int().min(1),
        latitude: z.number().min(-90).max(90),
        longitude: z.number().min(-180).max(180),
        representative_asset_id: assetId,
      }),
    ),
  })
  .meta({ id: 'GeoClusters' });

// The presigned and resumable upload routes.

const signedPart = z.strictObject({
  part_number: z.number().int().min(1),
  url: z.url(),
  size: z.number().int().positive(),
});

/** `POST /api/assets/uploads` (201): where to send the bytes, one form or a plan of parts. */
export const uploadTargetResponse = z
  .strictObject({
    asset_id: assetId,
    upload: z.discriminatedUnion('type', [
      z.strictObject({
        type: z.literal('post'),
        url: z.url(),
        fields: z.record(z.string(), z.string()),
        expires_at: instant,
      }),
      z.strictObject({
        type: z.literal('multipart'),
        upload_id: z.string().min(1),
        part_size: z.number().int().positive(),
        part_count: z.number().int().positive(),
        parts: z.array(signedPart),
        expires_at: instant,
      }),
    ]),
  })
  .meta({ id: 'UploadTarget' });

/** `GET /api/assets/uploads/{id}`: what S3 already holds of a resumable upload. */
export const uploadStatusResponse = z
  .strictObject({
    asset_id: assetId,
    upload_id: z.string().min(1),
    part_size: z.number().int().positive(),
    part_count: z.number().int().positive(),
    file_size_bytes: z.number().int().positive(),
    parts: z.array(z.strictObject({ part_number: z.number().int().min(1), etag: z.string(), size: z.number().int() })),
  })
  .meta({ id: 'UploadStatus' });

/** `POST /api/assets/uploads/{id}/parts`. */
export const signedPartsResponse = z.strictObject({ parts: z.array(signedPart) }).meta({ id: 'SignedParts' });
/** `DELETE /api/assets/uploads/{id}`. */
export const abortResponse = z.strictObject({});

export type UploadTarget = z.infer<typeof uploadTargetResponse>;
export type UploadStatus = z.infer<typeof uploadStatusResponse>;
