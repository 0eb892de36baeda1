import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClients } from '#shared/aws/clients.ts';
import { assetItem } from '#shared/table/keys.ts';
import { api } from '#test/helpers/api.ts';
import { photoAt } from '#test/helpers/geo-photos.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { deviceMetadata, directUpload, newKey } from '#test/helpers/uploads.ts';

const dataDir = await mkdtemp(join(tmpdir(), 'darkroom-geo-'));
const stack = useLocalStack({ dataDir });
const tsx = join(process.cwd(), 'node_modules/.bin/tsx');
const reindex = async (...args: string[]) =>
  (
    await promisify(execFile)(tsx, ['infra/cli/reindex.ts', ...args], {
      env: { ...process.env, DARKROOM_DATA_DIR: dataDir },
    })
  ).stdout;

// Where each photo was taken, and when (one day apart, so newest-first order is the table's order).
const PLACES = {
  louvre: { at: [48.8606, 2.3376], day: 1 },
  eiffel: { at: [48.8584, 2.2945], day: 2 },
  versailles: { at: [48.8049, 2.1204], day: 3 },
  london: { at: [51.5007, -0.1246], day: 4 },
  newYork: { at: [40.7128, -74.006], day: 5 },
  // Either side of the antimeridian, in Fiji's waters.
  taveuni: { at: [-16.85, 179.95], day: 6 },
  lau: { at: [-16.9, -179.95], day: 7 },
} as const satisfies Record<string, { at: [number, number]; day: number }>;
type Place = keyof typeof PLACES;

let alice = '';
let bob = '';
let bobsLouvre = '';
let unplaced = '';
const ids = {} as Record<Place, string>;

const upload = async (key: string, name: string, at: readonly [number, number], day: number, color: string) => {
  const taken = `2024:05:${String(day).padStart(2, '0')} 10:00:00`;
  const res = await directUpload(stack().apiUrl, key, await photoAt([at[0], at[1]], taken, color), `${name}.jpg`);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
};

beforeAll(async () => {
  [alice, bob] = [await newKey(), await newKey()];
  for (const [name, { at, day }] of Object.entries(PLACES))
    ids[name as Place] = await upload(alice, name, at, day, `#${(day * 20).toString(16).padStart(2, '0')}4040`);
  bobsLouvre = await upload(bob, 'bobs-louvre', PLACES.louvre.at, 8, '#102030');
  // A photo without a position is never in any area.
  unplaced = (
    await directUpload(
      stack().apiUrl,
      alice,
      await photoAt('zeroed', '2024:05:09 10:00:00', '#203040'),
      'nowhere.jpg',
      deviceMetadata(),
    )
  ).body.id;
});

