import type { Accounts } from './accounts.ts';
import type { Asset } from './asset.ts';
import type { AssetAlbums } from './asset-albums.ts';
import type { DeleteAsset } from './delete-asset.ts';
import { Conflict, NotFound } from './errors.ts';
import type { AssetRepository, Clock } from './ports.ts';

/** The SDK's bound on `ids` for trash, restore and delete. */
export const MAX_TRASH_IDS = 200;
const DAY_MS = 24 * 3600 * 1000;
const WRITE_ATTEMPTS = 3;
/** Deletes at once while emptying or purging: each is a handful of table and S3 calls. */
const DELETE_CONCURRENCY = 8;

export interface TrashDeps {
  accounts: Pick<Accounts, 'getLibrary' | 'listLibraries'>;
  assets: AssetRepository;
  clock: Clock;
  deleteAsset: Pick<DeleteAsset, 'run'>;
  /** A trashed asset's album links leave the album's timeline and count; a restored one's come back. */
  albums: Pick<AssetAlbums, 'follow'>;
  retentionDays: number;
}

/**
 * The trash (the SDK's `trash`, `restore`, `empty_trash`, `delete_list`): a trashed asset keeps
 * its record, bytes and checksum claim, leaves every listing (its item's index keys change, see
 * asset-item.ts), and is purged once it has been there `retentionDays`.
 */
export class AssetTrash {
  constructor(private readonly deps: TrashDeps) {}

  /** Idempotent: an asset already in the trash keeps the time it went there. */
  async trash(owner: string, ids: string[], libraryId?: string): Promise<void> {
    const at = this.deps.clock.now().toISOString();
    const assets = await this.owned(owner, ids, libraryId);
    // Its bytes are still on their way: in the trash it would leave the pending index the sweep reads.
    const pending = assets.find((a) => a.state === 'pending');
    if (pending) throw new Conflict(`asset ${pending.id} is still being uploaded; trash it once it is processed`);
    for (const asset of assets) await this.mark(asset, at);
  }

  /** Idempotent: assets already live are skipped. */
  async restore(owner: string, ids: string[], libraryId?: string): Promise<void> {
    for (const asset of await this.owned(owner, ids, libraryId)) await this.mark(asset, undefined);
  }

  /** Permanently deletes the named assets, trashed or not (the SDK's `delete_list`). */
  async deleteMany(owner: string, ids: string[], libraryId?: string): Promise<void> {
    const assets = await this.owned(owner, ids, libraryId);
    await inBatches(assets, (asset) => this.deps.deleteAsset.run(owner, asset.id));
  }

  /** Permanently deletes every trashed asset of the library (or of all the owner's libraries). */
  async empty(owner: string, libraryId?: string): Promise<void> {
    const libraryIds = libraryId
      ? [(await this.deps.accounts.getLibrary(owner, libraryId)).id]
      : (await this.deps.accounts.listLibraries(owner)).map((l) => l.id);
    for (const id of libraryIds) {
      const trashed = await this.deps.assets.trashedIds(id);
      await inBatches(trashed, (assetId) => this.deps.deleteAsset.run(owner, assetId).catch(ignoreGone));
    }
  }

  /** Deletes every asset trashed longer than the retention window; run on a schedule. */
  async purgeExpired(): Promise<{ purged: number }> {
    const cutoff = new Date(this.deps.clock.now().getTime() - this.deps.retentionDays * DAY_MS).toISOString();
    let purged = 0;
    for await (const page of this.deps.assets.trashedBefore(cutoff)) {
      await inBatches(page, (asset) => this.deps.deleteAsset.run(asset.owner, asset.id).catch(ignoreGone));
      purged += page.length;
    }
    return { purged };
  }

  /**
   * Brings a trashed asset back when its bytes are uploaded again (the processor, on finding the
   * checksum's holder in the trash). Answers the asset as it now is.
   */
  async revive(asset: Asset): Promise<Asset> {
    return asset.trashedAt === undefined ? asset : this.mark(asset, undefined);
  }

  /**
   * The caller's assets of these ids, all or nothing before any write: someone else's id, an
   * unknown one, or one outside the named library answers 404 and changes nothing. An upload
   * resolved as a duplicate stands for the asset that holds its bytes.
   */
  private async owned(owner: string, ids: string[], libraryId?: string): Promise<Asset[]> {
    if (libraryId) await this.deps.accounts.getLibrary(owner, libraryId);
    const unique = [...new Set(ids)];
    const found = new Map((await this.deps.assets.getMany(unique)).map((a) => [a.id, a]));
    const holders = [...found.values()].flatMap((a) =>
      a.state === 'duplicate' && a.duplicateOf ? [a.duplicateOf] : [],
    );
    for (const holder of await this.deps.assets.getMany(holders)) found.set(holder.id, holder);
    const chosen = new Map<string, Asset>();
    for (const id of unique) {
      let asset = found.get(id);
      if (asset?.state === 'duplicate' && asset.duplicateOf) asset = found.get(asset.duplicateOf);
      // The same words for someone else's asset as for none at all.
      if (!asset || asset.owner !== owner || (libraryId && asset.libraryId !== libraryId))
        throw new NotFound(`asset ${id} not found`);
      chosen.set(asset.id, asset);
    }
    return [...chosen.values()];
  }

  /** Sets or clears the trash time over exactly the record read, reading again if it changed meanwhile. */
  private async mark(read: Asset, trashedAt: string | undefined): Promise<Asset> {
    let asset: Asset | undefined = read;
    for (let attempt = 0; attempt < WRITE_ATTEMPTS && asset; attempt++) {
      if (asset.trashedAt === trashedAt || (trashedAt && asset.trashedAt)) return asset;
      const { trashedAt: _t, ...rest } = asset;
      const next: Asset = {
        ...rest,
        ...(trashedAt && { trashedAt }),
        // A processor that read the record before this write reads it again (process-asset.ts).
        editVersion: (asset.editVersion ?? 0) + 1,
        updatedAt: this.deps.clock.now().toISOString(),
      };
      if (await this.deps.assets.save(next, { updatedAt: asset.updatedAt })) {
        await this.deps.albums.follow(next);
        return next;
      }
      asset = await this.deps.assets.get(read.id);
    }
    if (!asset) throw new NotFound(`asset ${read.id} not found`);
    throw new Conflict(`asset ${read.id} kept changing while it was moved; try again`);
  }
}

const ignoreGone = (error: unknown) => {
  if (!(error instanceof NotFound)) throw error;
};

const inBatches = async <T>(items: T[], work: (item: T) => Promise<unknown>): Promise<void> => {
  for (let i = 0; i < items.length; i += DELETE_CONCURRENCY)
    await Promise.all(items.slice(i, i + DELETE_CONCURRENCY).map(work));
};
