import type { Accounts } from './accounts.ts';
import type { AlbumMembers, AlbumRepository } from './album-ports.ts';
import { ownedAlbum } from './album-queries.ts';
import type { Album } from './albums.ts';
import { type Asset, type ListedState, listedStateOf } from './asset.ts';
import { assetsOfPeople } from './asset-queries.ts';
import { type Counters, type CountLedger, monthOf, parseBucket } from './count-ledger.ts';
import { sortableInstant } from './datetime.ts';
import { Invalid, NotFound } from './errors.ts';
import type { FaceRepository } from './face-ports.ts';
import type { AssetRepository } from './ports.ts';

// GET /api/assets/counts: a library's assets per month of capture, newest month first, counting
// exactly what the asset list shows with the same filters. Unfiltered counts come from the
// counters (count-ledger.ts): O(months), whatever the library's size. A date bound inside a month
// counts that month from the index (at most two months); album and people filters count their
// sets (O(the set)).

export interface CountsQuery {
  libraryId?: string;
  limit: number;
  /** Exclusive bounds on the capture time, as the list's. */
  after?: string;
  before?: string;
  albumId?: string;
  albumFilter?: 'all' | 'in_album' | 'not_in_album';
  /** Assets with faces of all of these people. */
  personIds?: string[];
  state?: 'live' | 'trashed' | 'all';
}

/** `month` is `YYYY-MM`. */
export interface MonthCount {
  month: string;
  count: number;
}

export type CountedAsset = Pick<Asset, 'id' | 'owner' | 'libraryId' | 'state' | 'trashedAt' | 'localDatetime'>;

/** What a partial month is counted from. Bounds are exclusive instants. */
export interface CountReads {
  /** The library's live assets captured strictly between the bounds, counted on its timeline index. */
  countLive(libraryId: string, after: string, before: string): Promise<number>;
  /** The library's trashed assets (a retention window's deletions), from its trash index. */
  trashed(libraryId: string): Promise<CountedAsset[]>;
}

export interface AssetCountsDeps {
  accounts: Pick<Accounts, 'getLibrary' | 'resolveLibrary'>;
  ledger: Pick<CountLedger, 'advance'>;
  reads: CountReads;
  assets: Pick<AssetRepository, 'getMany'>;
  albums: Pick<AlbumRepository, 'getAlbum'>;
  members: Pick<AlbumMembers, 'membersOfAlbum' | 'inAnyAlbum' | 'linksOfLibrary'>;
  /** Without it no person is found. */
  faces?: Pick<FaceRepository, 'getPerson' | 'facesOfPerson'>;
}

/** Exclusive capture-time bounds in sortable form; either may be open. */
interface Window {
  after?: string;
  before?: string;
}

interface Scope {
  owner: string;
  libraryId: string;
  states: ListedState[];
  window: Window;
}

const LINKS_PAGE = 1000;

export class AssetCounts {
  constructor(private readonly deps: AssetCountsDeps) {}

  async monthly(owner: string, query: CountsQuery): Promise<{ counts: MonthCount[]; hasMore: boolean }> {
    const filter = query.albumFilter ?? 'all';
    if (query.albumId && filter === 'not_in_album')
      throw new Invalid('album_filter: not_in_album contradicts album_id');
    // Unfiltered counts read the owner's counters, whatever the library: beside the checks, not after them.
    const fromSets = Boolean(query.albumId || query.personIds || filter === 'in_album');
    const [{ libraryId, album, people }, counters] = await Promise.all([
      this.subjects(owner, query),
      fromSets ? undefined : this.deps.ledger.advance(owner),
    ]);
    const scope: Scope = {
      owner,
      libraryId,
      states: query.state === 'all' ? ['live', 'trashed'] : [query.state ?? 'live'],
      window: {
        ...(query.after && { after: sortableInstant(query.after) }),
        ...(query.before && { before: sortableInstant(query.before) }),
      },
    };
    const { after, before } = scope.window;
    const empty = (after && before && after >= before) || (album && album.libraryId !== scope.libraryId);
    const months = empty ? new Map<string, number>() : await this.count(scope, filter, { album, people, counters });
    const counts = [...months]
      .filter(([, count]) => count > 0)
      .sort(([a], [b]) => (a < b ? 1 : -1))
      .map(([month, count]) => ({ month, count }));
    return { counts: counts.slice(0, query.limit), hasMore: counts.length > query.limit };
  }

  /** The checked library (named, else the album's, else the people's, else the default, as people-queries.ts), album and people. */
  private async subjects(
    owner: string,
    query: CountsQuery,
  ): Promise<{ libraryId: string; album?: Album; people?: string[] }> {
    const { accounts, albums, faces } = this.deps;
    const [named, album, people] = await Promise.all([
      query.libraryId ? accounts.getLibrary(owner, query.libraryId) : undefined,
      query.albumId ? ownedAlbum(albums, owner, query.albumId) : undefined,
      query.personIds ? assetsOfPeople(faces, owner, query.personIds) : undefined,
    ]);
    const libraryId =
      named?.id ??
      album?.libraryId ??
      (query.personIds ? await this.personLibrary(query.personIds) : await accounts.resolveLibrary(owner));
    return { libraryId, ...(album && { album }), ...(people && { people }) };
  }

