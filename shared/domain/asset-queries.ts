import type { Accounts } from './accounts.ts';
import type { AlbumAssetPages } from './album-asset-pages.ts';
import { type Asset, isListed, type ListedState, listedStateOf } from './asset.ts';
import { sortableInstant } from './datetime.ts';
import { Invalid, NotFound } from './errors.ts';
import type { FaceRepository } from './face-ports.ts';
import { type GeoArea, type GeoBox, inArea } from './geo-area.ts';
import { clusterByGrid, type GeoCluster } from './geo-clusters.ts';
import { type MediaClass, mediaClassOf } from './media-types.ts';
import type { AssetRepository, ExistMatch, GeoIndex, TimelineQuery } from './ports.ts';

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
  /** Only assets taken in this area (ready ones with a position): read from the geo index. */
  area?: GeoArea;
  /** Only assets in this album: its own timeline partition, or its members intersected with `ids`. */
  albumId?: string;
  /** Membership of any album: `in_album` or `not_in_album` filter each page of the other paths. */
  albumFilter?: 'all' | 'in_album' | 'not_in_album';
  /** `live` (default), `trashed` (by trash time), or `all` (both, by capture time). */
  state?: 'live' | 'trashed' | 'all';
}

type AssetPage = { assets: Asset[]; hasMore: boolean };
/** What byIds keeps and orders by: live or trashed assets, by capture or by trash time. */
type Selection = { state: ListedState; by: 'capture' | 'trash'; mediaType?: MediaClass; area?: GeoArea };

