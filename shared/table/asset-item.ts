import { z } from 'zod';
import type { Asset } from '#shared/domain/asset.ts';
import { isListed } from '#shared/domain/asset.ts';
import { sortableInstant } from '#shared/domain/datetime.ts';
import { mediaClassOf } from '#shared/domain/media-types.ts';
import { assetItem, pendingUploadKeys, timelineKeys } from './keys.ts';

const text = z.string().nullable();
const num = z.number().nullable();

const exifSchema = z.object({
  make: text,
  model: text,
  orientation: num,
  modified_datetime: text,
  original_datetime: text,
  digitized_datetime: text,
  lens_model: text,
  f_number: num,
  focal_length: num,
  iso: num,
  exposure_time: num,
  exposure_bias: num,
  latitude: num,
  longitude: num,
  altitude: num,
  city: text,
  state: text,
  country: text,
  description: text,
  fps: num,
  live_photo_cid: text,
  projection_type: text,
  profile_description: text,
  auto_stack_id: text,
  rating: num,
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
  createdAt: z.string(),
  updatedAt: z.string(),
  uploadExpiresAt: z.string().optional(),
  inlineUntil: z.string().optional(),
  multipart: z.object({ uploadId: z.string(), partSize: z.number(), partCount: z.number() }).optional(),
  pipelineVersion: z.number().optional(),
  etag: z.string().optional(),
  sequencer: z.string().optional(),
});

/** Sequencers compare as right-zero-padded text; stored padded so a condition can compare them. */
export const sequencerKey = (sequencer: string): string => sequencer.toUpperCase().padEnd(40, '0');

export const toItem = (asset: Asset): Record<string, unknown> => ({
  ...assetItem(asset.id),
  ...asset,
  ...(asset.sequencer && { sequencerKey: sequencerKey(asset.sequencer) }),
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
});

export const fromItem = (item: Record<string, unknown>): Asset => assetSchema.parse(item);
