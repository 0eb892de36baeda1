import { derivedKeys, faceCropKey } from '#shared/object-keys.ts';
import type { Asset } from './asset.ts';
import { AssetFaces } from './asset-faces.ts';
import { MediaRejected } from './errors.ts';
import type { FaceDetector, FaceRepository, TaskRepository } from './face-ports.ts';
import type { Face } from './faces.ts';
import { stableId } from './ids.ts';
import { isVideoType } from './media-types.ts';
import type { PeopleClustering } from './people-clustering.ts';
import type { AssetRepository, Clock, ObjectStorage } from './ports.ts';
import { posterSeconds } from './renditions.ts';
import type { Task, TaskType } from './tasks.ts';

/** Bumped when detection would find different faces; `reprocess --faces` picks older assets. */
export const FACE_STAGE_VERSION = 1;

export interface FaceStageDeps {
  assets: AssetRepository;
  faces: FaceRepository;
  tasks: TaskRepository;
  storage: ObjectStorage;
  detector: FaceDetector;
  people: PeopleClustering;
  clock: Clock;
}

export interface Delivery {
  id: string;
  /** 1 on the first receive. */
  attempt: number;
}

export type FaceOutcome = 'detected' | 'unchanged' | 'failed' | 'gone' | 'not-ready';

/** Thrown while another run clusters the library: the message comes back later and tries again. */
export class ClusteringBusy extends Error {
  constructor(libraryId: string) {
    super(`another run is clustering library ${libraryId}; retrying later`);
    this.name = 'ClusteringBusy';
  }
}

/**
 * The face stage, after the processor made an asset ready: detect faces in its preview, store
 * them with their crops, then place them among the library's people. Safe to repeat: faces have
 * ids made from the asset and their rank, so a replay writes the same faces and keeps the person
 * each one was given; a failure here is the stage's, never the asset's.
 */
export class FaceStage {
  private readonly gone: AssetFaces;

  constructor(private readonly deps: FaceStageDeps) {
    this.gone = new AssetFaces(deps);
  }

  async detect(assetId: string, delivery: Delivery, force = false): Promise<FaceOutcome> {
    const { assets, tasks } = this.deps;
    const asset = await assets.get(assetId);
    if (!asset) {
      // Its faces went with it (DeleteAsset), unless this run wrote them after: see store().
      const [face] = await this.deps.faces.facesOfAsset(assetId);
      if (face) await this.gone.forget({ id: assetId, owner: face.owner });
      else await tasks.removeOfAsset(assetId);
      return 'gone';
    }
    if (asset.state !== 'ready') return 'not-ready';
    const done = await tasks.get(assetId, 'face_detection');
    if (!force && done?.status === 'success' && done.version === FACE_STAGE_VERSION) {
      // Detection is done; clustering may not be (a crash between them, or a busy lease).
      const clustered = await tasks.get(assetId, 'face_clustering');
      if (clustered?.status !== 'success')
        await this.clusterFor(asset, await this.deps.faces.facesOfAsset(assetId), delivery);
      return 'unchanged';
    }
    const started = await this.mark(asset, 'face_detection', 'started', delivery, done);
    const preview = await this.deps.storage.readDerived(derivedKeys(asset).preview);
    if (preview === 'missing') {
      await this.finish(started, 'failure', { error: 'the preview is missing: reprocess the asset' });
      return 'failed';
    }
    let found: Face[];
    try {
      found = await this.store(asset, preview);
    } catch (error) {
      if (error instanceof AssetDeletedMeanwhile) return 'gone';
      if (!(error instanceof FaceImageError)) throw error;
      await this.finish(started, 'failure', { error: error.message });
      return 'failed';
    }
    await this.finish(started, 'success', { result: `${found.length} ${found.length === 1 ? 'face' : 'faces'}` });
    await this.clusterFor(asset, found, delivery);
    // Deleted while its faces were placed: what this run wrote goes too.
    if (!(await this.deps.assets.get(asset.id))) {
      await this.gone.forget(asset);
      return 'gone';
    }
    return 'detected';
  }