export interface ClusterQuery {
  libraryId?: string;
  bbox: GeoBox;
  /** Degrees. */
  cellSize: number;
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
  constructor(
    private readonly deps: {
      accounts: Accounts;
      assets: AssetRepository;
      geo: GeoIndex;
      /** Without it (unit tests of the other filters) no person is found. */
      faces?: Pick<FaceRepository, 'getPerson' | 'facesOfPerson'>;
      /** Without it no album is found, and album_filter finds every asset in none. */
      albums?: AlbumAssetPages;
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
    if (query.albumId && query.albumFilter === 'not_in_album')
      throw new Invalid('album_filter: not_in_album contradicts album_id');
    const state = query.state ?? 'live';
    const pageOf = (t: TimelineQuery): Promise<AssetPage> =>
      state === 'live'
        ? this.page(owner, query, t)
        : state === 'trashed'
          ? this.trashed(owner, query, t, 'trash')
          : this.both(owner, query, t);
    const filter = query.albumFilter ?? 'all';
    if (filter === 'all' || (filter === 'in_album' && query.albumId)) return pageOf(timeline);
    return this.albumsPort().filtered(timeline, pageOf, filter === 'in_album');
  }

  /** Live and trashed assets by capture time: the first page of each, merged. */
  private async both(owner: string, query: ListQuery, timeline: TimelineQuery): Promise<AssetPage> {
    const [live, trashed] = await Promise.all([
      this.page(owner, query, timeline),
      this.trashed(owner, query, timeline, 'capture'),
    ]);
    const sign = timeline.order === 'asc' ? 1 : -1;
    const merged = [...live.assets, ...trashed.assets].sort(
      (a, b) => sign * (capturePosition(a) < capturePosition(b) ? -1 : 1),
    );
    return {
      assets: merged.slice(0, timeline.limit),
      hasMore: live.hasMore || trashed.hasMore || merged.length > timeline.limit,
    };
  }

  /**
   * The trash: by trash time straight from its index when nothing else filters it, else the
   * libraries' trashed ids (the trash holds at most a retention window's deletions) narrowed by
   * the other filters, then read, filtered and ordered like any set of ids.
   */
  private async trashed(owner: string, query: ListQuery, timeline: TimelineQuery, by: 'capture' | 'trash') {
    const libraryIds = await this.libraryIds(owner, query.libraryId);
    const unfiltered =
      !query.ids &&
      !query.personIds &&
      !query.albumId &&
      !query.area &&
      !query.mediaType &&
      !query.after &&
      !query.before;
    if (unfiltered && by === 'trash') {
      const { startAfter } = timeline;
      // A cursor that is not (or no longer) in the trash has no trash position to resume from.
      if (startAfter && startAfter.trashedAt === undefined) throw new Invalid('starting_after_id: not in the trash');
      return this.deps.assets.trashPage({
        libraryIds,
        limit: timeline.limit,
        order: timeline.order,
        ...(startAfter && { startAfter }),
      });
    }
    let ids = (await Promise.all(libraryIds.map((id) => this.deps.assets.trashedIds(id)))).flat();
    if (query.ids) {
      const named = new Set(query.ids);
      ids = ids.filter((id) => named.has(id));
    }
    if (query.personIds) ids = await this.assetsOfPeople(owner, query.personIds, ids);
    if (query.albumId) {
      const album = await this.albumsPort().owned(owner, query.albumId);
      const members = await this.albumsPort().memberIds(album.id);
      ids = ids.filter((id) => members.has(id));
    }
    const selection: Selection = {
      state: 'trashed',
      by,
      ...(query.mediaType && { mediaType: query.mediaType }),
      ...(query.area && { area: query.area }),
    };
    return ids.length ? this.byIds(ids, timeline, selection) : { assets: [], hasMore: false };
  }

  /** One page of the path the filters choose. */
  private async page(owner: string, query: ListQuery, timeline: TimelineQuery) {
    const album = query.albumId ? await this.albumsPort().owned(owner, query.albumId) : undefined;
    if (album && query.libraryId && album.libraryId !== query.libraryId) return { assets: [], hasMore: false };
    let ids = query.ids;
    if (query.personIds) ids = await this.assetsOfPeople(owner, query.personIds, ids);
    if (album && ids) {
      const members = await this.albumsPort().memberIds(album.id);
      ids = ids.filter((id) => members.has(id));
    }
    if (ids) {
      const selection: Selection = {
        state: 'live',
        by: 'capture',
        ...(query.mediaType && { mediaType: query.mediaType }),
        ...(query.area && { area: query.area }),
      };
      return ids.length ? this.byIds(ids, timeline, selection) : { assets: [], hasMore: false };
    }
    if (album) {
      const { mediaType, area } = query;
      return this.albumsPort().page(
        album.id,
        timeline,
        (a) => (!mediaType || mediaClassOf(a.mimeType) === mediaType) && (!area || isGeotagged(a, area)),
      );
    }
    if (query.area) return this.inArea(timeline, query.area, query.mediaType);
    if (query.mediaType) {
      const libraryIds = await this.libraryIds(owner, query.libraryId);
      return this.deps.assets.timeline({ ...timeline, libraries: { ids: libraryIds, media: query.mediaType } });
    }
    if (query.libraryId) return this.deps.assets.timeline(timeline);
    // The owner's timeline holds every library's assets; with one in the trash, the live ones' are merged instead.
    const libraries = await this.deps.accounts.listLibraries(owner, 'all');
    const live = libraries.filter((l) => l.trashedAt === undefined).map((l) => l.id);
    return this.deps.assets.timeline(
      live.length < libraries.length ? { ...timeline, libraries: { ids: live } } : timeline,
    );
  }

  private albumsPort(): AlbumAssetPages {
    const { albums } = this.deps;
    if (!albums) throw new NotFound('album not found');
    return albums;
  }

  /** The caller's geotagged assets in the viewport, one cluster per non-empty grid cell. */
  async geoClusters(owner: string, query: ClusterQuery): Promise<GeoCluster[]> {
    if (query.libraryId) await this.deps.accounts.getLibrary(owner, query.libraryId);
    const points = await this.deps.geo.points({
      libraryIds: await this.libraryIds(owner, query.libraryId),
      area: query.bbox,
      ...(query.after && { after: query.after }),
      ...(query.before && { before: query.before }),
    });
    return clusterByGrid(points, query.cellSize);
  }

  /** A page of the area from the geo index, then the whole records of just that page. */
  private async inArea(query: TimelineQuery, area: GeoArea, mediaType?: MediaClass) {
    const page = await this.deps.geo.page({
      libraryIds: await this.libraryIds(query.owner, query.libraryId),
      area,
      order: query.order,
      limit: query.limit,
      ...(query.after && { after: query.after }),
      ...(query.before && { before: query.before }),
      ...(query.startAfter && { startAfter: query.startAfter }),
      ...(mediaType && { mediaType }),
    });
    const byId = new Map((await this.deps.assets.getMany(page.ids)).map((a) => [a.id, a]));
    // The index lags the table a little: an asset deleted or moved meanwhile is left out, not shown stale.
    const assets = page.ids
      .map((id) => byId.get(id))
      .filter((a): a is Asset => a !== undefined && a.owner === query.owner && isGeotagged(a, area));
    return { assets, hasMore: page.hasMore };
  }

  /** One library (already checked to be the owner's) or all of them: the partitions an owner may read. */
  private async libraryIds(owner: string, libraryId?: string): Promise<string[]> {
    return libraryId ? [libraryId] : (await this.deps.accounts.listLibraries(owner)).map((l) => l.id);
  }

  private assetsOfPeople(owner: string, personIds: string[], only?: string[]): Promise<string[]> {
    return assetsOfPeople(this.deps.faces, owner, personIds, only);
  }

  /** The named assets that the timeline (or the trash) would list, filtered, ordered and paged like it. */
  private async byIds(ids: string[], query: TimelineQuery, selection: Selection): Promise<AssetPage> {
    const { mediaType, area } = selection;
    const position = selection.by === 'capture' ? capturePosition : (a: Asset) => `${a.trashedAt ?? ''}#${a.id}`;
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
          listedStateOf(a) === selection.state &&
          (!query.libraryId || a.libraryId === query.libraryId) &&
          (!mediaType || mediaClassOf(a.mimeType) === mediaType) &&
          (!area || (a.state === 'ready' && hasPositionIn(a, area))) &&
          (!range.lo || capturePosition(a) > range.lo) &&
          (!range.hi || capturePosition(a) < range.hi) &&
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

/** A timeline position (capture time, then id), as the indexes order assets. */
const capturePosition = (a: Asset) => `${sortableInstant(a.localDatetime)}#${a.id}`;

const hasPositionIn = (asset: Asset, area: GeoArea): boolean => {
  const { latitude, longitude } = asset.exif ?? {};
  return typeof latitude === 'number' && typeof longitude === 'number' && inArea(area, latitude, longitude);
};

/** What the geo index holds, checked on the record itself: ready, not trashed, with a position inside the area. */
export const isGeotagged = (asset: Asset, area: GeoArea): boolean =>
  asset.state === 'ready' && isListed(asset) && hasPositionIn(asset, area);

/** The assets every one of these people (the owner's, else 404) has a face in, within `only` if given. */
export const assetsOfPeople = async (
  faces: Pick<FaceRepository, 'getPerson' | 'facesOfPerson'> | undefined,
  owner: string,
  personIds: string[],
  only?: string[],
): Promise<string[]> => {
  let common: Set<string> | undefined = only && new Set(only);
  for (const id of new Set(personIds)) {
    const person = await faces?.getPerson(id);
    if (!faces || !person || person.owner !== owner) throw new NotFound('person not found');
    const mine = new Set((await faces.facesOfPerson(id)).map((f) => f.assetId));
    common = new Set([...(common ?? mine)].filter((a) => mine.has(a)));
  }
  return [...(common ?? [])];
};

/** The caller's asset by id; someone else's asset and no asset at all look the same. */
export const ownedAsset = async (assets: AssetRepository, owner: string, id: string): Promise<Asset> => {
  const asset = await assets.get(id);
  if (!asset || asset.owner !== owner) throw new NotFound(NOT_FOUND);
  return asset;
};