  private async count(
    scope: Scope,
    filter: 'all' | 'in_album' | 'not_in_album',
    sources: { album?: Album | undefined; people?: string[] | undefined; counters?: Counters | undefined },
  ): Promise<Map<string, number>> {
    const { members } = this.deps;
    const { album, counters } = sources;
    let ids = sources.people;
    if (album) {
      const inAlbum = new Set((await members.membersOfAlbum(album.id)).map((m) => m.assetId));
      ids = ids ? ids.filter((id) => inAlbum.has(id)) : [...inAlbum];
    } else if (ids && filter !== 'all') {
      const inSome = await members.inAnyAlbum(ids);
      ids = ids.filter((id) => inSome.has(id) === (filter === 'in_album'));
    } else if (filter === 'in_album') {
      ids = await this.linkedAssets(scope.libraryId);
    }
    if (ids || !counters) return this.countSet(scope, ids ?? []);
    const all = await this.fromCounters(scope, counters);
    if (filter !== 'not_in_album') return all;
    // In no album: the counters less the library's linked assets, month by month. The counters
    // trail the table by the feed's lag, the links do not: never below zero meanwhile.
    const linked = await this.countSet(scope, await this.linkedAssets(scope.libraryId));
    for (const [month, count] of linked) all.set(month, Math.max(0, (all.get(month) ?? 0) - count));
    return all;
  }

  /** The named assets the list would show in the scope, per month: read and filtered like its ids path. */
  private async countSet(scope: Scope, ids: string[]): Promise<Map<string, number>> {
    const months = new Map<string, number>();
    for (const asset of await this.deps.assets.getMany(ids)) {
      if (
        asset.owner === scope.owner &&
        asset.libraryId === scope.libraryId &&
        counted(scope.states, scope.window, asset)
      )
        add(months, monthOf(asset.localDatetime), 1);
    }
    return months;
  }

  /** Whole months from the counters; a month a bound falls inside from the index. */
  private async fromCounters(scope: Scope, counters: Counters): Promise<Map<string, number>> {
    const { after, before } = scope.window;
    const first = after && monthOf(after);
    // A bound at the very start of a month leaves that month out whole.
    const last = before && (before === monthStart(monthOf(before)) ? undefined : monthOf(before));
    const end = before && monthOf(before);
    const months = new Map<string, number>();
    for (const [key, count] of Object.entries(counters.counts)) {
      const bucket = parseBucket(key);
      if (!bucket || bucket.libraryId !== scope.libraryId || !scope.states.includes(bucket.state)) continue;
      if ((first && bucket.month <= first) || (end && bucket.month >= end)) continue;
      add(months, bucket.month, count);
    }
    const partial = [...new Set([first, last].filter((m): m is string => !!m))];
    let trashed: CountedAsset[] | undefined;
    for (const month of partial) {
      const lo = after && after > beforeMonth(month) ? after : beforeMonth(month);
      const hi = before && before < monthStart(nextMonth(month)) ? before : monthStart(nextMonth(month));
      if (scope.states.includes('live')) add(months, month, await this.deps.reads.countLive(scope.libraryId, lo, hi));
      if (scope.states.includes('trashed')) {
        trashed ??= await this.deps.reads.trashed(scope.libraryId);
        const window = { after: lo, before: hi };
        add(months, month, trashed.filter((a) => counted(['trashed'], window, a)).length);
      }
    }
    return months;
  }

  /** Every asset of the library in some album: its album links (one index partition). */
  private async linkedAssets(libraryId: string): Promise<string[]> {
    const ids = new Set<string>();
    let startAfter: string | undefined;
    for (;;) {
      const page = await this.deps.members.linksOfLibrary(libraryId, LINKS_PAGE, startAfter);
      for (const link of page.items) ids.add(link.assetId);
      startAfter = page.items.at(-1)?.id;
      if (!page.hasMore || !startAfter) return [...ids];
    }
  }

  private async personLibrary(personIds: string[]): Promise<string> {
    const [first] = personIds;
    const person = first ? await this.deps.faces?.getPerson(first) : undefined;
    if (!person) throw new NotFound('person not found');
    return person.libraryId;
  }
}

/** In one of the states and strictly inside the window: what the list would show. */
const counted = (states: ListedState[], { after, before }: Window, asset: CountedAsset): boolean => {
  const state = listedStateOf(asset);
  const at = sortableInstant(asset.localDatetime);
  return !!state && states.includes(state) && (!after || at > after) && (!before || at < before);
};

const add = (months: Map<string, number>, month: string, count: number) =>
  months.set(month, (months.get(month) ?? 0) + count);

/** The first instant of a `YYYY-MM` month, in sortable form. */
const monthStart = (month: string) => `${month}-01T00:00:00.000Z`;
/** The month's exclusive lower bound: its first instant less a millisecond, the timeline's precision. */
const beforeMonth = (month: string) => new Date(new Date(monthStart(month)).getTime() - 1).toISOString();
const nextMonth = (month: string) => {
  const [year = 0, m = 0] = month.split('-').map(Number);
  return m === 12
    ? `${String(year + 1).padStart(4, '0')}-01`
    : `${String(year).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}`;
};
