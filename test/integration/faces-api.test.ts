import { beforeAll, describe, expect, it } from 'vitest';
import { assetListResponse, assetResponse } from '#functions/api/routes/asset-outputs.ts';
import {
  faceListResponse,
  faceResponse,
  personListResponse,
  personResponse,
  taskResponse,
} from '#functions/api/routes/face-outputs.ts';
import { composeAssets } from '#functions/compose-assets.ts';
import type { Face } from '#shared/domain/faces.ts';
import { stableId } from '#shared/domain/ids.ts';
import { api } from '#test/helpers/api.ts';
import { hollowHugePng } from '#test/helpers/bombs.ts';
import { descriptorOf, pairClustering } from '#test/helpers/faces.ts';
import { jpeg } from '#test/helpers/images.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { deviceMetadata, directUpload, newKey } from '#test/helpers/uploads.ts';

// The face, people and task routes through the local stack. The face stage is not part of this
// stack, so faces are written straight into its table (as the stage would) and clustered with
// the composed PeopleClustering; everything after that goes through the API.

const stack = useLocalStack();

let key = '';
let owner = '';
let library = '';
let assets: string[] = [];
let ada = '';
let seeded = 0;
let bob = '';
const client = () => api(stack().apiUrl, key);
const services = () => composeAssets(stack().config);

/** Seeds faces of identities on assets (asset index, identity), as the face stage writes them. */
const seedFaces = async (placements: [number, number][]) => {
  const now = new Date().toISOString();
  const faces: Face[] = placements.map(([asset, identity], rank) => ({
    id: stableId('face', `seed-${key}`, seeded++),
    assetId: assets[asset] ?? '',
    libraryId: library,
    owner,
    box: { x: 10 + rank, y: 10, w: 50, h: 50 },
    source: 'automatic',
    confidence: 0.9,
    descriptor: descriptorOf(identity, 0.05 * (rank + 1)),
    createdAt: now,
    updatedAt: now,
  }));
  for (const face of faces) await services().faces.putFace(face);
  return faces;
};

beforeAll(async () => {
  key = await newKey();
  const [lib] = (await client().get('/api/libraries')).body;
  library = lib.id;
  owner = lib.user_id;
  assets = [];
  for (const color of ['#ff0000', '#00ff00', '#0000ff']) {
    const upload = await directUpload(stack().apiUrl, key, await jpeg({ width: 400, height: 300, color }), 'p.jpg');
    expect(upload.body.state).toBe('ready');
    assets.push(upload.body.id);
  }
  // Ada (identity 1) on assets 0 and 1, Bob (identity 2) on assets 1 and 2.
  const seeded = await seedFaces([
    [0, 1],
    [1, 1],
    [1, 2],
    [2, 2],
  ]);
  // As the stage does: the photo's new faces are placed, the unplaced ones are their company.
  expect(await pairClustering(stack().config).cluster(library, owner, seeded)).toBe('done');
  const people = personListResponse.parse((await client().get('/api/people?name_filter=all')).body).data;
  expect(people).toHaveLength(2);
  const firstFace = faceListResponse.parse((await client().get(`/api/faces?asset_id=${assets[0]}`)).body).data[0];
  ada = firstFace?.person_id ?? '';
  bob = people.find((p) => p.id !== ada)?.id ?? '';
  expect(ada).toMatch(/^person_/);
  await client().patch(`/api/people/${ada}`, { name: 'Ada' });
  await client().patch(`/api/people/${bob}`, { name: 'bob' });
});

