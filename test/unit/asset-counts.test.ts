import { describe, expect, it } from 'vitest';
import { Accounts } from '#shared/domain/accounts.ts';
import type { Asset } from '#shared/domain/asset.ts';
import { listedStateOf } from '#shared/domain/asset.ts';
import { AssetCounts, type CountsQuery } from '#shared/domain/asset-counts.ts';
import {
  applyMoves,
  bucketOf,
  type CounterStore,
  type Counters,
  CountLedger,
  moveOf,
  type OrdinalMove,
} from '#shared/domain/count-ledger.ts';
import { sortableInstant } from '#shared/domain/datetime.ts';
import { Invalid } from '#shared/domain/errors.ts';
import { MemoryAlbumMembers, MemoryAlbums } from '#test/helpers/album-fakes.ts';
import { FakeClock, MemoryAccounts, MemoryAssets, pendingAsset } from '#test/helpers/fakes.ts';
import { seeded } from '#test/helpers/feed.ts';

/** A feed of moves and a counters item, with a pause between each read and write so advances interleave. */
class MemoryCounterStore implements CounterStore {
  readonly entries: OrdinalMove[] = [];
  counters: Counters = { counts: {}, appliedOrdinal: 0 };
  lostRaces = 0;
  async read() {
    await pause();
    return structuredClone(this.counters);
  }
  async entriesAfter(_owner: string, ordinal: number, limit: number) {
    await pause();
    const after = this.entries.filter((e) => e.ordinal > ordinal);
    return { entries: after.slice(0, limit), more: after.length > limit };
  }
  async write(_owner: string, counters: Counters, readOrdinal: number) {
    await pause();
    if (this.counters.appliedOrdinal !== readOrdinal) {
      this.lostRaces++;
      return false;
    }
    this.counters = structuredClone(counters);
    return true;
  }
}
const pause = () => new Promise((r) => setTimeout(r, Math.random() * 2));

const MONTHS = ['2023-11', '2023-12', '2024-01', '2024-02', '2024-03'];

describe('the counters', () => {
  it('racing advances apply every move once, in order, and leave each bucket its assets', async () => {
    const random = seeded(3);
    const store = new MemoryCounterStore();
    const ledger = new CountLedger(store);
    // Assets changing month, state and trash, each change a feed entry with its move.
    const assets = new Map<string, Asset>();
    const runs: Promise<unknown>[] = [];
    for (let i = 0; i < 300; i++) {
      const id = `a${Math.floor(random() * 40)}`;
      const before = assets.get(id);
      const roll = random();
      const after =
        roll < 0.1
          ? undefined
          : pendingAsset(
              { size: 1 },
              {
                id,
                libraryId: random() < 0.5 ? 'lib_a' : 'lib_b',
                state: (['pending', 'ready', 'failed', 'duplicate'] as const)[Math.floor(random() * 4)] ?? 'ready',
                localDatetime: `${MONTHS[Math.floor(random() * MONTHS.length)]}-15T10:00:00Z`,
                ...(random() < 0.3 && { trashedAt: '2024-04-01T00:00:00Z' }),
              },
            );
      if (after) assets.set(id, after);
      else assets.delete(id);
      const move = moveOf(before && bucketOf(before), after && bucketOf(after));
      store.entries.push({ ordinal: i + 1, ...(move && { move }) });
      if (i % 25 === 0) runs.push(ledger.advance('u'), ledger.advance('u'));
    }
    runs.push(ledger.advance('u'), ledger.advance('u'), ledger.advance('u'));
    await Promise.all(runs);
    const expected: Record<string, number> = {};
    for (const asset of assets.values()) {
      const bucket = bucketOf(asset);
      if (bucket) expected[bucket] = (expected[bucket] ?? 0) + 1;
    }
    expect(store.counters).toEqual({ counts: expected, appliedOrdinal: 300 });
    expect(await ledger.advance('u')).toEqual(store.counters);
    expect(store.lostRaces).toBeGreaterThan(0);
  });

  it('a gap in the ordinals is a defect, never skipped', () => {
    expect(() => applyMoves({ counts: {}, appliedOrdinal: 1 }, [{ ordinal: 3 }])).toThrow(/entry 2 missing/);
  });

  it('a change that keeps the bucket moves nothing; pending and duplicate assets count nowhere', () => {
    const ready = pendingAsset({ size: 1 }, { state: 'ready', localDatetime: '2024-01-31T23:59:59.999Z' });
    expect(bucketOf(ready)).toBe('lib_test|live|2024-01');
    expect(bucketOf({ ...ready, trashedAt: 'x' })).toBe('lib_test|trashed|2024-01');
    expect(bucketOf({ ...ready, state: 'pending' })).toBeUndefined();
    expect(bucketOf({ ...ready, state: 'duplicate' })).toBeUndefined();
    expect(moveOf(bucketOf(ready), bucketOf({ ...ready, localDatetime: '2024-01-02T00:00:00Z' }))).toBeUndefined();
    expect(moveOf(undefined, 'b')).toEqual({ to: 'b' });
  });
});