const listed = async (key: string, query: string) => {
  const res = await api(stack().apiUrl, key).get(`/api/assets?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { data: { id: string }[]; has_more: boolean };
};
const idsOf = (page: { data: { id: string }[] }) => page.data.map((a) => a.id);

describe('GET /api/assets by place', () => {
  it('a bbox answers exactly the assets inside it, newest first', async () => {
    expect(idsOf(await listed(alice, 'bbox=2.0,48.7,2.5,48.95'))).toEqual([ids.versailles, ids.eiffel, ids.louvre]);
    expect(idsOf(await listed(alice, 'bbox=2.25,48.85,2.35,48.87&order=asc'))).toEqual([ids.louvre, ids.eiffel]);
    expect(idsOf(await listed(alice, 'bbox=-1,48,3,52'))).toEqual([ids.london, ids.versailles, ids.eiffel, ids.louvre]);
    expect(idsOf(await listed(alice, 'bbox=-10,-10,10,10'))).toEqual([]);
    expect((await listed(alice, 'bbox=-180,-90,180,90&limit=200')).data.map((a) => a.id).sort()).toEqual(
      Object.values(ids).sort(),
    );
    expect(idsOf(await listed(alice, 'bbox=-180,-90,180,90&limit=200'))).not.toContain(unplaced);
  });

  it('center and radius answer what lies within that many metres', async () => {
    // The Louvre is ~3.2 km from the Eiffel Tower, Versailles ~13 km.
    expect(idsOf(await listed(alice, 'center=2.2945,48.8584&radius=1000'))).toEqual([ids.eiffel]);
    expect(idsOf(await listed(alice, 'center=2.2945,48.8584&radius=4000'))).toEqual([ids.eiffel, ids.louvre]);
    expect(idsOf(await listed(alice, 'center=2.2945,48.8584&radius=50000'))).toEqual([
      ids.versailles,
      ids.eiffel,
      ids.louvre,
    ]);
    // Across the antimeridian: ~12 km from Taveuni's point to Lau's.
    expect(idsOf(await listed(alice, 'center=179.95,-16.85&radius=15000'))).toEqual([ids.lau, ids.taveuni]);
    expect(idsOf(await listed(alice, 'center=179.95,-16.85&radius=5000'))).toEqual([ids.taveuni]);
  });

  it('a bbox whose west is east of its east crosses the antimeridian', async () => {
    expect(idsOf(await listed(alice, 'bbox=179.9,-17,-179.9,-16.8'))).toEqual([ids.lau, ids.taveuni]);
    expect(idsOf(await listed(alice, 'bbox=179.9,-17,180,-16.8'))).toEqual([ids.taveuni]);
    // The same corners the other way round are the rest of the world's band: neither is in it.
    expect(idsOf(await listed(alice, 'bbox=-179.9,-17,179.9,-16.8'))).toEqual([]);
  });

  it('combines with the other filters and pages with the cursor across the results', async () => {
    expect(idsOf(await listed(alice, 'bbox=-1,48,3,52&media_type=video'))).toEqual([]);
    expect(
      idsOf(await listed(alice, 'bbox=-1,48,3,52&media_type=image&local_datetime_after=2024-05-02T12:00:00')),
    ).toEqual([ids.london, ids.versailles]);
    expect(idsOf(await listed(alice, `bbox=-1,48,3,52&ids=${ids.london},${ids.newYork},${ids.louvre}`))).toEqual([
      ids.london,
      ids.louvre,
    ]);
    const seen: string[] = [];
    let cursor = '';
    for (let page = 0; page < 10; page++) {
      const res = await listed(alice, `bbox=-1,48,3,52&limit=1${cursor && `&starting_after_id=${cursor}`}`);
      seen.push(...idsOf(res));
      cursor = res.data.at(-1)?.id ?? '';
      if (!res.has_more) break;
    }
    expect(seen).toEqual([ids.london, ids.versailles, ids.eiffel, ids.louvre]);
    const two = await listed(alice, `bbox=-1,48,3,52&limit=2&order=asc&starting_after_id=${ids.louvre}`);
    expect(two).toMatchObject({ has_more: true });
    expect(idsOf(two)).toEqual([ids.eiffel, ids.versailles]);
  });

  it('another user’s assets never appear, in either mode', async () => {
    expect(idsOf(await listed(bob, 'bbox=-180,-90,180,90&limit=200'))).toEqual([bobsLouvre]);
    expect(idsOf(await listed(bob, 'center=2.3376,48.8606&radius=10'))).toEqual([bobsLouvre]);
    expect(idsOf(await listed(alice, 'center=2.3376,48.8606&radius=10'))).toEqual([ids.louvre]);
  });

  it('refuses a bad area with 422 naming the parameter', async () => {
    const a = api(stack().apiUrl, alice);
    for (const [query, detail] of [
      ['bbox=1,2,3', /^query parameter bbox: must be 4 comma-separated decimal degrees/],
      ['bbox=0,10,10,0', /^query parameter bbox: min_latitude is north of max_latitude/],
      ['bbox=-200,0,10,10', /^query parameter bbox: longitude -200 is outside -180\.\.180/],
      ['center=0,0&radius=50001', /^query parameter radius: must be greater than 0 and at most 50000 metres/],
      ['center=0,0&radius=abc', /^query parameter radius/],
      ['center=0,0', /^query parameter radius: required with center/],
      ['bbox=0,0,1,1&center=0,0&radius=5', /^query parameter bbox: give either bbox or center with radius/],
    ] as const) {
      const res = await a.get(`/api/assets?${query}`);
      expect({ status: res.status, detail: res.body.detail }, query).toEqual({
        status: 422,
        detail: expect.stringMatching(detail),
      });
    }
  });
});

describe('GET /api/assets/geo-clusters', () => {
  const clusters = async (key: string, query: string) => {
    const res = await api(stack().apiUrl, key).get(`/api/assets/geo-clusters?${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data as { count: number; latitude: number; longitude: number; representative_asset_id: string }[];
  };

  it('counts each grid cell’s assets, with the mean position and the newest as representative', async () => {
    const paris = await clusters(alice, 'bbox=-10,40,10,55&cell_size=1');
    expect(paris.map((c) => [c.count, c.representative_asset_id])).toEqual([
      [3, ids.versailles],
      [1, ids.london],
    ]);
    expect(paris[0]?.latitude).toBeCloseTo((48.8606 + 48.8584 + 48.8049) / 3, 3);
    expect(paris[0]?.longitude).toBeCloseTo((2.3376 + 2.2945 + 2.1204) / 3, 3);
    // 90° cells: London and New York share [0°,90°N]×[90°W,0°]; Fiji's two sit either side of ±180°.
    const world = await clusters(alice, 'bbox=-180,-90,180,90&cell_size=90');
    const byCount = (list: typeof world) => list.map((c) => `${c.count} ${c.representative_asset_id}`).sort();
    expect(byCount(world)).toEqual(
      [`3 ${ids.versailles}`, `2 ${ids.newYork}`, `1 ${ids.lau}`, `1 ${ids.taveuni}`].sort(),
    );
    expect(world.map((c) => c.count)).toEqual([3, 2, 1, 1]);
    expect(await clusters(alice, 'bbox=179,-20,-179,-10&cell_size=5')).toHaveLength(2);
    expect(
      (await clusters(alice, 'bbox=-10,40,10,55&cell_size=1&local_datetime_before=2024-05-03T00:00:00')).map((c) => [
        c.count,
        c.representative_asset_id,
      ]),
    ).toEqual([[2, ids.eiffel]]);
    expect(await clusters(bob, 'bbox=-180,-90,180,90&cell_size=90')).toEqual([
      {
        count: 1,
        latitude: expect.closeTo(48.8606, 3),
        longitude: expect.closeTo(2.3376, 3),
        representative_asset_id: bobsLouvre,
      },
    ]);
  });

  it('refuses a missing bbox, a cell_size below 0.0001 and the filters it does not offer', async () => {
    const a = api(stack().apiUrl, alice);
    for (const [query, detail] of [
      ['cell_size=1', /^query parameter bbox/],
      ['bbox=0,0,1,1', /^query parameter cell_size/],
      ['bbox=0,0,1,1&cell_size=0.00001', /^query parameter cell_size: must be at least 0.0001/],
      ['bbox=0,0,1,1&cell_size=1&person_ids=person_x', /^query parameter person_ids: not supported/],
      ['bbox=0,0,1,1&cell_size=1&state=trashed', /^query parameter state/],
    ] as const) {
      const res = await a.get(`/api/assets/geo-clusters?${query}`);
      expect({ status: res.status, detail: res.body.detail }, query).toEqual({
        status: 422,
        detail: expect.stringMatching(detail),
      });
    }
  });
});

