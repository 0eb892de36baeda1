import { describe, expect, it } from 'vitest';
import { stableId } from '#shared/domain/ids.ts';
import { api } from '#test/helpers/api.ts';
import { readFeed, seeded } from '#test/helpers/feed.ts';
import { uniquePng } from '#test/helpers/images.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { deviceMetadata, directUpload, newKey } from '#test/helpers/uploads.ts';

// Random creates, capture-time edits, trashes, restores, album moves and deletes through the API,
// against a model kept beside them; then the timeline, the trash, the counts, the albums and the change feed
// must each agree with the model and so with one another. DARKROOM_PROPERTY_OPS (default 60; 500 for the README's figure) and
// DARKROOM_PROPERTY_SEED (11) scale and vary it.

const stack = useLocalStack({ sweepIntervalMs: 3_600_000 });
const OPS = Number(process.env.DARKROOM_PROPERTY_OPS ?? 60);
const SEED = Number(process.env.DARKROOM_PROPERTY_SEED ?? 11);
/** Checks along the way: every 20 operations (at 20 and 40 in CI), or every fifth of a longer run (100 of 500). */
const CHECK_EVERY = Math.max(20, Math.round(OPS / 5));
const ALBUMS = 2;

interface Modelled {
  local: string;
  trashed: boolean;
  /** Every move into and out of the trash, in order: what the feed must show. */
  moves: ('asset_trashed' | 'asset_restored')[];
}

type Client = ReturnType<typeof api>;

