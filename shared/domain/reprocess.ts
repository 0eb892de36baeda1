import { originalKey } from '#shared/object-keys.ts';
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
 * The original as the processor would hear of it from S3, so reprocessing takes exactly the path
 * of an upload. `force` makes the processor redo assets it would skip.
 */
export const reprocessObject = (asset: Asset, bucket: string, force: boolean): ObjectCreated => ({
  bucket,
  key: originalKey(asset.owner, asset.id),
  size: asset.fileSizeBytes,
  etag: asset.etag ?? '',
  sequencer: asset.sequencer ?? '',
  ...(force && { force: true }),
});

export interface ReprocessTally {
  /** Rewritten since they were enqueued: ready, or failed (with the reason in the record). */
  ready: number;
  failed: number;
  /** Deleted meanwhile. */
  gone: number;
  waiting: number;
}

/** How far the enqueued assets have come: each counts once its record was rewritten after `before`. */
export const tallyReprocessing = (before: Asset[], now: Map<string, Asset>): ReprocessTally => {
  const tally: ReprocessTally = { ready: 0, failed: 0, gone: 0, waiting: 0 };
  for (const asset of before) {
    const current = now.get(asset.id);
    if (!current) tally.gone++;
    else if (current.updatedAt === asset.updatedAt) tally.waiting++;
    else if (current.state === 'failed') tally.failed++;
    else tally.ready++;
  }
  return tally;
};
