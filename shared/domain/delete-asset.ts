import { derivedKeys, originalKey } from '#shared/object-keys.ts';
import { ownedAsset } from './asset-queries.ts';
import type { AssetRepository, ObjectStorage } from './ports.ts';

/** Deletes one of the caller's assets: its original, its derived files and its record. */
export class DeleteAsset {
  constructor(
    private readonly deps: {
      assets: AssetRepository;
      storage: Pick<ObjectStorage, 'deleteOriginal' | 'deleteDerived'>;
    },
  ) {}

  /** Objects first, then the record: a retried delete finishes what a crashed one began. */
  async run(owner: string, id: string): Promise<void> {
    const asset = await ownedAsset(this.deps.assets, owner, id);
    await this.deps.storage.deleteOriginal(originalKey(owner, asset.id));
    await this.deps.storage.deleteDerived(Object.values(derivedKeys(asset)));
    await this.deps.assets.remove(asset);
  }
}