/** Every page of a listing, 50 at a time, following starting_after_id. */
const listAll = async (client: Client, query: string) => {
  const ids: string[] = [];
  for (let after = ''; ; ) {
    const res = await client.get(`/api/assets?limit=50${query}${after && `&starting_after_id=${after}`}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    ids.push(...res.body.data.map((a: { id: string }) => a.id));
    if (!res.body.has_more) return ids;
    after = ids.at(-1) ?? '';
  }
};

const newestFirst = (entries: [string, Modelled][]) =>
  entries.sort(([a, x], [b, y]) => (`${y.local}#${b}` > `${x.local}#${a}` ? 1 : -1)).map(([id]) => id);

describe('a library under random operations', () => {
  it(`agrees with its model after ${OPS} operations: timeline, trash, counts, albums and feed`, async () => {
    const random = seeded(SEED);
    const pick = <T>(items: T[]): T | undefined => items[Math.floor(random() * items.length)];
    const some = <T>(items: T[], most: number): T[] => {
      const chosen = new Set<T>();
      const n = 1 + Math.floor(random() * most);
      for (let i = 0; i < n && items.length; i++) chosen.add(pick(items) as T);
      return [...chosen];
    };
    const randomTime = () => {
      const month = String(1 + Math.floor(random() * 12)).padStart(2, '0');
      const day = String(1 + Math.floor(random() * 28)).padStart(2, '0');
      return `${2019 + Math.floor(random() * 5)}-${month}-${day}T${String(Math.floor(random() * 24)).padStart(2, '0')}:00:00`;
    };

    const key = await newKey();
    const client = api(stack().apiUrl, key);
    const model = new Map<string, Modelled>();
    const albums = new Map<string, Set<string>>();
    for (let i = 0; i < ALBUMS; i++)
      albums.set((await client.post('/api/albums', { name: `A${i}` })).body.id, new Set());
    /** Link id → the feed's album_asset events it must show, in order. */
    const links = new Map<string, string[]>();
    const linkEvent = (album: string, asset: string, event: string) => {
      const id = stableId('album_asset', album, asset);
      links.set(id, [...(links.get(id) ?? []), event]);
    };
    const deleted = new Set<string>();
    let seed = 20_000 + SEED * 1000;

    const check = async () => {
      const entries = [...model.entries()];
      expect(await listAll(client, '')).toEqual(newestFirst(entries.filter(([, m]) => !m.trashed)));
      expect((await listAll(client, '&state=trashed')).sort()).toEqual(
        entries
          .filter(([, m]) => m.trashed)
          .map(([id]) => id)
          .sort(),
      );
      expect(await listAll(client, '&state=all')).toEqual(newestFirst(entries));
      // Counts by month, as the model has them, once the feed (which keeps the counters) caught up.
      await stack().stream.drained();
      for (const state of ['live', 'trashed', 'all'] as const) {
        const expected: Record<string, number> = {};
        for (const [, m] of entries)
          if (state === 'all' || m.trashed === (state === 'trashed')) {
            const month = `${m.local.slice(0, 7)}-01T00:00:00Z`;
            expected[month] = (expected[month] ?? 0) + 1;
          }
        const res = await client.get(`/api/assets/counts?group_by=month&limit=200&state=${state}`);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        const counted = Object.fromEntries(
          res.body.data.map((b: { time_bucket: string; count: number }) => [b.time_bucket, b.count]),
        );
        expect(counted, state).toEqual(expected);
      }
      for (const [album, members] of albums) {
        const live = entries.filter(([id, m]) => members.has(id) && !m.trashed);
        expect((await client.get(`/api/albums/${album}`)).body.asset_count).toBe(live.length);
        expect(await listAll(client, `&album_id=${album}`)).toEqual(newestFirst(live));
      }
    };

    const ops = { create: 0, edit: 0, trash: 0, restore: 0, add: 0, remove: 0, delete: 0 };
    for (let op = 0; op < OPS; op++) {
      const ids = [...model.keys()];
      const roll = random();
      if (roll < 0.2 || ids.length < 3) {
        const res = await directUpload(
          stack().apiUrl,
          key,
          await uniquePng(seed++),
          'p.png',
          deviceMetadata({ file_created_at: `${randomTime()}Z` }),
        );
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        model.set(res.body.id, { local: res.body.local_datetime, trashed: false, moves: [] });
        ops.create++;
      } else if (roll < 0.35) {
        const id = pick(ids) as string;
        const res = await client.patch(`/api/assets/${id}`, { original_datetime: randomTime() });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        (model.get(id) as Modelled).local = res.body.local_datetime;
        ops.edit++;
      } else if (roll < 0.65) {
        const trash = roll < 0.5;
        const chosen = some(ids, 3);
        const res = await client.post(`/api/assets/${trash ? 'trash' : 'restore'}`, { ids: chosen });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        for (const id of chosen) {
          const m = model.get(id) as Modelled;
          if (m.trashed !== trash) m.moves.push(trash ? 'asset_trashed' : 'asset_restored');
          m.trashed = trash;
        }
        ops[trash ? 'trash' : 'restore']++;
      } else if (roll < 0.8) {
        const [album, members] = pick([...albums.entries()]) as [string, Set<string>];
        const chosen = some(ids, 4);
        const res = await client.post(`/api/albums/${album}/assets`, { asset_ids: chosen });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body.not_found_assets).toEqual([]);
        expect([...res.body.added_assets].sort()).toEqual(chosen.filter((id) => !members.has(id)).sort());
        for (const id of res.body.added_assets) {
          members.add(id);
          linkEvent(album, id, 'album_asset_added');
        }
        ops.add++;
      } else if (roll < 0.9) {
        const [album, members] = pick([...albums.entries()]) as [string, Set<string>];
        const chosen = some(ids, 3);
        const res = await client.delete(`/api/albums/${album}/assets`, { asset_ids: chosen });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        for (const id of chosen) {
          if (members.delete(id)) linkEvent(album, id, 'album_asset_removed');
        }
        ops.remove++;
      } else {
        const id = pick(ids) as string;
        expect((await client.delete(`/api/assets/${id}`)).status).toBe(200);
        model.delete(id);
        deleted.add(id);
        for (const [album, members] of albums) if (members.delete(id)) linkEvent(album, id, 'album_asset_removed');
        ops.delete++;
      }
      if ((op + 1) % CHECK_EVERY === 0 && op + 1 < OPS) await check();
    }
    await check();
    // Every kind of operation ran, so every invariant was exercised.
    for (const [name, count] of Object.entries(ops)) expect(count, name).toBeGreaterThan(0);

    // The feed: each asset's trash moves exactly as they happened, a delete last for a deleted one,
    // and each album link's adds and removes in order.
    await stack().stream.drained();
    const events = await readFeed(stack().apiUrl, key);
    const of = (id: string) => events.filter((e) => e.entity_id === id).map((e) => e.event_type);
    for (const [id, m] of model) {
      const seen = of(id);
      expect(seen[0], id).toBe('asset_created');
      expect(
        seen.filter((e) => e === 'asset_trashed' || e === 'asset_restored'),
        id,
      ).toEqual(m.moves);
      expect(seen, id).not.toContain('asset_deleted');
    }
    for (const id of deleted) expect(of(id).at(-1), id).toBe('asset_deleted');
    for (const [link, expected] of links) {
      expect(
        of(link).filter((e) => e !== 'album_asset_updated'),
        link,
      ).toEqual(expected);
    }
    // Cursors strictly increase: the feed's order is one order.
    const cursors = events.map((e) => e.cursor);
    expect([...cursors].sort()).toEqual(cursors);
    expect(new Set(cursors).size).toBe(cursors.length);
  });
});
