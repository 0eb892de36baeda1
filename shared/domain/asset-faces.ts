import { faceCropKey } from '#shared/object-keys.ts';
import type { Asset } from './asset.ts';
import type { FaceRepository, TaskRepository } from './face-ports.ts';
import type { Face } from './faces.ts';
import type { PeopleClustering } from './people-clustering.ts';
import type { ObjectStorage } from './ports.ts';

export interface AssetFacesDeps {
  faces: FaceRepository;
  tasks: TaskRepository;
  storage: Pick<ObjectStorage, 'deleteDerived'>;
  people: Pick<PeopleClustering, 'refresh'>;
}

/** What of an asset's faces goes with it: the faces, their crops, its stage records, and empty people. */
export class AssetFaces {
  constructor(private readonly deps: AssetFacesDeps) {}

  /** Everything face-related of an asset that is being deleted or is gone. Safe to repeat. */
  async forget(asset: Pick<Asset, 'owner' | 'id'>): Promise<void> {
    const all = await this.deps.faces.facesOfAsset(asset.id);
    await this.remove(asset, all);
    await this.deps.tasks.removeOfAsset(asset.id);
  }

  /** These faces of the asset and their crops; their people are recomputed (or removed, if left empty). */
  async remove(asset: Pick<Asset, 'owner' | 'id'>, faces: Face[]): Promise<void> {
    if (faces.length === 0) return;
    await this.deps.storage.deleteDerived(faces.map((f) => faceCropKey(asset, f.id)));
    for (const face of faces) await this.deps.faces.deleteFace(face);
    await this.deps.people.refresh(faces.flatMap((f) => (f.personId ? [f.personId] : [])));
  }
}