describe('faces', () => {
  it('lists the library’s faces in pages, and by asset, person and ids (repeated or comma-separated)', async () => {
    const first = faceListResponse.parse((await client().get('/api/faces?limit=3')).body);
    expect(first.data).toHaveLength(3);
    expect(first.has_more).toBe(true);
    const rest = faceListResponse.parse(
      (await client().get(`/api/faces?limit=3&starting_after_id=${first.data[2]?.id}`)).body,
    );
    expect(rest).toMatchObject({ has_more: false });
    const all = [...first.data, ...rest.data];
    expect(all).toHaveLength(4);
    expect(new Set(all.map((f) => f.id)).size).toBe(4);
    const onMiddle = faceListResponse.parse((await client().get(`/api/faces?asset_id=${assets[1]}`)).body).data;
    expect(new Set(onMiddle.map((f) => f.person_id))).toEqual(new Set([ada, bob]));
    const ofAda = faceListResponse.parse((await client().get(`/api/faces?person_id=${ada}`)).body).data;
    expect(ofAda.map((f) => f.asset_id).sort()).toEqual([assets[0], assets[1]].sort());
    const [x, y] = all;
    const byComma = (await client().get(`/api/faces?ids=${x?.id},${y?.id}`)).body;
    const byRepeat = (await client().get(`/api/faces?ids=${x?.id}&ids=${y?.id}`)).body;
    expect(faceListResponse.parse(byComma).data.map((f) => f.id)).toEqual([x?.id, y?.id].sort());
    expect(byRepeat).toEqual(byComma);
    expect(x).toMatchObject({ source: 'automatic', confidence: 0.9, timestamp_ms: null });
    expect(x?.asset_urls.thumbnail?.url).toBe(x?.thumbnail_url);
  });

  it('include=cluster_assignment tells the distance to its person and the nearest other people', async () => {
    const [face] = faceListResponse.parse(
      (await client().get(`/api/faces?asset_id=${assets[0]}&include=cluster_assignment`)).body,
    ).data;
    const assignment = face?.cluster_assignment;
    expect(assignment?.distance_to_person).toBeLessThan(0.05);
    expect(assignment?.candidates).toEqual([{ person_id: bob, name: 'bob', distance: expect.any(Number) }]);
    expect(assignment?.candidates[0]?.distance).toBeGreaterThan(0.5);
    const single = faceResponse.parse((await client().get(`/api/faces/${face?.id}?include=cluster_assignment`)).body);
    expect(single.cluster_assignment).toEqual(assignment);
    expect(faceResponse.parse((await client().get(`/api/faces/${face?.id}`)).body).cluster_assignment).toBeUndefined();
  });

  it('refuses bad boxes, limits, ids and includes with 422 naming the field', async () => {
    const cases: [Promise<{ status: number; body: { detail: string } }>, RegExp][] = [
      [
        client().post('/api/faces', { asset_id: assets[0], bounding_box: { x: 390, y: 0, w: 20, h: 20 } }),
        /^bounding_box: must fit inside the asset \(400×300\)/,
      ],
      [
        client().post('/api/faces', { asset_id: assets[0], bounding_box: { x: 0, y: 0, w: 0, h: 20 } }),
        /^bounding_box: w and h must be greater than 0/,
      ],
      [
        client().post('/api/faces', { asset_id: assets[0], bounding_box: { x: -1, y: 0, w: 5, h: 5 } }),
        /^bounding_box.x/,
      ],
      [
        client().post('/api/faces', { asset_id: assets[0], bounding_box: { x: 1.5, y: 0, w: 5, h: 5 } }),
        /^bounding_box.x/,
      ],
      [client().post('/api/faces', { asset_id: assets[0], bounding_box: { x: 0, y: 0, w: 5 } }), /^bounding_box.h/],
      [client().get('/api/faces?limit=0'), /^query parameter limit/],
      [client().get('/api/faces?limit=201'), /^query parameter limit/],
      [client().get('/api/faces?include=everything'), /^query parameter include/],
      [client().get('/api/faces?ids=asset_x'), /^query parameter ids/],
      [client().get('/api/faces/face_nope'), /^id: must be a face id/],
      [client().patch(`/api/faces/${stableId('face', 'x')}`, {}), /^person_id/],
    ];
    for (const [pending, detail] of cases) {
      const res = await pending;
      expect(res.status, String(detail)).toBe(422);
      expect(res.body.detail).toMatch(detail);
    }
  });

  it('a face drawn by hand is manual, pinned to its person, with a crop of the preview', async () => {
    const created = await client().post('/api/faces', {
      asset_id: assets[2],
      bounding_box: { x: 100, y: 50, w: 120, h: 100 },
      person_id: ada,
    });
    expect(created.status).toBe(201);
    const face = faceResponse.parse(created.body);
    expect(face).toMatchObject({ source: 'manual', confidence: null, person_id: ada, asset_id: assets[2] });
    const crop = await fetch(face.thumbnail_url);
    expect(crop.status).toBe(200);
    expect(crop.headers.get('content-type')).toBe('image/jpeg');
    const person = personResponse.parse((await client().get(`/api/people/${ada}`)).body);
    expect(person.asset_count).toBe(3);
    const asset = assetResponse.parse((await client().get(`/api/assets/${assets[2]}`)).body);
    expect(asset.faces.map((f) => f.id)).toContain(face.id);
    expect(asset.people.map((p) => p.id).sort()).toEqual([ada, bob].sort());
    expect(asset.faces.find((f) => f.id === face.id)?.thumbnail_url).toMatch(/^http/);
    await client().delete(`/api/faces/${face.id}`);
    expect((await client().get(`/api/faces/${face.id}`)).status).toBe(404);
    expect((await fetch(face.thumbnail_url)).status).toBe(404);
    expect(personResponse.parse((await client().get(`/api/people/${ada}`)).body).asset_count).toBe(2);
  });

  it('a person from another library is refused for a face', async () => {
    const other = (await client().post('/api/libraries', { name: 'Other' })).body.id;
    const stranger = (await client().post('/api/people', { library_id: other, name: 'Stranger' })).body.id;
    const res = await client().post('/api/faces', {
      asset_id: assets[0],
      bounding_box: { x: 0, y: 0, w: 5, h: 5 },
      person_id: stranger,
    });
    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/^person_id: the person is in another library/);
    expect((await client().get(`/api/faces?library_id=${other}`)).body.data).toEqual([]);
  });
});