/** Counts against what the list shows, brute force, for random assets and bounds. */
const setup = async () => {
  const accounts = new Accounts(new MemoryAccounts(), new FakeClock());
  const owner = (await accounts.createApiKey('alice')).record.owner;
  const libraryId = await accounts.resolveLibrary(owner);
  const assets = new MemoryAssets();
  const members = new MemoryAlbumMembers();
  const albums = new MemoryAlbums();
  const counts = new AssetCounts({
    accounts,
    // The counters as the feed would have them once caught up.
    ledger: {
      advance: async () => {
        const counts: Record<string, number> = {};
        for (const asset of assets.assets.values()) {
          const bucket = bucketOf(asset);
          if (bucket) counts[bucket] = (counts[bucket] ?? 0) + 1;
        }
        return { counts, appliedOrdinal: 1 };
      },
    },
    reads: {
      countLive: async (library, after, before) =>
        [...assets.assets.values()].filter(
          (a) =>
            a.libraryId === library &&
            listedStateOf(a) === 'live' &&
            sortableInstant(a.localDatetime) > sortableInstant(after) &&
            sortableInstant(a.localDatetime) < sortableInstant(before),
        ).length,
      trashed: async (library) =>
        [...assets.assets.values()].filter((a) => a.libraryId === library && a.trashedAt !== undefined),
    },
    assets,
    albums,
    members,
  });
  return { owner, libraryId, assets, members, albums, counts, accounts };
};

const bruteForce = (assets: Asset[], query: CountsQuery & { libraryId: string }, inAlbum?: Set<string>) => {
  const states = query.state === 'all' ? ['live', 'trashed'] : [query.state ?? 'live'];
  const months = new Map<string, number>();
  for (const a of assets) {
    const at = sortableInstant(a.localDatetime);
    const state = listedStateOf(a);
    if (a.libraryId !== query.libraryId || !state || !states.includes(state)) continue;
    if (query.after && at <= sortableInstant(query.after)) continue;
    if (query.before && at >= sortableInstant(query.before)) continue;
    if (inAlbum && inAlbum.has(a.id) !== (query.albumFilter !== 'not_in_album')) continue;
    months.set(at.slice(0, 7), (months.get(at.slice(0, 7)) ?? 0) + 1);
  }
  return [...months].sort(([a], [b]) => (a < b ? 1 : -1)).map(([month, count]) => ({ month, count }));
};

describe('counts per month', () => {
  it('agree with a brute-force count for bounds inside months, on their edges and across them', async () => {
    const { owner, libraryId, assets, members, counts } = await setup();
    const random = seeded(11);
    const instants: string[] = [];
    for (let i = 0; i < 200; i++) {
      const month = MONTHS[Math.floor(random() * MONTHS.length)] ?? '2024-01';
      // Month edges exactly, the millisecond before one, and anywhere between.
      const start = Date.parse(`${month}-01T00:00:00Z`);
      const roll = random();
      const at = roll < 0.15 ? start : roll < 0.3 ? start - 1 : start + Math.floor(random() * 28 * 86_400_000);
      const asset = pendingAsset(
        { size: 1 },
        {
          owner,
          libraryId: random() < 0.85 ? libraryId : 'lib_other',
          state: (['ready', 'ready', 'failed', 'pending', 'duplicate'] as const)[Math.floor(random() * 5)] ?? 'ready',
          localDatetime: new Date(at).toISOString(),
          ...(random() < 0.25 && { trashedAt: '2024-05-01T00:00:00Z' }),
        },
      );
      await assets.create(asset);
      instants.push(asset.localDatetime);
      if (random() < 0.3)
        await members.addMember({
          id: `album_asset_${i}`,
          albumId: 'album_x',
          assetId: asset.id,
          libraryId: asset.libraryId,
          owner,
          localDatetime: asset.localDatetime,
          createdAt: '',
          updatedAt: '',
        });
    }
    const linked = new Set([...members.items.values()].map((m) => m.assetId));
    const bound = () => {
      const roll = random();
      if (roll < 0.2) return undefined;
      if (roll < 0.5) return instants[Math.floor(random() * instants.length)];
      if (roll < 0.7) return `${MONTHS[Math.floor(random() * MONTHS.length)]}-01T00:00:00Z`;
      return new Date(Date.parse('2023-10-20T00:00:00Z') + random() * 170 * 86_400_000).toISOString();
    };
    for (let i = 0; i < 300; i++) {
      const [after, before] = [bound(), bound()];
      const query: CountsQuery = {
        limit: 200,
        state: (['live', 'trashed', 'all'] as const)[i % 3],
        albumFilter: (['all', 'in_album', 'not_in_album'] as const)[Math.floor(i / 3) % 3],
        ...(after && { after }),
        ...(before && { before }),
      };
      const expected = bruteForce(
        [...assets.assets.values()],
        { ...query, libraryId },
        query.albumFilter === 'all' ? undefined : linked,
      );
      expect((await counts.monthly(owner, query)).counts, JSON.stringify(query)).toEqual(expected);
    }
  });

  it('pages newest first by limit; the next page starts before the last month', async () => {
    const { owner, libraryId, assets, counts } = await setup();
    for (const month of MONTHS)
      await assets.create(
        pendingAsset({ size: 1 }, { owner, libraryId, state: 'ready', localDatetime: `${month}-02T00:00:00Z` }),
      );
    const first = await counts.monthly(owner, { limit: 2 });
    expect(first).toEqual({
      counts: [
        { month: '2024-03', count: 1 },
        { month: '2024-02', count: 1 },
      ],
      hasMore: true,
    });
    const rest = await counts.monthly(owner, { limit: 5, before: '2024-02-01T00:00:00Z' });
    expect(rest.counts.map((c) => c.month)).toEqual(['2024-01', '2023-12', '2023-11']);
    expect(rest.hasMore).toBe(false);
    await expect(counts.monthly(owner, { limit: 5, albumId: 'album_x', albumFilter: 'not_in_album' })).rejects.toThrow(
      Invalid,
    );
  });
});
