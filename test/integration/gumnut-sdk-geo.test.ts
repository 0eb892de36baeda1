import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { api } from '#test/helpers/api.ts';
import { photoAt } from '#test/helpers/geo-photos.ts';
import { describeWithSdk, runSdk, type SdkTarget } from '#test/helpers/gumnut-sdk.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { newKey } from '#test/helpers/uploads.ts';

// Search by place as an SDK user does it: assets.list with bbox or center+radius (auto-paging over
// starting_after_id), assets.cluster_by_geo, strict response validation on.
const stack = useLocalStack();
const files = mkdtempSync(join(tmpdir(), 'sdk-geo-'));
afterAll(() => rmSync(files, { recursive: true, force: true }));

const PHOTOS = [
  { name: 'louvre', at: [48.8606, 2.3376], day: 1, trip: false },
  { name: 'eiffel', at: [48.8584, 2.2945], day: 2, trip: true },
  { name: 'versailles', at: [48.8049, 2.1204], day: 3, trip: true },
  { name: 'taveuni', at: [-16.85, 179.95], day: 4, trip: false },
  { name: 'lau', at: [-16.9, -179.95], day: 5, trip: false },
] as const;

let alice: SdkTarget;
let bob: SdkTarget;
let trip = '';
const ids: Record<string, string> = {};

const CREATE = `
import datetime
asset = client.assets.create(
    asset_data=open(ARGS["path"], "rb"),
    device_asset_id=ARGS["name"],
    device_id="sdk-phone",
    file_created_at=datetime.datetime(2024, 5, 1),
    file_modified_at=datetime.datetime(2024, 5, 1),
    **({"library_id": ARGS["library_id"]} if ARGS.get("library_id") else {}),
)
emit(asset.id)
`;

beforeAll(async () => {
  alice = { baseUrl: stack().apiUrl, apiKey: await newKey() };
  bob = { baseUrl: stack().apiUrl, apiKey: await newKey() };
  trip = (await api(stack().apiUrl, alice.apiKey).post('/api/libraries', { name: 'Trip' })).body.id;
  for (const photo of PHOTOS) {
    const path = join(files, `${photo.name}.jpg`);
    const taken = `2024:05:${String(photo.day).padStart(2, '0')} 10:00:00`;
    writeFileSync(path, await photoAt([...photo.at], taken, `#${(photo.day * 40).toString(16)}2020`));
    ids[photo.name] = await runSdk(alice, CREATE, { path, name: photo.name, ...(photo.trip && { library_id: trip }) });
  }
});

describeWithSdk('search by place through the Gumnut SDK', () => {
  it('assets.list takes bbox (antimeridian too) and center+radius, pages them, and combines with library_id', async () => {
    const answer = await runSdk(
      alice,
      `
ids = lambda page: [a.id for a in page]
emit({
    "paris": ids(client.assets.list(bbox="2.0,48.7,2.5,48.95")),
    "paged": ids(client.assets.list(bbox="2.0,48.7,2.5,48.95", limit=1)),
    "first_page": [a.id for a in client.assets.list(bbox="2.0,48.7,2.5,48.95", limit=2).data],
    "near": ids(client.assets.list(center="2.2945,48.8584", radius=4000)),
    "trip": ids(client.assets.list(bbox="2.0,48.7,2.5,48.95", library_id=ARGS["trip"], order="asc")),
    "crossing": ids(client.assets.list(bbox="179.9,-17,-179.9,-16.8")),
    "metadata": [(a.id, a.metadata.latitude, a.metadata.longitude) for a in client.assets.list(center="179.95,-16.85", radius=1000, include=["metadata"])],
    "bad": api_error(lambda: client.assets.list(bbox="2.0,48.7,2.5")),
    "both": api_error(lambda: client.assets.list(bbox="2.0,48.7,2.5,48.95", center="2,48", radius=10)),
})`,
      { trip },
    );
    expect(answer.paris).toEqual([ids.versailles, ids.eiffel, ids.louvre]);
    expect(answer.paged).toEqual([ids.versailles, ids.eiffel, ids.louvre]);
    expect(answer.first_page).toEqual([ids.versailles, ids.eiffel]);
    expect(answer.near).toEqual([ids.eiffel, ids.louvre]);
    expect(answer.trip).toEqual([ids.eiffel, ids.versailles]);
    expect(answer.crossing).toEqual([ids.lau, ids.taveuni]);
    expect(answer.metadata).toEqual([[ids.taveuni, expect.closeTo(-16.85, 4), expect.closeTo(179.95, 4)]]);
    expect(answer.bad).toMatchObject({ status: 422, error: 'UnprocessableEntityError' });
    expect(answer.bad.body.detail).toMatch(/^query parameter bbox: must be 4 comma-separated/);
    expect(answer.both.status).toBe(422);
  });

  it('assets.cluster_by_geo answers the cells as the SDK models them; another user sees none of them', async () => {
    const answer = await runSdk(
      alice,
      `
r = client.assets.with_raw_response.cluster_by_geo(bbox="-180,-90,180,90", cell_size=10)
emit({
    "typed": [type(c).__name__ for c in r.parse().data],
    "world": r.json(),
    "trip": client.assets.cluster_by_geo(bbox="-10,40,10,55", cell_size=1, library_id=ARGS["trip"]),
    "before": client.assets.cluster_by_geo(bbox="-10,40,10,55", cell_size=1, local_datetime_before="2024-05-02T12:00:00"),
    "fine": api_error(lambda: client.assets.cluster_by_geo(bbox="0,0,1,1", cell_size=0.00001)),
})`,
      { trip },
    );
    expect(answer.typed).toEqual(['Data', 'Data', 'Data']);
    const cells = answer.world.data as { count: number; representative_asset_id: string }[];
    expect(cells.map((c) => `${c.count} ${c.representative_asset_id}`).sort()).toEqual(
      [`3 ${ids.versailles}`, `1 ${ids.taveuni}`, `1 ${ids.lau}`].sort(),
    );
    expect(cells[0]).toEqual({
      count: 3,
      latitude: expect.closeTo((48.8606 + 48.8584 + 48.8049) / 3, 3),
      longitude: expect.closeTo((2.3376 + 2.2945 + 2.1204) / 3, 3),
      representative_asset_id: ids.versailles,
    });
    expect(answer.trip.data.map((c: { count: number }) => c.count)).toEqual([2]);
    expect(answer.before.data).toEqual([
      { count: 2, latitude: expect.any(Number), longitude: expect.any(Number), representative_asset_id: ids.eiffel },
    ]);
    expect(answer.fine.status).toBe(422);
    const theirs = await runSdk(
      bob,
      `emit({
    "clusters": client.assets.cluster_by_geo(bbox="-180,-90,180,90", cell_size=10).data,
    "listed": [a.id for a in client.assets.list(bbox="-180,-90,180,90")],
    "library": api_error(lambda: client.assets.cluster_by_geo(bbox="-180,-90,180,90", cell_size=10, library_id=ARGS["trip"])),
})`,
      { trip },
    );
    expect(theirs).toMatchObject({ clusters: [], listed: [], library: { status: 404 } });
  });
});
