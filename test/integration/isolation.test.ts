import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, type RouteName } from '#shared/http/routes.ts';
import { api } from '#test/helpers/api.ts';
import { photoAt } from '#test/helpers/geo-photos.ts';
import { uniquePng } from '#test/helpers/images.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { deviceMetadata, directUpload, newKey } from '#test/helpers/uploads.ts';

const MiB = 1024 * 1024;
process.env.DARKROOM_MULTIPART_THRESHOLD_BYTES = String(8 * MiB);
const stack = useLocalStack();

const MISSING_ASSET = 'asset_2222222222222222222222';
const MISSING_LIBRARY = 'lib_2222222222222222222222';
const WORLD = 'bbox=-180,-90,180,90&cell_size=10';
const MISSING_FACE = 'face_2222222222222222222222';
const MISSING_PERSON = 'person_2222222222222222222222';
const MISSING_ALBUM = 'album_2222222222222222222222';
const MISSING_LINK = 'album_asset_2222222222222222222222';
let a = {
  album: '',
  link: '',
  key: '',
  library: '',
  placed: '',
  asset: { id: '', checksum: '', checksum_sha1: '', device_id: '', device_asset_id: '' },
  upload: '',
  face: '',
  person: '',
};
let bKey = '';

beforeAll(async () => {
  const key = await newKey();
  const library = (await api(stack().apiUrl, key).post('/api/libraries', { name: 'Private' })).body.id;
  const metadata = deviceMetadata({ library_id: library });
  const asset = (await directUpload(stack().apiUrl, key, await uniquePng(9001), 'mine.png', metadata)).body;
  const upload = await api(stack().apiUrl, key).post('/api/assets/uploads', {
    ...deviceMetadata(),
    file_name: 'big.mp4',
    mime_type: 'video/mp4',
    file_size_bytes: 20 * MiB,
  });
  const placed = (
    await directUpload(
      stack().apiUrl,
      key,
      await photoAt([48.8566, 2.3522]),
      'paris.jpg',
      deviceMetadata({ library_id: library }),
    )
  ).body.id;
  // A face drawn by hand on a person of A's: the routes' ids to try from B's key.
  const mine = api(stack().apiUrl, key);
  const person = (await mine.post('/api/people', { library_id: library, name: 'Ada' })).body.id;
  const face = await mine.post('/api/faces', {
    asset_id: asset.id,
    bounding_box: { x: 0, y: 0, w: 4, h: 4 },
    person_id: person,
  });
  expect(face.status).toBe(201);
  const album = (await mine.post('/api/albums', { name: 'Mine', library_id: library })).body.id;
  await mine.post(`/api/albums/${album}/assets`, { asset_ids: [asset.id] });
  const link = (await mine.get(`/api/album-assets?album_id=${album}`)).body.data[0].id;
  a = { key, library, placed, asset, upload: upload.body.asset_id, face: face.body.id, person, album, link };
  bKey = await newKey();
});

type Call = { method: 'get' | 'post' | 'patch' | 'delete'; path: string; body?: unknown };
type Case = { foreign: () => Call; missing: () => Call };

const multipartForm = (libraryId: string) => {
  const form = new FormData();
  for (const [k, v] of Object.entries(deviceMetadata({ library_id: libraryId }))) form.append(k, v);
  form.append('asset_data', new Blob([Buffer.from('not needed')]), 'x.png');
  return form;
};
const upload = (libraryId: string) => ({
  ...deviceMetadata({ library_id: libraryId }),
  file_name: 'x.jpg',
  mime_type: 'image/jpeg',
  file_size_bytes: 10,
});