describe('assets by people', () => {
  it('person_ids keeps the assets that hold all of the given people', async () => {
    const both = assetListResponse.parse((await client().get(`/api/assets?person_ids=${ada},${bob}`)).body);
    expect(both.data.map((a) => a.id)).toEqual([assets[1]]);
    const ofAda = assetListResponse.parse((await client().get(`/api/assets?person_ids=${ada}&order=asc`)).body);
    expect(ofAda.data.map((a) => a.id).sort()).toEqual([assets[0], assets[1]].sort());
    const paged = assetListResponse.parse((await client().get(`/api/assets?person_ids=${ada}&limit=1`)).body);
    expect(paged).toMatchObject({ has_more: true });
    const narrowed = (await client().get(`/api/assets?person_ids=${ada}&ids=${assets[0]}`)).body;
    expect(assetListResponse.parse(narrowed).data.map((a) => a.id)).toEqual([assets[0]]);
    expect((await client().get(`/api/assets?person_ids=${stableId('person', 'none')}`)).status).toBe(404);
  });
});

describe('people', () => {
  it('lists named people by default, everyone with name_filter=all or ids, sorted and paged', async () => {
    const extra = personResponse.parse((await client().post('/api/people', { birth_date: '1990-05-01' })).body);
    expect(extra).toMatchObject({ name: null, birth_date: '1990-05-01', asset_count: 0, thumbnail_face_url: null });
    const names = async (query: string) =>
      personListResponse.parse((await client().get(`/api/people?${query}`)).body).data.map((p) => p.name);
    expect(await names('sort=name_asc')).toEqual(['Ada', 'bob']);
    expect(await names('sort=name_desc&name_filter=all')).toEqual(['bob', 'Ada', null]);
    expect(await names('name_filter=unnamed')).toEqual([null]);
    expect(await names(`ids=${extra.id},${ada}&sort=name_asc`)).toEqual(['Ada', null]);
    expect(await names('name=AD')).toEqual(['Ada']);
    expect((await names('sort=created_at_desc&name_filter=all'))[0]).toBeNull();
    expect((await names('sort=created_at_asc&name_filter=all')).at(-1)).toBeNull();
    expect(await names(`asset_id=${assets[0]}`)).toEqual(['Ada']);
    const byCount = personListResponse.parse(
      (await client().get('/api/people?sort=asset_count_desc&name_filter=all')).body,
    );
    expect(byCount.data.map((p) => p.asset_count)).toEqual([2, 2, 0]);
    const page = personListResponse.parse((await client().get('/api/people?sort=name_asc&limit=1')).body);
    expect(page).toMatchObject({ has_more: true, data: [{ name: 'Ada' }] });
    const next = personListResponse.parse(
      (await client().get(`/api/people?sort=name_asc&limit=1&starting_after_id=${page.data[0]?.id}`)).body,
    );
    expect(next).toMatchObject({ has_more: false, data: [{ name: 'bob' }] });
    await client().delete(`/api/people/${extra.id}`);
  });

  it('include=cluster_metrics tells how tight each person is', async () => {
    const person = personResponse.parse((await client().get(`/api/people/${ada}?include=cluster_metrics`)).body);
    expect(person.cluster_metrics).toEqual({
      face_count: 2,
      pairwise_mean: expect.any(Number),
      pairwise_p90: expect.any(Number),
    });
    expect(person.asset_urls.thumbnail?.url).toBe(person.thumbnail_face_url);
    const listed = personListResponse.parse((await client().get('/api/people?include=cluster_metrics')).body);
    expect(listed.data.every((p) => p.cluster_metrics?.face_count === 2)).toBe(true);
  });

  it('album_id lists the people with a face in one of the album’s assets', async () => {
    const album = (await client().post('/api/albums', { name: 'Ada only' })).body.id;
    await client().post(`/api/albums/${album}/assets`, { asset_ids: [assets[0]] });
    const inAlbum = personListResponse.parse((await client().get(`/api/people?album_id=${album}`)).body).data;
    expect(inAlbum.map((p) => p.id)).toEqual([ada]);
    expect((await client().get('/api/people?album_id=album_2222222222222222222222')).status).toBe(404);
  });

  it('refuses what it does not offer or cannot mean with 422', async () => {
    const cases: [Promise<{ status: number; body: { detail: string } }>, RegExp][] = [
      [client().get('/api/people?sort=name_asc&name_filter=unnamed'), /^sort: name sorts cannot be combined/],
      [client().get('/api/people?include=faces'), /^query parameter include/],
      [client().get('/api/people?sort=age'), /^query parameter sort/],
      [client().get('/api/people?album_id=album_x'), /^query parameter album_id: must be an album id/],
      [client().get(`/api/people?starting_after_id=${stableId('person', 'x')}`), /^starting_after_id/],
      [client().patch(`/api/people/${ada}`, { birth_date: '1990-13-40' }), /^birth_date: must be an ISO date/],
      [client().patch(`/api/people/${ada}`, { nickname: 'A' }), /nickname/],
      [client().patch(`/api/people/${ada}`, { thumbnail_face_id: stableId('face', 'x') }), /^thumbnail_face_id/],
      [
        client().post(`/api/people/${ada}/merge`, { source_person_ids: [ada] }),
        /^source_person_ids: a person cannot be merged into itself/,
      ],
      [client().post(`/api/people/${ada}/merge`, { source_person_ids: [] }), /^source_person_ids/],
    ];
    for (const [pending, detail] of cases) {
      const res = await pending;
      expect(res.status, String(detail)).toBe(422);
      expect(res.body.detail).toMatch(detail);
    }
  });

  it('updates fields, and null clears them', async () => {
    const [face] = faceListResponse.parse((await client().get(`/api/faces?person_id=${ada}`)).body).data;
    const set = personResponse.parse(
      (
        await client().patch(`/api/people/${ada}`, {
          birth_date: '1815-12-10',
          is_favorite: true,
          is_hidden: true,
          thumbnail_face_id: face?.id,
        })
      ).body,
    );
    expect(set).toMatchObject({
      name: 'Ada',
      birth_date: '1815-12-10',
      is_favorite: true,
      is_hidden: true,
      thumbnail_face_id: face?.id,
    });
    const cleared = personResponse.parse(
      (await client().patch(`/api/people/${ada}`, { birth_date: null, is_hidden: false })).body,
    );
    expect(cleared).toMatchObject({ birth_date: null, is_hidden: false, is_favorite: true, name: 'Ada' });
  });
});