describe('npm run reindex', () => {
  it('fills the geo index of a record written before it, once', async () => {
    const { dynamo } = createClients(stack().config);
    const table = stack().config.TABLE_NAME;
    // What a record written before this index looks like: no geo keys, no projected position.
    await dynamo.send(
      new UpdateCommand({
        TableName: table,
        Key: assetItem(ids.newYork),
        UpdateExpression: 'REMOVE gsi5pk, gsi5sk, geoLat, geoLon',
      }),
    );
    const before = (await dynamo.send(new GetCommand({ TableName: table, Key: assetItem(ids.newYork) }))).Item;
    expect(before?.gsi5pk).toBeUndefined();
    expect(idsOf(await listed(alice, 'bbox=-75,40,-73,41'))).toEqual([]);

    expect(await reindex('--dry-run')).toMatch(/would rewrite 1 of \d+ assets/);
    expect(idsOf(await listed(alice, 'bbox=-75,40,-73,41'))).toEqual([]);
    expect(await reindex()).toMatch(/: rewrote 1 of \d+ assets \(\d+ already indexed\)/);
    expect(idsOf(await listed(alice, 'bbox=-75,40,-73,41'))).toEqual([ids.newYork]);
    const after = (await dynamo.send(new GetCommand({ TableName: table, Key: assetItem(ids.newYork) }))).Item;
    // Only the index attributes changed.
    expect(after).toEqual({
      ...before,
      gsi5pk: after?.gsi5pk,
      gsi5sk: after?.gsi5sk,
      geoLat: 40.7128,
      geoLon: -74.006,
    });
    expect(await reindex()).toMatch(/: rewrote 0 of \d+ assets/);
  });
});