// Every route that takes an id of someone's, with the caller's key being another user's.
const CASES: Partial<Record<RouteName, Case>> = {
  getLibrary: {
    foreign: () => ({ method: 'get', path: `/api/libraries/${a.library}` }),
    missing: () => ({ method: 'get', path: `/api/libraries/${MISSING_LIBRARY}` }),
  },
  updateLibrary: {
    foreign: () => ({ method: 'patch', path: `/api/libraries/${a.library}`, body: { name: 'mine now' } }),
    missing: () => ({ method: 'patch', path: `/api/libraries/${MISSING_LIBRARY}`, body: { name: 'mine now' } }),
  },
  deleteLibrary: {
    foreign: () => ({ method: 'delete', path: `/api/libraries/${a.library}` }),
    missing: () => ({ method: 'delete', path: `/api/libraries/${MISSING_LIBRARY}` }),
  },
  trashLibrary: {
    foreign: () => ({ method: 'post', path: `/api/libraries/${a.library}/trash` }),
    missing: () => ({ method: 'post', path: `/api/libraries/${MISSING_LIBRARY}/trash` }),
  },
  restoreLibrary: {
    foreign: () => ({ method: 'post', path: `/api/libraries/${a.library}/restore` }),
    missing: () => ({ method: 'post', path: `/api/libraries/${MISSING_LIBRARY}/restore` }),
  },
  getAsset: {
    foreign: () => ({ method: 'get', path: `/api/assets/${a.asset.id}` }),
    missing: () => ({ method: 'get', path: `/api/assets/${MISSING_ASSET}` }),
  },
  bulkUpdateAssets: {
    foreign: () => ({
      method: 'post',
      path: '/api/assets/bulk-update',
      body: { updates: [{ id: a.asset.id, change: { description: 'mine now' } }] },
    }),
    missing: () => ({
      method: 'post',
      path: '/api/assets/bulk-update',
      body: { updates: [{ id: MISSING_ASSET, change: { description: 'mine now' } }] },
    }),
  },
  updateAsset: {
    foreign: () => ({ method: 'patch', path: `/api/assets/${a.asset.id}`, body: { description: 'mine now' } }),
    missing: () => ({ method: 'patch', path: `/api/assets/${MISSING_ASSET}`, body: { description: 'mine now' } }),
  },
  deleteAsset: {
    foreign: () => ({ method: 'delete', path: `/api/assets/${a.asset.id}` }),
    missing: () => ({ method: 'delete', path: `/api/assets/${MISSING_ASSET}` }),
  },
  trashAssets: {
    foreign: () => ({ method: 'post', path: '/api/assets/trash', body: { ids: [a.asset.id] } }),
    missing: () => ({ method: 'post', path: '/api/assets/trash', body: { ids: [MISSING_ASSET] } }),
  },
  restoreAssets: {
    foreign: () => ({ method: 'post', path: '/api/assets/restore', body: { ids: [a.asset.id] } }),
    missing: () => ({ method: 'post', path: '/api/assets/restore', body: { ids: [MISSING_ASSET] } }),
  },
  deleteAssets: {
    foreign: () => ({ method: 'delete', path: '/api/assets', body: { ids: [a.asset.id] } }),
    missing: () => ({ method: 'delete', path: '/api/assets', body: { ids: [MISSING_ASSET] } }),
  },
  emptyTrash: {
    foreign: () => ({ method: 'post', path: `/api/assets/empty-trash?library_id=${a.library}` }),
    missing: () => ({ method: 'post', path: `/api/assets/empty-trash?library_id=${MISSING_LIBRARY}` }),
  },
  getUpload: {
    foreign: () => ({ method: 'get', path: `/api/assets/uploads/${a.upload}` }),
    missing: () => ({ method: 'get', path: `/api/assets/uploads/${MISSING_ASSET}` }),
  },
  signUploadParts: {
    foreign: () => ({ method: 'post', path: `/api/assets/uploads/${a.upload}/parts`, body: { part_numbers: [1] } }),
    missing: () => ({
      method: 'post',
      path: `/api/assets/uploads/${MISSING_ASSET}/parts`,
      body: { part_numbers: [1] },
    }),
  },
  completeUpload: {
    foreign: () => ({
      method: 'post',
      path: `/api/assets/uploads/${a.upload}/complete`,
      body: { parts: [{ part_number: 1, etag: 'x' }] },
    }),
    missing: () => ({
      method: 'post',
      path: `/api/assets/uploads/${MISSING_ASSET}/complete`,
      body: { parts: [{ part_number: 1, etag: 'x' }] },
    }),
  },
  abortUpload: {
    foreign: () => ({ method: 'delete', path: `/api/assets/uploads/${a.upload}` }),
    missing: () => ({ method: 'delete', path: `/api/assets/uploads/${MISSING_ASSET}` }),
  },
  listAssets: {
    foreign: () => ({ method: 'get', path: `/api/assets?library_id=${a.library}` }),
    missing: () => ({ method: 'get', path: `/api/assets?library_id=${MISSING_LIBRARY}` }),
  },
  geoClusters: {
    foreign: () => ({ method: 'get', path: `/api/assets/geo-clusters?${WORLD}&library_id=${a.library}` }),
    missing: () => ({ method: 'get', path: `/api/assets/geo-clusters?${WORLD}&library_id=${MISSING_LIBRARY}` }),
  },
  existAssets: {
    foreign: () => ({
      method: 'post',
      path: '/api/assets/exist',
      body: { checksums: [a.asset.checksum], library_id: a.library },
    }),
    missing: () => ({
      method: 'post',
      path: '/api/assets/exist',
      body: { checksums: [a.asset.checksum], library_id: MISSING_LIBRARY },
    }),
  },
  createUpload: {
    foreign: () => ({ method: 'post', path: '/api/assets/uploads', body: upload(a.library) }),
    missing: () => ({ method: 'post', path: '/api/assets/uploads', body: upload(MISSING_LIBRARY) }),
  },
  uploadAsset: {
    foreign: () => ({ method: 'post', path: '/api/assets', body: 'form' }),
    missing: () => ({ method: 'post', path: '/api/assets', body: 'form-missing' }),
  },
  createFace: {
    foreign: () => ({ method: 'post', path: '/api/faces', body: { asset_id: a.asset.id, bounding_box: box } }),
    missing: () => ({ method: 'post', path: '/api/faces', body: { asset_id: MISSING_ASSET, bounding_box: box } }),
  },
  listFaces: {
    foreign: () => ({ method: 'get', path: `/api/faces?person_id=${a.person}` }),
    missing: () => ({ method: 'get', path: `/api/faces?person_id=${MISSING_PERSON}` }),
  },
  getFace: {
    foreign: () => ({ method: 'get', path: `/api/faces/${a.face}` }),
    missing: () => ({ method: 'get', path: `/api/faces/${MISSING_FACE}` }),
  },
  updateFace: {
    foreign: () => ({ method: 'patch', path: `/api/faces/${a.face}`, body: { person_id: null } }),
    missing: () => ({ method: 'patch', path: `/api/faces/${MISSING_FACE}`, body: { person_id: null } }),
  },
  deleteFace: {
    foreign: () => ({ method: 'delete', path: `/api/faces/${a.face}` }),
    missing: () => ({ method: 'delete', path: `/api/faces/${MISSING_FACE}` }),
  },
  listPeople: {
    foreign: () => ({ method: 'get', path: `/api/people?asset_id=${a.asset.id}` }),
    missing: () => ({ method: 'get', path: `/api/people?asset_id=${MISSING_ASSET}` }),
  },
  createPerson: {
    foreign: () => ({ method: 'post', path: '/api/people', body: { library_id: a.library } }),
    missing: () => ({ method: 'post', path: '/api/people', body: { library_id: MISSING_LIBRARY } }),
  },
  getPerson: {
    foreign: () => ({ method: 'get', path: `/api/people/${a.person}` }),
    missing: () => ({ method: 'get', path: `/api/people/${MISSING_PERSON}` }),
  },
  updatePerson: {
    foreign: () => ({ method: 'patch', path: `/api/people/${a.person}`, body: { name: 'Eve' } }),
    missing: () => ({ method: 'patch', path: `/api/people/${MISSING_PERSON}`, body: { name: 'Eve' } }),
  },
  deletePerson: {
    foreign: () => ({ method: 'delete', path: `/api/people/${a.person}` }),
    missing: () => ({ method: 'delete', path: `/api/people/${MISSING_PERSON}` }),
  },
  mergePeople: {
    foreign: () => ({
      method: 'post',
      path: `/api/people/${a.person}/merge`,
      body: { source_person_ids: [MISSING_PERSON] },
    }),
    missing: () => ({
      method: 'post',
      path: `/api/people/${MISSING_PERSON}/merge`,
      body: { source_person_ids: [a.person] },
    }),
  },
  listAlbums: {
    foreign: () => ({ method: 'get', path: `/api/albums?asset_id=${a.asset.id}` }),
    missing: () => ({ method: 'get', path: `/api/albums?asset_id=${MISSING_ASSET}` }),
  },
  createAlbum: {
    foreign: () => ({ method: 'post', path: '/api/albums', body: { library_id: a.library } }),
    missing: () => ({ method: 'post', path: '/api/albums', body: { library_id: MISSING_LIBRARY } }),
  },
  getAlbum: {
    foreign: () => ({ method: 'get', path: `/api/albums/${a.album}` }),
    missing: () => ({ method: 'get', path: `/api/albums/${MISSING_ALBUM}` }),
  },
  updateAlbum: {
    foreign: () => ({ method: 'patch', path: `/api/albums/${a.album}`, body: { name: 'mine now' } }),
    missing: () => ({ method: 'patch', path: `/api/albums/${MISSING_ALBUM}`, body: { name: 'mine now' } }),
  },
  deleteAlbum: {
    foreign: () => ({ method: 'delete', path: `/api/albums/${a.album}` }),
    missing: () => ({ method: 'delete', path: `/api/albums/${MISSING_ALBUM}` }),
  },
  addAlbumAssets: {
    foreign: () => ({ method: 'post', path: `/api/albums/${a.album}/assets`, body: { asset_ids: [a.asset.id] } }),
    missing: () => ({ method: 'post', path: `/api/albums/${MISSING_ALBUM}/assets`, body: { asset_ids: [a.asset.id] } }),
  },
  removeAlbumAssets: {
    foreign: () => ({ method: 'delete', path: `/api/albums/${a.album}/assets`, body: { asset_ids: [a.asset.id] } }),
    missing: () => ({
      method: 'delete',
      path: `/api/albums/${MISSING_ALBUM}/assets`,
      body: { asset_ids: [a.asset.id] },
    }),
  },
  listAlbumAssetLinks: {
    foreign: () => ({ method: 'get', path: `/api/album-assets?album_id=${a.album}` }),
    missing: () => ({ method: 'get', path: `/api/album-assets?album_id=${MISSING_ALBUM}` }),
  },
  getAlbumAssetLink: {
    foreign: () => ({ method: 'get', path: `/api/album-assets/${a.link}` }),
    missing: () => ({ method: 'get', path: `/api/album-assets/${MISSING_LINK}` }),
  },
  assetTasks: {
    foreign: () => ({ method: 'get', path: `/api/tasks/asset/${a.asset.id}` }),
    missing: () => ({ method: 'get', path: `/api/tasks/asset/${MISSING_ASSET}` }),
  },
  listEvents: {
    foreign: () => ({ method: 'get', path: `/api/events?library_id=${a.library}` }),
    missing: () => ({ method: 'get', path: `/api/events?library_id=${MISSING_LIBRARY}` }),
  },
  // Its album and people filters: the same check below.
  assetCounts: {
    foreign: () => ({ method: 'get', path: `/api/assets/counts?library_id=${a.library}` }),
    missing: () => ({ method: 'get', path: `/api/assets/counts?library_id=${MISSING_LIBRARY}` }),
  },
};
const box = { x: 0, y: 0, w: 2, h: 2 };
// Routes that name nothing of anyone else's: covered by the listing checks below.
const NOTHING_TO_NAME: RouteName[] = [
  'health',
  'ping',
  'openApi',
  'me',
  'listLibraries',
  'createLibrary',
  // Not offered: the same 404 for every id, anyone's or none (gumnut-sdk-compat.test.ts).
  'stacksNotOffered',
  'stackNotOffered',
  'searchNotOffered',
  'versionsNotOffered',
  'versionNotOffered',
];

