import { randomUUID } from 'node:crypto';
import { originalKey } from '../object-keys.ts';
import { type Asset, PIPELINE_VERSION } from './asset.ts';
import type { ObjectCreated } from './object-event.ts';

export interface ReprocessFilter {
  libraryId?: string;
  /** Only assets created at or after this instant. */
  since?: string;
  /** `outdated`: made by an older pipeline; `all`: every processed asset, even if unchanged. */
  mode: 'outdated' | 'all';
}

/** Processed assets whose original is still there; duplicates gave theirs up, pending ones never had one. */
export const selectForReprocessing = (asset: Asset, filter: ReprocessFilter): boolean =>
  (asset.state === 'ready' || asset.state === 'failed') &&
  (!filter.libraryId || asset.libraryId === filter.libraryId) &&
  (!filter.since || Date.parse(asset.createdAt) >= Date.parse(filter.since)) &&
  (filter.mode === 'all' || (asset.pipelineVersion ?? 0) < PIPELINE_VERSION);

/**
 * The S3 "Object Created" event EventBridge would deliver for the asset's original, so reprocessing
 * takes exactly the path of an upload. `force` makes the processor redo assets it would skip.
 */
export const objectCreatedEvent = (asset: Asset, bucket: string, force: boolean, now = new Date()) =>
  objectCreatedMessage(
    {
      bucket,
      key: originalKey(asset.owner, asset.id),
      size: asset.fileSizeBytes,
      etag: asset.etag ?? '',
      sequencer: asset.sequencer ?? '',
    },
    force,
    now,
  );

/** The same event for any object, e.g. one the sweep found by HEAD. */
export const objectCreatedMessage = (
  object: Pick<ObjectCreated, 'bucket' | 'key' | 'size' | 'etag' | 'sequencer'>,
  force: boolean,
  now = new Date(),
) => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'Object Created',
  source: 'aws.s3',
  account: '000000000000',
  time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  region: 'us-east-1',
  resources: [`arn:aws:s3:::${object.bucket}`],
  detail: {
    version: '0',
    bucket: { name: object.bucket },
    object: { key: object.key, size: object.size, etag: object.etag, sequencer: object.sequencer },
    reason: 'PutObject',
  },
  ...(force && { 'darkroom-reprocess': true }),
});