  /** Detects, writes crops then faces, and removes this asset's automatic faces no longer found. */
  private async store(asset: Asset, preview: Buffer): Promise<Face[]> {
    const { detector, faces, storage, clock } = this.deps;
    const display = { width: asset.width ?? 0, height: asset.height ?? 0 };
    const detected = await detector.detect(preview, display).catch(asImageError);
    const before = new Map((await faces.facesOfAsset(asset.id)).map((f) => [f.id, f]));
    const now = clock.now().toISOString();
    const timestampMs = isVideoType(asset.mimeType ?? '') ? posterSeconds(asset.duration ?? 0) * 1000 : undefined;
    const found = detected.map((d, rank): Face => {
      const id = stableId('face', asset.id, FACE_STAGE_VERSION, rank);
      const old = before.get(id);
      return {
        id,
        assetId: asset.id,
        libraryId: asset.libraryId,
        owner: asset.owner,
        box: d.box,
        source: 'automatic',
        confidence: d.confidence,
        descriptor: d.descriptor,
        ...(timestampMs !== undefined && { timestampMs }),
        createdAt: old?.createdAt ?? now,
        updatedAt: now,
      };
    });
    for (const face of found) {
      const crop = await detector.crop(preview, display, face.box).catch(asImageError);
      await storage.putDerived(faceCropKey(asset, face.id), crop, 'image/jpeg');
      // The person a face has (by hand, or another run's) is not this run's to change.
      await faces.putDetected(face);
    }
    // As stored: a face seen before keeps the person it had (clustering skips it).
    const stored = found.map((f) => {
      const old = before.get(f.id);
      return { ...f, ...(old?.personId && { personId: old.personId }), ...(old?.pinned && { pinned: true }) };
    });
    const kept = new Set(found.map((f) => f.id));
    const stale = [...before.values()].filter((f) => f.source === 'automatic' && !kept.has(f.id));
    await this.gone.remove(asset, stale);
    // Deleted while we looked: the delete removed the faces it saw, so these are removed here.
    if (!(await this.deps.assets.get(asset.id))) {
      await this.gone.forget(asset);
      throw new AssetDeletedMeanwhile(asset.id);
    }
    return stored;
  }

  private async clusterFor(asset: Asset, fresh: Face[], delivery: Delivery) {
    const started = await this.mark(asset, 'face_clustering', 'started', delivery);
    if ((await this.deps.people.cluster(asset.libraryId, asset.owner, fresh)) === 'busy')
      throw new ClusteringBusy(asset.libraryId);
    await this.finish(started, 'success', {});
  }

  private async mark(asset: Asset, type: TaskType, status: 'started', delivery: Delivery, previous?: Task) {
    const now = this.deps.clock.now().toISOString();
    const task: Task = {
      assetId: asset.id,
      libraryId: asset.libraryId,
      owner: asset.owner,
      type,
      status,
      createdAt: previous?.createdAt ?? now,
      startedAt: now,
      ...(previous?.error && { error: previous.error }),
      retryCount: delivery.attempt - 1,
      deliveryId: delivery.id,
    };
    await this.deps.tasks.put(task);
    return task;
  }

  private async finish(task: Task, status: 'success' | 'failure', detail: { error?: string; result?: string }) {
    await this.deps.tasks.put({
      ...task,
      status,
      completedAt: this.deps.clock.now().toISOString(),
      ...detail,
      ...(status === 'success' && task.type === 'face_detection' && { version: FACE_STAGE_VERSION }),
    });
  }
}

class AssetDeletedMeanwhile extends Error {
  constructor(id: string) {
    super(`asset ${id} was deleted while its faces were looked for`);
    this.name = 'AssetDeletedMeanwhile';
  }
}

/** The image could not be read for faces: the stage fails for this asset, in the detector's words. */
class FaceImageError extends Error {
  constructor(cause: MediaRejected) {
    super(`faces could not be detected: ${cause.message}`);
    this.name = 'FaceImageError';
  }
}

/** Bytes the detector cannot read fail the stage for this asset; anything else (models missing) is retried. */
const asImageError = (error: unknown): never => {
  throw error instanceof MediaRejected ? new FaceImageError(error) : error;
};