const send = async (call: Call) => {
  if (call.body === 'form' || call.body === 'form-missing') {
    const res = await fetch(`${stack().apiUrl}${call.path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bKey}` },
      body: multipartForm(call.body === 'form' ? a.library : MISSING_LIBRARY),
    });
    return { status: res.status, body: await res.json() };
  }
  const client = api(stack().apiUrl, bKey);
  return call.method === 'get'
    ? client.get(call.path)
    : call.method === 'delete'
      ? client.delete(call.path, call.body)
      : call.method === 'patch'
        ? client.patch(call.path, call.body)
        : client.post(call.path, call.body);
};

describe('another user’s things', () => {
  it('has a case for every route that names an id', () => {
    expect([...Object.keys(CASES), ...NOTHING_TO_NAME].sort()).toEqual(Object.keys(ROUTES).sort());
  });

  for (const [route, { foreign, missing }] of Object.entries(CASES) as [RouteName, Case][]) {
    it(`${route}: answers exactly as for something that does not exist (404)`, async () => {
      const [theirs, nothing] = [await send(foreign()), await send(missing())];
      expect(theirs.status).toBe(404);
      // Status and body; headers such as Date differ between any two answers. An answer may
      // name the id the caller sent, and nothing else.
      const asIfMissing = JSON.parse(JSON.stringify(theirs.body).replaceAll(a.asset.id, MISSING_ASSET));
      expect({ status: theirs.status, body: asIfMissing }).toEqual({ status: nothing.status, body: nothing.body });
    });
  }

  it('assetCounts: a foreign album or person answers exactly as a missing one (404)', async () => {
    for (const [theirs, missing] of [
      [`album_id=${a.album}`, `album_id=${MISSING_ALBUM}`],
      [`person_ids=${a.person}`, `person_ids=${MISSING_PERSON}`],
      [`person_id=${a.person}`, `person_id=${MISSING_PERSON}`],
      [`person_ids=${a.person}&album_filter=in_album`, `person_ids=${MISSING_PERSON}&album_filter=in_album`],
    ]) {
      const [foreign, nothing] = [
        await send({ method: 'get', path: `/api/assets/counts?${theirs}` }),
        await send({ method: 'get', path: `/api/assets/counts?${missing}` }),
      ];
      expect(foreign.status, theirs).toBe(404);
      expect({ status: foreign.status, body: foreign.body }, theirs).toEqual({
        status: nothing.status,
        body: nothing.body,
      });
    }
  });

  it('are never listed, never found by exist, and stay intact', async () => {
    const b = api(stack().apiUrl, bKey);
    expect((await b.get('/api/assets?limit=200')).body.data.map((x: { id: string }) => x.id)).not.toContain(a.asset.id);
    expect((await b.get('/api/libraries')).body.map((l: { id: string }) => l.id)).not.toContain(a.library);
    // By place too: b's own world is empty, though a has a photo in Paris.
    expect((await b.get('/api/assets?bbox=-180,-90,180,90')).body).toEqual({ data: [], has_more: false });
    expect((await b.get('/api/assets?center=2.3522,48.8566&radius=1000')).body).toEqual({ data: [], has_more: false });
    expect((await b.get(`/api/assets/geo-clusters?${WORLD}`)).body).toEqual({ data: [] });
    for (const query of [
      { checksums: [a.asset.checksum] },
      { checksum_sha1s: [a.asset.checksum_sha1] },
      { deviceId: a.asset.device_id, deviceAssetIds: [a.asset.device_asset_id] },
    ]) {
      expect((await b.post('/api/assets/exist', query)).body).toEqual({ assets: [] });
    }
    const mine = api(stack().apiUrl, a.key);
    const mineNow = await mine.get(`/api/assets/${a.asset.id}`);
    expect(mineNow.status).toBe(200);
    expect(mineNow.body.trashed_at).toBeNull();
    expect(
      (await mine.get('/api/assets?center=2.3522,48.8566&radius=1000')).body.data.map((x: { id: string }) => x.id),
    ).toEqual([a.placed]);
    expect((await mine.get(`/api/assets/uploads/${a.upload}`)).status).toBe(200);
    expect((await mine.get(`/api/libraries/${a.library}`)).status).toBe(200);
    expect((await mine.get('/api/libraries')).body.map((l: { id: string }) => l.id)).toContain(a.library);
    expect((await mine.get(`/api/faces/${a.face}`)).body.person_id).toBe(a.person);
    expect((await mine.get(`/api/people/${a.person}`)).body.name).toBe('Ada');
    expect((await b.get('/api/people?name_filter=all')).body.data).toEqual([]);
    expect((await b.get('/api/faces')).body.data).toEqual([]);
    expect((await b.get(`/api/assets?person_ids=${a.person}`)).status).toBe(404);
    // Albums: none of a's listed, filtered by, or added to one of b's; a's album keeps its asset.
    expect((await b.get('/api/albums')).body.data).toEqual([]);
    expect((await b.get('/api/album-assets')).body.data).toEqual([]);
    expect((await b.get(`/api/assets?album_id=${a.album}`)).status).toBe(404);
    expect((await b.get(`/api/people?album_id=${a.album}`)).status).toBe(404);
    expect((await b.get('/api/assets?album_filter=in_album')).body.data).toEqual([]);
    expect((await b.get('/api/assets/counts?state=all')).body).toEqual({ data: [], has_more: false });
    const own = (await b.post('/api/albums', { name: 'b' })).body.id;
    expect((await b.post(`/api/albums/${own}/assets`, { asset_ids: [a.asset.id] })).body).toEqual({
      added_assets: [],
      duplicate_assets: [],
      not_found_assets: [a.asset.id],
    });
    expect((await mine.get(`/api/albums/${a.album}`)).body).toMatchObject({ name: 'Mine', asset_count: 1 });
    // The change feed: a's changes are all in a's feed and none in b's.
    await stack().stream.drained();
    const ids = [a.asset.id, a.placed, a.face, a.person];
    const feedOf = async (key: string) =>
      (await api(stack().apiUrl, key).get('/api/events?limit=200')).body.data.map(
        (e: { entity_id: string }) => e.entity_id,
      );
    expect(await feedOf(a.key)).toEqual(expect.arrayContaining(ids));
    expect((await feedOf(bKey)).filter((id: string) => ids.includes(id))).toEqual([]);
  });
});

