import { type Asset, NEVER_ARRIVED } from './asset.ts';
import { ownedAsset } from './asset-queries.ts';
import { isPosition } from './exif.ts';
import type { TaskRepository } from './face-ports.ts';
import { stableId } from './ids.ts';
import { isVideoType } from './media-types.ts';
import type { AssetRepository } from './ports.ts';
import type { Task, TaskType } from './tasks.ts';

/** A stage as the SDK's TaskResponse tells it: the stored face stages and the processor's, derived. */
export interface AssetTask extends Task {
  id: string;
}

/**
 * An asset's stages, newest first. The face stage keeps records of its own; the processor's
 * stages run in one step whose outcome is the asset's state, so theirs are told from the asset.
 */
export const assetTasks = async (
  deps: { assets: AssetRepository; tasks: TaskRepository },
  owner: string,
  assetId: string,
): Promise<AssetTask[]> => {
  let asset = await ownedAsset(deps.assets, owner, assetId);
  if (asset.state === 'duplicate' && asset.duplicateOf) asset = await ownedAsset(deps.assets, owner, asset.duplicateOf);
  const stored = (await deps.tasks.ofAsset(asset.id)).map((t) => ({ ...t, id: stableId('btask', asset.id, t.type) }));
  return [...stored, ...awaitedFaceStages(asset, stored), ...processorStages(asset, new Date())].sort((a, b) =>
    b.createdAt.localeCompare(a.createdAt),
  );
};

/** The first pipeline version whose processor queued every ready asset for the face stage. */
const FACE_STAGE_PIPELINE = 4;

/**
 * The face stages not yet begun: the processor queues every asset it makes ready, so until the
 * stage writes its own record they are pending (a failed asset is never looked at).
 */
const awaitedFaceStages = (asset: Asset, stored: AssetTask[]): AssetTask[] =>
  // Records processed before the face stage existed were never queued for it (reprocess --faces queues them).
  asset.state === 'failed' || (asset.state !== 'pending' && (asset.pipelineVersion ?? 0) < FACE_STAGE_PIPELINE)
    ? []
    : (['face_detection', 'face_clustering'] as const)
        .filter((type) => !stored.some((t) => t.type === type))
        .map((type) => ({
          id: stableId('btask', asset.id, type),
          assetId: asset.id,
          libraryId: asset.libraryId,
          owner: asset.owner,
          type,
          status: 'pending',
          createdAt: asset.updatedAt,
          retryCount: 0,
          deliveryId: stableId('btask', asset.id, type),
        }));

const processorStages = (asset: Asset, now: Date): AssetTask[] => {
  const video = isVideoType(asset.mimeType ?? '');
  const placed =
    asset.exif?.latitude != null &&
    asset.exif.longitude != null &&
    isPosition(asset.exif.latitude, asset.exif.longitude);
  const types: TaskType[] = [
    'thumbhash',
    ...(placed ? (['reverse_geocoding'] as const) : []),
    'image_quality',
    ...(video ? (['video_thumbnail_extract', 'video_metadata_extract'] as const) : []),
  ];
  // An upload whose target expired never arrives: failed, as the AssetResponse says it.
  const expired =
    asset.state === 'pending' && !!asset.uploadExpiresAt && Date.parse(asset.uploadExpiresAt) < now.getTime();
  const failed = asset.state === 'failed' || expired;
  const done = asset.state === 'ready' || failed;
  return types.map((type) => ({
    id: stableId('btask', asset.id, type),
    assetId: asset.id,
    libraryId: asset.libraryId,
    owner: asset.owner,
    type,
    status: failed ? 'failure' : done ? 'success' : 'pending',
    createdAt: asset.createdAt,
    ...(done && { startedAt: asset.createdAt, completedAt: asset.updatedAt }),
    ...(failed && { error: asset.error ?? (expired ? NEVER_ARRIVED : 'processing failed') }),
    retryCount: 0,
    deliveryId: stableId('btask', asset.id, type),
  }));
};
