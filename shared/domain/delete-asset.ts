import { derivedKeys, originalKey } from '#shared/object-keys.ts';
import type { AssetAlbums } from './asset-albums.ts';
import type { AssetFaces } from './asset-faces.ts';
import { ownedAsset } from './asset-queries.ts';
import type { AssetRepository, ObjectStorage } from './ports.ts';
import type { StorageLedger } from './storage-ledger.ts';

/** Deletes one of the caller's assets: its original, its derived files, its faces, its album links and its record. */
export class DeleteAsset {
  constructor(
    private readonly deps: {
      assets: AssetRepository;
      storage: Pick<ObjectStorage, 'deleteOriginal' | 'deleteDerived'>;
      ledger: StorageLedger;
      /** Its faces, their crops and stage records, and people it leaves with none. */
      faces: Pick<AssetFaces, 'forget'>;
      /** Its album links and covers; an album's count is its links, so it follows. */
      albums?: Pick<AssetAlbums, 'forget'>;
    },
  ) {}

  /**
   * The counters, the objects, then the record: a retried delete finishes what a crashed one
   * began. The release is repeated once the record is gone, for a processor that settled the
   * asset between the first release and the removal (AssetProcessor undoes one that comes later).
   */
  async run(owner: string, id: string): Promise<void> {
    const asset = await ownedAsset(this.deps.assets, owner, id);
    await this.deps.ledger.release(asset);
    await this.deps.storage.deleteOriginal(originalKey(owner, asset.id));
    await this.deps.storage.deleteDerived(Object.values(derivedKeys(asset)));
    // Before the record, so a crash here leaves a record whose delete is retried, never faces of nothing.
    await this.deps.faces.forget(asset);
    await this.deps.albums?.forget(asset);
    await this.deps.assets.remove(asset);
    // Again, for an album add that read the asset just before it went (AlbumQueries.addAssets).
    await this.deps.albums?.forget(asset);
    await this.deps.ledger.release(asset);
  }
}