describe('input validation', () => {
  it('refuses malformed ids, dates, limits, unknown fields and oversized JSON with 422 naming the field', async () => {
    const b = api(stack().apiUrl, bKey);
    const cases: [Promise<{ status: number; body: { detail: string } }>, RegExp][] = [
      [b.get('/api/assets/not-an-id'), /^id: must be an asset id/],
      [b.get('/api/libraries/lib_short'), /^id: must be a library id/],
      [b.delete('/api/assets/asset_!!'), /^id/],
      [b.get('/api/assets?limit=5000'), /^query parameter limit/],
      [b.get('/api/assets?local_datetime_before=2020-13-45'), /^query parameter local_datetime_before/],
      [
        b.post('/api/assets/uploads', {
          ...upload(MISSING_LIBRARY),
          library_id: undefined,
          file_created_at: 'tomorrow',
        }),
        /^file_created_at/,
      ],
      [b.post('/api/assets/uploads', { ...upload(MISSING_LIBRARY), library_id: undefined, extra: 1 }), /extra/],
      [
        b.post('/api/assets/uploads', { ...upload(MISSING_LIBRARY), library_id: undefined, file_size_bytes: -1 }),
        /^file_size_bytes/,
      ],
      [b.post('/api/assets/exist', { checksums: ['x'.repeat(2 * MiB)] }), /^body: larger than/],
      [b.post('/api/libraries', { name: 'x', nested: { deep: true } }), /nested/],
    ];
    for (const [pending, detail] of cases) {
      const res = await pending;
      expect(res.status, String(detail)).toBe(422);
      expect(res.body.detail).toMatch(detail);
    }
  });

  it('never answers 500 to garbage', async () => {
    const garbage = ['', 'null', '[]', '"x"', '{"a":', '\u0000\u0001', '{"checksums":null}', '{"part_numbers":[1.5]}'];
    const b = api(stack().apiUrl, bKey);
    for (const body of garbage) {
      for (const path of [
        '/api/libraries',
        '/api/assets/uploads',
        '/api/assets/exist',
        `/api/assets/uploads/${MISSING_ASSET}/parts`,
      ]) {
        const res = await b.post(path, body, { 'content-type': 'application/json' });
        expect(res.status, `${path} ${JSON.stringify(body)}`).toBeLessThan(500);
        expect(res.body.detail, `${path} ${JSON.stringify(body)}`).toEqual(expect.any(String));
      }
    }
  });
});
