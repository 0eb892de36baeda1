import type { Accounts } from './accounts.ts';
import type { Asset } from './asset.ts';
import { Invalid, NotFound } from './errors.ts';
import type { AssetRepository, ExistMatch } from './ports.ts';

export interface ListQuery {
  libraryId?: string;
  limit: number;
  order: 'asc' | 'desc';
  startingAfterId?: string;
  after?: string;
  before?: string;
}

export type ExistRequest =
  | { checksums: string[] }
  | { checksumSha1s: string[] }
  | { deviceId: string; deviceAssetIds: string[] };

const NOT_FOUND = 'asset not found';

/** Reading assets, always within the caller's own assets. */
export class AssetQueries {
  constructor(private readonly deps: { accounts: Accounts; assets: AssetRepository }) {}

  /** The caller's asset; an upload found to duplicate another answers with that one. */
  async get(owner: string, id: string): Promise<Asset> {
    const asset = await this.own(owner, id);
    return asset.state === 'duplicate' && asset.duplicateOf ? this.own(owner, asset.duplicateOf) : asset;
  }

  async list(owner: string, query: ListQuery): Promise<{ assets: Asset[]; hasMore: boolean }> {
    if (query.libraryId) await this.deps.accounts.getLibrary(owner, query.libraryId);
    let startAfter: Asset | undefined;
    if (query.startingAfterId) {
      startAfter = await this.deps.assets.get(query.startingAfterId);
      if (!startAfter || startAfter.owner !== owner) throw new Invalid('starting_after_id: no such asset');
    }
    return this.deps.assets.timeline({
      owner,
      limit: query.limit,
      order: query.order,
      ...(query.libraryId && { libraryId: query.libraryId }),
      ...(query.after && { after: query.after }),
      ...(query.before && { before: query.before }),
      ...(startAfter && { startAfter }),
    });
  }

  async exist(owner: string, request: ExistRequest, libraryId?: string): Promise<ExistMatch[]> {
    const libraryIds = libraryId
      ? [(await this.deps.accounts.getLibrary(owner, libraryId)).id]
      : (await this.deps.accounts.listLibraries(owner)).map((l) => l.id);
    return this.deps.assets.exist({
      libraryIds,
      ...('checksums' in request && { checksums: request.checksums }),
      ...('checksumSha1s' in request && { checksumSha1s: request.checksumSha1s }),
      ...('deviceId' in request && { device: { deviceId: request.deviceId, deviceAssetIds: request.deviceAssetIds } }),
    });
  }

  private own(owner: string, id: string): Promise<Asset> {
    return ownedAsset(this.deps.assets, owner, id);
  }
}

/** The caller's asset by id; someone else's asset and no asset at all look the same. */
export const ownedAsset = async (assets: AssetRepository, owner: string, id: string): Promise<Asset> => {
  const asset = await assets.get(id);
  if (!asset || asset.owner !== owner) throw new NotFound(NOT_FOUND);
  return asset;
};