describe('changing who is who', () => {
  it('detaching a face leaves it no one’s, and clustering does not put it back', async () => {
    const [face] = await seedFaces([[2, 1]]);
    const id = face?.id ?? '';
    await pairClustering(stack().config).cluster(library, owner, face ? [face] : []);
    expect(faceResponse.parse((await client().get(`/api/faces/${id}`)).body).person_id).toBe(ada);
    const detached = faceResponse.parse((await client().patch(`/api/faces/${id}`, { person_id: null })).body);
    expect(detached.person_id).toBeNull();
    // Even offered as new, a face taken off by hand is not placed again.
    const pinned = await composeAssets(stack().config).faces.getFace(id);
    await pairClustering(stack().config).cluster(library, owner, pinned ? [pinned] : []);
    expect(faceResponse.parse((await client().get(`/api/faces/${id}`)).body).person_id).toBeNull();
    const moved = faceResponse.parse((await client().patch(`/api/faces/${id}`, { person_id: bob })).body);
    expect(moved.person_id).toBe(bob);
    expect(personResponse.parse((await client().get(`/api/people/${bob}`)).body).asset_count).toBe(2);
  });

  it('merging moves the sources’ faces to the target and deletes the sources', async () => {
    const carol = personResponse.parse((await client().post('/api/people', { name: 'Carol' })).body);
    const merged = personResponse.parse(
      (await client().post(`/api/people/${ada}/merge`, { source_person_ids: [bob, carol.id] })).body,
    );
    expect(merged).toMatchObject({ id: ada, name: 'Ada', asset_count: 3 });
    expect((await client().get(`/api/people/${bob}`)).status).toBe(404);
    expect((await client().get(`/api/people/${carol.id}`)).status).toBe(404);
    const faces = faceListResponse.parse((await client().get('/api/faces')).body).data;
    expect(faces.every((f) => f.person_id === ada)).toBe(true);
  });

  it('deleting a person leaves its faces, unassigned', async () => {
    expect((await client().delete(`/api/people/${ada}`)).status).toBe(200);
    expect((await client().get(`/api/people/${ada}`)).status).toBe(404);
    const faces = faceListResponse.parse((await client().get('/api/faces')).body).data;
    expect(faces).toHaveLength(5);
    expect(faces.every((f) => f.person_id === null)).toBe(true);
    const asset = assetResponse.parse((await client().get(`/api/assets/${assets[1]}`)).body);
    expect(asset.people).toEqual([]);
    expect(asset.faces).toHaveLength(2);
  });

  it('deleting a person’s last face removes the person', async () => {
    const [face] = faceListResponse.parse((await client().get('/api/faces?limit=1')).body).data;
    const lone = personResponse.parse((await client().post('/api/people', { name: 'Lone' })).body);
    await client().patch(`/api/faces/${face?.id}`, { person_id: lone.id });
    expect(personResponse.parse((await client().get(`/api/people/${lone.id}`)).body).asset_count).toBe(1);
    expect((await client().delete(`/api/faces/${face?.id}`)).status).toBe(200);
    expect((await client().get(`/api/people/${lone.id}`)).status).toBe(404);
  });
});

