import { z } from 'zod';
import type { Asset } from '#shared/domain/asset.ts';
import { isListed } from '#shared/domain/asset.ts';
import { sortableInstant } from '#shared/domain/datetime.ts';
import { exifShape } from '#shared/domain/exif.ts';
import { encodeGeohash } from '#shared/domain/geohash.ts';
import { mediaClassOf } from '#shared/domain/media-types.ts';
import { METRIC_NAMES, type Metrics } from '#shared/domain/metrics.ts';
import { assetItem, geoKeys, pendingUploadKeys, timelineKeys, trashKeys } from './keys.ts';
import { GEO_ATTRIBUTES } from './schema.ts';

const text = z.string().nullable();
const num = z.number().nullable();

const metricsSchema = z.object(
  Object.fromEntries(METRIC_NAMES.map((name) => [name, z.number()])) as Record<keyof Metrics, z.ZodNumber>,
);

// Dates are stored as the text they were read as.
const exifSchema = z.object(exifShape({ text, datetime: text, number: num, int: num }));
const wallClockSchema = z.object({
  local: z.string(),
  offset: z.string().optional(),
  universal: z.literal(true).optional(),
});

const assetSchema = z.object({
  id: z.string(),
  owner: z.string(),
  libraryId: z.string(),
  state: z.enum(['pending', 'ready', 'failed', 'duplicate']),
  error: z.string().optional(),
  duplicateOf: z.string().optional(),
  deviceAssetId: z.string(),
  deviceId: z.string(),
  originalFileName: z.string(),
  declaredMimeType: z.string(),
  mimeType: z.string().optional(),
  declaredChecksum: z.string().optional(),
  fileCreatedAt: z.string(),
  fileModifiedAt: z.string(),
  localDatetime: z.string(),
  checksum: z.string().optional(),
  checksumSha1: z.string().optional(),
  fileSizeBytes: z.number(),
  width: z.number().optional(),
  height: z.number().optional(),
  exif: exifSchema.optional(),
  duration: z.number().optional(),
  thumbhash: z.string().optional(),
  countryCode: z.string().optional(),
  timezone: z.string().optional(),
  metrics: metricsSchema.optional(),
  fileReading: z.object({ exif: exifSchema, captured: wallClockSchema.optional() }).optional(),
  overrides: z
    .object({
      description: z.string().optional(),
      position: z.object({ latitude: z.number(), longitude: z.number() }).optional(),
      originalDatetime: wallClockSchema.optional(),
    })
    .optional(),
  editVersion: z.number().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  uploadExpiresAt: z.string().optional(),
  inlineUntil: z.string().optional(),
  multipart: z.object({ uploadId: z.string(), partSize: z.number(), partCount: z.number() }).optional(),
  pipelineVersion: z.number().optional(),
  etag: z.string().optional(),
  sequencer: z.string().optional(),
  trashedAt: z.string().optional(),
});

/** Sequencers compare as right-zero-padded text; stored padded so a condition can compare them. */
export const sequencerKey = (sequencer: string): string => sequencer.toUpperCase().padEnd(40, '0');

/**
 * The geo index entry: only a ready asset with a position has one (the index is sparse), and it
 * goes with the position or the state, since every write is a whole-item put.
 */
export const geoEntry = (asset: Asset): Record<string, unknown> | undefined => {
  const latitude = asset.exif?.latitude;
  const longitude = asset.exif?.longitude;
  if (asset.state !== 'ready' || typeof latitude !== 'number' || typeof longitude !== 'number') return undefined;
  return {
    ...geoKeys(asset.libraryId, encodeGeohash(latitude, longitude), sortableInstant(asset.localDatetime), asset.id),
    [GEO_ATTRIBUTES.latitude]: latitude,
    [GEO_ATTRIBUTES.longitude]: longitude,
  };
};

export const toItem = (asset: Asset): Record<string, unknown> => ({
  ...assetItem(asset.id),
  ...asset,
  ...(asset.sequencer && { sequencerKey: sequencerKey(asset.sequencer) }),
  ...(asset.trashedAt === undefined ? listedKeys(asset) : trashKeys(asset.libraryId, asset.trashedAt, asset.id)),
});

/** Where a live (untrashed) asset is indexed: its timelines, the pending index, the geo index. */
const listedKeys = (asset: Asset): Record<string, unknown> => ({
  // Only processed assets take a place on the timelines.
  ...(isListed(asset) &&
    timelineKeys(
      asset.libraryId,
      asset.owner,
      sortableInstant(asset.localDatetime),
      asset.id,
      mediaClassOf(asset.mimeType),
    )),
  // Every write is a whole-item put, so an asset that leaves pending drops out of the sparse index.
  ...(asset.state === 'pending' && pendingUploadKeys(asset.createdAt, asset.id)),
  ...geoEntry(asset),
});

export const fromItem = (item: Record<string, unknown>): Asset => assetSchema.parse(item);
