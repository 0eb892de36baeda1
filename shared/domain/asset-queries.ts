import type { Accounts } from './accounts.ts';
import { type Asset, isListed } from './asset.ts';
import { sortableInstant } from './datetime.ts';
import { Invalid, NotFound } from './errors.ts';
import type { FaceRepository } from './face-ports.ts';
import { type MediaClass, mediaClassOf } from './media-types.ts';
import type { AssetRepository, ExistMatch, TimelineQuery } from './ports.ts';

export interface ListQuery {
  libraryId?: string;
  limit: number;
  order: 'asc' | 'desc';
  startingAfterId?: string;
  after?: string;
  before?: string;
  /** Only these assets (at most 200): a batched get, then the other filters. */
  ids?: string[];
  /** Only assets with faces of all these people: their faces' assets, intersected, then as `ids`. */
  personIds?: string[];
  mediaType?: MediaClass;
}

export type ExistRequest =
  | { checksums: string[] }
  | { checksumSha1s: string[] }
  | { deviceId: string; deviceAssetIds: string[] };

const NOT_FOUND = 'asset not found';

/** Reading assets, always within the caller's own assets. */
export class AssetQueries {
  constructor(
    private readonly deps: {
      accounts: Accounts;
      assets: AssetRepository;
      /** Without it (unit tests of the other filters) no person is found. */
      faces?: Pick<FaceRepository, 'getPerson' | 'facesOfPerson'>;
    },
  ) {}

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
    const timeline: TimelineQuery = {
      owner,
      limit: query.limit,
      order: query.order,
      ...(query.libraryId && { libraryId: query.libraryId }),
      ...(query.after && { after: query.after }),
      ...(query.before && { before: query.before }),
      ...(startAfter && { startAfter }),
    };
    if (query.personIds) {
      const ids = await this.assetsOfPeople(owner, query.personIds, query.ids);
      return ids.length ? this.byIds(ids, timeline, query.mediaType) : { assets: [], hasMore: false };
    }
    if (query.ids) return this.byIds(query.ids, timeline, query.mediaType);
    if (query.mediaType) {
      const libraryIds = query.libraryId
        ? [query.libraryId]
        : (await this.deps.accounts.listLibraries(owner)).map((l) => l.id);
      return this.deps.assets.timeline({ ...timeline, media: { type: query.mediaType, libraryIds } });
    }
    return this.deps.assets.timeline(timeline);
  }

  private async assetsOfPeople(owner: string, personIds: string[], only?: string[]): Promise<string[]> {
    let common: Set<string> | undefined = only && new Set(only);
    for (const id of new Set(personIds)) {
      const { faces } = this.deps;
      const person = await faces?.getPerson(id);
      if (!faces || !person || person.owner !== owner) throw new NotFound('person not found');
      const mine = new Set((await faces.facesOfPerson(id)).map((f) => f.assetId));
      common = new Set([...(common ?? mine)].filter((a) => mine.has(a)));
    }
    return [...(common ?? [])];
  }

  /** The named assets that the timeline would list, filtered, ordered and paged like it. */
  private async byIds(ids: string[], query: TimelineQuery, mediaType?: MediaClass) {
    const position = (a: Asset) => `${sortableInstant(a.localDatetime)}#${a.id}`;
    const range = {
      lo: query.after && `${sortableInstant(query.after)}#~`,
      hi: query.before && `${sortableInstant(query.before)}#`,
    };
    const cursor = query.startAfter && position(query.startAfter);
    const sign = query.order === 'asc' ? 1 : -1;
    const matching = (await this.deps.assets.getMany(ids))
      .filter(
        (a) =>
          a.owner === query.owner &&
          isListed(a) &&
          (!query.libraryId || a.libraryId === query.libraryId) &&
          (!mediaType || mediaClassOf(a.mimeType) === mediaType) &&
          (!range.lo || position(a) > range.lo) &&
          (!range.hi || position(a) < range.hi) &&
          (!cursor || sign * (position(a) < cursor ? -1 : position(a) > cursor ? 1 : 0) > 0),
      )
      .sort((a, b) => sign * (position(a) < position(b) ? -1 : 1));
    return { assets: matching.slice(0, query.limit), hasMore: matching.length > query.limit };
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