describe('tasks', () => {
  it('lists the processor’s stages from the asset and the face stage’s records, newest first', async () => {
    const later = new Date(Date.now() + 1000).toISOString();
    await services().tasks.put({
      assetId: assets[0] ?? '',
      libraryId: library,
      owner,
      type: 'face_detection',
      status: 'success',
      createdAt: later,
      startedAt: later,
      completedAt: later,
      result: '1 face',
      retryCount: 0,
      deliveryId: 'delivery-1',
      version: 1,
    });
    const res = await client().get(`/api/tasks/asset/${assets[0]}`);
    expect(res.status).toBe(200);
    const tasks = res.body.map((t: unknown) => taskResponse.parse(t));
    // Detection is recorded; clustering, which the stage has not begun here, is pending.
    expect(tasks.map((t: { task_type: string }) => t.task_type)).toEqual([
      'face_detection',
      'face_clustering',
      'thumbhash',
      'image_quality',
    ]);
    expect(tasks[0]).toMatchObject({ result: '1 face', celery_task_id: 'delivery-1', status: 'success' });
    expect(tasks[1]).toMatchObject({ status: 'pending', completed_at: null });
    expect(tasks[2]).toMatchObject({
      id: stableId('btask', assets[0] ?? '', 'thumbhash'),
      status: 'success',
      error_message: null,
    });
  });

  it('a failed asset’s stages fail with its error; a pending one’s are pending', async () => {
    // A PNG that claims 20000×20000 pixels and holds almost none: processing fails on it.
    const broken = hollowHugePng();
    const bad = await directUpload(stack().apiUrl, key, broken, 'bomb.png', deviceMetadata());
    expect(bad.body.state).toBe('failed');
    const failed = (await client().get(`/api/tasks/asset/${bad.body.id}`)).body;
    expect(failed.every((t: { status: string }) => t.status === 'failure')).toBe(true);
    expect(failed[0].error_message).toBe(bad.body.error);
    const upload = await client().post('/api/assets/uploads', {
      ...deviceMetadata(),
      file_name: 'later.jpg',
      mime_type: 'image/jpeg',
      file_size_bytes: 100,
    });
    const pending = (await client().get(`/api/tasks/asset/${upload.body.asset_id}`)).body;
    expect(pending.map((t: { status: string }) => t.status)).toEqual(['pending', 'pending', 'pending', 'pending']);
    // A failed asset is never looked at for faces.
    expect(failed.map((t: { task_type: string }) => t.task_type)).not.toContain('face_detection');
  });
});
