import { z } from 'zod';
import { formatInstant } from '#shared/domain/datetime.ts';
import { MIN_CELL_SIZE } from '#shared/domain/geo-clusters.ts';
import { idPattern } from '#shared/domain/ids.ts';
import { listParam } from '#shared/http/query.ts';

// The request shapes of the asset routes. Unknown fields are refused, never ignored.

const ZONED = /(Z|[+-]\d{2}(:?\d{2})?)$/i;
const deviceString = z.string().trim().min(1).max(512);
/**
 * ISO 8601 with a time; stored normalised to UTC. A value without a zone (what Python sends for a
 * naive `datetime`) is the device's wall clock read as UTC, upstream's rule for naive datetimes.
 */
const instant = z.iso
  .datetime({ offset: true, local: true })
  .transform((value) => formatInstant(new Date(ZONED.test(value) ? value : `${value}Z`)))
  .meta({
    description: 'ISO 8601 date and time; one without a zone is read as UTC.',
    override: { format: 'date-time', pattern: undefined },
  });
const assetId = z.string().regex(idPattern('asset'), 'must be an asset id (asset_…)');
const libraryId = z.string().regex(idPattern('lib'), 'must be a library id (lib_…)');
const sha256 = z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'must be a base64 SHA-256 (44 characters)');
const sha1 = z.string().regex(/^[A-Za-z0-9+/]{27}=$/, 'must be a base64 SHA-1 (28 characters)');
const EXIST_MAX = 5000;

const device = {
  device_asset_id: deviceString,
  device_id: deviceString,
  file_created_at: instant,
  file_modified_at: instant,
  library_id: libraryId.optional(),
};

export const directUploadFields = z.strictObject(device);

export const uploadRequest = z.strictObject({
  ...device,
  file_name: z.string().min(1).max(1024),
  mime_type: z.string().min(1).max(255),
  file_size_bytes: z.number().int().min(1, 'must be at least 1 byte'),
  checksum: sha256.optional(),
});

/** What `include` can ask for (upstream's tokens); faces, people and metrics are always present. */
export const INCLUDE_TOKENS = ['metadata', 'file_data', 'variants', 'faces', 'people', 'metrics'] as const;
const include = listParam(z.enum(INCLUDE_TOKENS), INCLUDE_TOKENS.length * 4).optional();

export const getQuery = z.strictObject({ include });

/** Upstream's list filters that Darkroom does not offer, with why (a 422 naming them, never ignored). */
export const UNSUPPORTED_LIST_PARAMS: Record<string, string> = {
  stack_id: 'no stacks',
};

/** Upstream's clustering filters that Darkroom does not offer. */
export const UNSUPPORTED_CLUSTER_PARAMS: Record<string, string> = {
  album_id: 'not offered for clustering',
  album_filter: 'not offered for clustering',
  person_ids: 'no face recognition',
};

/** Upstream's trash state: live (default), trashed, or both. */
export const listState = z.enum(['live', 'trashed', 'all']).default('live');
/** The location texts are parsed by the domain (geo-area.ts), which knows the antimeridian and the limits. */
const geoText = z.string().max(200);

const personId = z.string().regex(idPattern('person'), 'must be a person id (person_…)');
const personIds = listParam(personId, 200);
const albumId = z.string().regex(idPattern('album'), 'must be an album id (album_…)');
const albumFilter = z.enum(['all', 'in_album', 'not_in_album']).default('all');
const limit = z.coerce.number().int().min(1).max(200).default(20);

export const listQuery = z.strictObject({
  limit,
  starting_after_id: assetId.optional(),
  library_id: libraryId.optional(),
  local_datetime_after: instant.optional(),
  local_datetime_before: instant.optional(),
  order: z.enum(['asc', 'desc']).default('desc'),
  ids: listParam(assetId, 200).optional(),
  person_ids: personIds.optional(),
  album_id: albumId.optional(),
  album_filter: albumFilter,
  media_type: z.enum(['image', 'video']).optional(),
  state: listState,
  include,
  bbox: geoText.optional(),
  center: geoText.optional(),
  radius: z.coerce.number().optional(),
});

export const geoClustersQuery = z.strictObject({
  bbox: geoText,
  cell_size: z.coerce.number().min(MIN_CELL_SIZE, `must be at least ${MIN_CELL_SIZE} degrees`),
  library_id: libraryId.optional(),
  local_datetime_after: instant.optional(),
  local_datetime_before: instant.optional(),
  // The geo index holds live assets only (a trashed one leaves it).
  state: listState.refine((s) => s === 'live', 'clusters cover live assets only'),
});

/** The SDK's `counts`: the list's filters (parsed alike), month buckets, and `person_id`, a deprecated alias. */
export const countsQuery = z
  .strictObject({
    group_by: z.literal('month', 'only month is supported').default('month'),
    limit,
    library_id: libraryId.optional(),
    local_datetime_after: instant.optional(),
    local_datetime_before: instant.optional(),
    person_id: personId.optional(),
    person_ids: personIds.optional(),
    album_id: albumId.optional(),
    album_filter: albumFilter,
    state: listState,
  })
  .refine((q) => !(q.person_id && q.person_ids), {
    path: ['person_id'],
    message: 'give person_id or person_ids, not both',
  });

/** `exist` takes its library from the query, as the SDK sends it (the body's is still read). */
export const existQuery = z.strictObject({ library_id: libraryId.optional() });

export const existRequest = z
  .strictObject({
    checksums: z.array(sha256).min(1).max(EXIST_MAX).optional(),
    checksum_sha1s: z.array(sha1).min(1).max(EXIST_MAX).optional(),
    deviceId: deviceString.optional(),
    deviceAssetIds: z.array(deviceString).min(1).max(EXIST_MAX).optional(),
    library_id: libraryId.optional(),
  })
  .refine(
    (body) =>
      [body.checksums, body.checksum_sha1s, body.deviceId ?? body.deviceAssetIds].filter((m) => m !== undefined)
        .length === 1 && (body.deviceId === undefined) === (body.deviceAssetIds === undefined),
    { message: 'give exactly one of checksums, checksum_sha1s, or deviceId with deviceAssetIds' },
  );

export const assetIdParam = z.strictObject({ id: assetId });

export const signPartsRequest = z.strictObject({
  part_numbers: z.array(z.number().int().min(1).max(10_000)).min(1).max(100),
});

export const completeRequest = z.strictObject({
  parts: z
    .array(z.strictObject({ part_number: z.number().int().min(1).max(10_000), etag: z.string().min(1).max(128) }))
    .min(1)
    .max(10_000),
});
