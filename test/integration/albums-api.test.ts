import { beforeAll, describe, expect, it } from 'vitest';
import {
  addAssetsResponse,
  albumAssetListResponse,
  albumAssetResponse,
  albumListResponse,
  albumResponse,
} from '#functions/api/routes/album-outputs.ts';
import { assetListResponse } from '#functions/api/routes/asset-outputs.ts';
import { api } from '#test/helpers/api.ts';
import { photoAt } from '#test/helpers/geo-photos.ts';
import { uniquePng } from '#test/helpers/images.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { deviceMetadata, directUpload, newKey, settled } from '#test/helpers/uploads.ts';

// The album and album-asset routes through the local stack, and what albums do to the asset list.

const stack = useLocalStack();

let key = '';
let seed = 7000;
/** Assets in capture order: asset i was taken on day i + 1 of 2021. */
let assets: string[] = [];
const client = () => api(stack().apiUrl, key);

const upload = async (day: number, as = key, library?: string) => {
  const at = `2021-01-${String(day).padStart(2, '0')}T10:00:00Z`;
  const metadata = deviceMetadata({ file_created_at: at, ...(library && { library_id: library }) });
  const res = await directUpload(stack().apiUrl, as, await uniquePng(seed++), 'a.png', metadata);
  expect(res.body.state).toBe('ready');
  return res.body.id as string;
};

const create = async (body: Record<string, unknown> = { name: 'Trip' }) => {
  const res = await client().post('/api/albums', body);
  expect(res.status).toBe(201);
  return albumResponse.parse(res.body);
};

const add = async (album: string, ids: string[]) => {
  const res = await client().post(`/api/albums/${album}/assets`, { asset_ids: ids });
  expect(res.status).toBe(200);
  return addAssetsResponse.parse(res.body);
};

const albumAssets = async (album: string, extra = '') =>
  assetListResponse.parse((await client().get(`/api/assets?album_id=${album}${extra}`)).body);

beforeAll(async () => {
  key = await newKey();
  assets = [];
  for (const day of [1, 2, 3, 4, 5]) assets.push(await upload(day));
});

describe('albums', () => {
  it('creates, retrieves, updates and deletes an album', async () => {
    const album = await create({ name: 'Summer', description: 'Beach days' });
    expect(album).toMatchObject({
      name: 'Summer',
      description: 'Beach days',
      asset_count: 0,
      album_cover_asset_id: null,
      asset_urls: {},
      start_date: null,
      end_date: null,
    });
    expect(album.id).toMatch(/^album_/);
    expect(albumResponse.parse((await client().get(`/api/albums/${album.id}`)).body)).toEqual(album);
    const renamed = albumResponse.parse(
      (await client().patch(`/api/albums/${album.id}`, { name: 'Winter', description: null })).body,
    );
    expect(renamed).toMatchObject({ name: 'Winter', description: null });
    const unchanged = albumResponse.parse((await client().patch(`/api/albums/${album.id}`, {})).body);
    expect(unchanged).toMatchObject({ name: 'Winter', description: null });
    expect((await client().delete(`/api/albums/${album.id}`)).status).toBe(200);
    expect((await client().get(`/api/albums/${album.id}`)).status).toBe(404);
    expect((await client().delete(`/api/albums/${album.id}`)).status).toBe(404);
  });

  it('an album with no name answers an empty name', async () => {
    expect(await create({})).toMatchObject({ name: '', description: null });
  });

  it('lists albums newest first in cursor pages', async () => {
    const own = await newKey();
    const mine = api(stack().apiUrl, own);
    const made: string[] = [];
    for (const name of ['a', 'b', 'c']) made.push((await mine.post('/api/albums', { name })).body.id);
    const first = albumListResponse.parse((await mine.get('/api/albums?limit=2')).body);
    expect(first.data.map((a) => a.name)).toEqual(['c', 'b']);
    expect(first.has_more).toBe(true);
    const rest = albumListResponse.parse(
      (await mine.get(`/api/albums?limit=2&starting_after_id=${first.data[1]?.id}`)).body,
    );
    expect(rest.data.map((a) => a.name)).toEqual(['a']);
    expect(rest.has_more).toBe(false);
    const some = albumListResponse.parse((await mine.get(`/api/albums?ids=${made[0]},${made[2]}`)).body);
    expect(some.data.map((a) => a.name)).toEqual(['c', 'a']);
  });

  it('adds and removes assets in bulk, idempotently, reporting each id once', async () => {
    const album = await create();
    const missing = 'asset_2222222222222222222222';
    const first = await add(album.id, [assets[0] ?? '', assets[1] ?? '', missing]);
    expect(first.added_assets).toEqual([assets[0], assets[1]]);
    expect(first.duplicate_assets).toEqual([]);
    expect(first.not_found_assets).toEqual([missing]);
    const again = await add(album.id, [assets[1] ?? '', assets[2] ?? '']);
    expect(again).toEqual({ added_assets: [assets[2]], duplicate_assets: [assets[1]], not_found_assets: [] });
    expect(albumResponse.parse((await client().get(`/api/albums/${album.id}`)).body).asset_count).toBe(3);
    const removed = await client().delete(`/api/albums/${album.id}/assets`, {
      asset_ids: [assets[1], assets[4]],
    });
    expect(removed).toMatchObject({ status: 200, body: {} });
    const twice = await client().delete(`/api/albums/${album.id}/assets`, { asset_ids: [assets[1]] });
    expect(twice.status).toBe(200);
    const after = albumResponse.parse((await client().get(`/api/albums/${album.id}`)).body);
    expect(after.asset_count).toBe(2);
    expect((await albumAssets(album.id)).data.map((a) => a.id)).toEqual([assets[2], assets[0]]);
  });

  it('counts exactly after concurrent overlapping adds, each asset reported added once', async () => {
    const album = await create();
    const batches = [assets.slice(0, 3), assets.slice(1, 4), assets.slice(2, 5), assets, assets.slice(0, 2)];
    const results = await Promise.all(batches.map((ids) => add(album.id, ids)));
    const added = results.flatMap((r) => r.added_assets);
    expect(added.sort()).toEqual([...assets].sort());
    expect(albumResponse.parse((await client().get(`/api/albums/${album.id}`)).body).asset_count).toBe(5);
    await Promise.all(
      batches.map((ids) => client().delete(`/api/albums/${album.id}/assets`, { asset_ids: ids.slice(0, 2) })),
    );
    const left = albumResponse.parse((await client().get(`/api/albums/${album.id}`)).body);
    expect(left.asset_count).toBe(1);
    expect((await albumAssets(album.id)).data.map((a) => a.id)).toEqual([assets[4]]);
  });

  it('lists an album’s assets in timeline order, in pages, either way, with date bounds', async () => {
    const album = await create();
    await add(album.id, [assets[3] ?? '', assets[0] ?? '', assets[2] ?? '', assets[1] ?? '']);
    const first = await albumAssets(album.id, '&limit=3');
    expect(first.data.map((a) => a.id)).toEqual([assets[3], assets[2], assets[1]]);
    expect(first.has_more).toBe(true);
    const rest = await albumAssets(album.id, `&limit=3&starting_after_id=${first.data[2]?.id}`);
    expect(rest).toMatchObject({ has_more: false });
    expect(rest.data.map((a) => a.id)).toEqual([assets[0]]);
    const asc = await albumAssets(album.id, '&order=asc&limit=2');
    expect(asc.data.map((a) => a.id)).toEqual([assets[0], assets[1]]);
    const next = await albumAssets(album.id, `&order=asc&limit=2&starting_after_id=${assets[1]}`);
    expect(next.data.map((a) => a.id)).toEqual([assets[2], assets[3]]);
    expect(next.has_more).toBe(false);
    const bounded = await albumAssets(
      album.id,
      '&local_datetime_after=2021-01-01T12:00:00Z&local_datetime_before=2021-01-04T10:00:00Z',
    );
    expect(bounded.data.map((a) => a.id)).toEqual([assets[2], assets[1]]);
    const withIds = await albumAssets(album.id, `&ids=${assets[0]},${assets[4]}`);
    expect(withIds.data.map((a) => a.id)).toEqual([assets[0]]);
    const summary = albumResponse.parse((await client().get(`/api/albums/${album.id}`)).body);
    expect(summary).toMatchObject({
      asset_count: 4,
      start_date: '2021-01-01T10:00:00Z',
      end_date: '2021-01-04T10:00:00Z',
      album_cover_asset_id: assets[3],
    });
    expect(summary.asset_urls.thumbnail).toMatchObject({ url: expect.stringMatching(/^http/), width: 8 });
  });

  it('an asset added while pending moves in the album’s timeline to the capture time processing finds', async () => {
    const album = await create();
    await add(album.id, [assets[4] ?? '']);
    const bytes = await photoAt([10, 10], '2024:06:15 12:00:00', '#123456');
    const created = await client().post('/api/assets/uploads', {
      ...deviceMetadata({ file_created_at: '2019-01-01T00:00:00Z' }),
      file_name: 'late.jpg',
      mime_type: 'image/jpeg',
      file_size_bytes: bytes.length,
    });
    const id = created.body.asset_id as string;
    expect(await add(album.id, [id])).toMatchObject({ added_assets: [id] });
    const form = new FormData();
    for (const [name, value] of Object.entries(created.body.upload.fields as Record<string, string>))
      form.append(name, value);
    form.append('file', new Blob([bytes], { type: 'image/jpeg' }), 'late.jpg');
    expect((await fetch(created.body.upload.url, { method: 'POST', body: form })).status).toBeLessThan(300);
    expect((await settled(stack().apiUrl, key, id)).local_datetime).toBe('2024-06-15T12:00:00Z');
    expect((await albumAssets(album.id)).data.map((a) => a.id)).toEqual([id, assets[4]]);
    expect((await albumAssets(album.id, `&limit=1&starting_after_id=${id}`)).data.map((a) => a.id)).toEqual([
      assets[4],
    ]);
    const summary = albumResponse.parse((await client().get(`/api/albums/${album.id}`)).body);
    expect(summary).toMatchObject({ end_date: '2024-06-15T12:00:00Z', album_cover_asset_id: id, asset_count: 2 });
  });

  it('album_filter keeps assets in some album, or in none; not_in_album with album_id is a 422', async () => {
    const own = await newKey();
    const mine = api(stack().apiUrl, own);
    const [inOne, inNone] = [await upload(10, own), await upload(11, own)];
    const album = (await mine.post('/api/albums', { name: 'x' })).body.id;
    await mine.post(`/api/albums/${album}/assets`, { asset_ids: [inOne] });
    const ids = (path: string) => mine.get(path).then((r) => assetListResponse.parse(r.body).data.map((a) => a.id));
    expect(await ids('/api/assets?album_filter=in_album')).toEqual([inOne]);
    expect(await ids('/api/assets?album_filter=not_in_album')).toEqual([inNone]);
    expect(await ids('/api/assets?album_filter=all')).toEqual([inNone, inOne]);
    expect(await ids('/api/assets?album_filter=in_album&limit=1')).toEqual([inOne]);
    const contradiction = await mine.get(`/api/assets?album_id=${album}&album_filter=not_in_album`);
    expect(contradiction.status).toBe(422);
    expect(contradiction.body.detail).toMatch(/^album_filter: not_in_album contradicts album_id/);
  });

  it('the cover is one of the album’s assets; clearing it falls back to the newest', async () => {
    const album = await create();
    await add(album.id, [assets[0] ?? '', assets[1] ?? '']);
    const set = await client().patch(`/api/albums/${album.id}`, { album_cover_asset_id: assets[0] });
    expect(albumResponse.parse(set.body).album_cover_asset_id).toBe(assets[0]);
    const outside = await client().patch(`/api/albums/${album.id}`, { album_cover_asset_id: assets[4] });
    expect(outside).toMatchObject({
      status: 422,
      body: { detail: 'album_cover_asset_id: not an asset in this album' },
    });
    const cleared = await client().patch(`/api/albums/${album.id}`, { album_cover_asset_id: null });
    expect(albumResponse.parse(cleared.body).album_cover_asset_id).toBe(assets[1]);
    await client().patch(`/api/albums/${album.id}`, { album_cover_asset_id: assets[0] });
    await client().delete(`/api/albums/${album.id}/assets`, { asset_ids: [assets[0]] });
    const fallen = albumResponse.parse((await client().get(`/api/albums/${album.id}`)).body);
    expect(fallen).toMatchObject({ album_cover_asset_id: assets[1], asset_count: 1 });
  });

  it('deleting an asset takes it out of its albums and their counts and covers', async () => {
    const doomed = await upload(20);
    const albums = [await create(), await create()];
    for (const album of albums) {
      await add(album.id, [doomed, assets[0] ?? '']);
      await client().patch(`/api/albums/${album.id}`, { album_cover_asset_id: doomed });
    }
    expect((await client().delete(`/api/assets/${doomed}`)).status).toBe(200);
    for (const album of albums) {
      const after = albumResponse.parse((await client().get(`/api/albums/${album.id}`)).body);
      expect(after).toMatchObject({ asset_count: 1, album_cover_asset_id: assets[0] });
      expect((await albumAssets(album.id)).data.map((a) => a.id)).toEqual([assets[0]]);
    }
    const links = albumAssetListResponse.parse(
      (await client().get(`/api/album-assets?album_id=${albums[0]?.id}`)).body,
    );
    expect(links.data.map((l) => l.asset_id)).toEqual([assets[0]]);
  });

  it('adds racing the assets’ deletes leave no link of a deleted asset: the count is what is listed', async () => {
    const doomed: string[] = [];
    for (const day of [21, 22, 23, 24]) doomed.push(await upload(day));
    const album = await create();
    await Promise.all([
      ...doomed.map((id) => client().delete(`/api/assets/${id}`)),
      ...doomed.map((id) => client().post(`/api/albums/${album.id}/assets`, { asset_ids: [id, assets[0]] })),
    ]);
    const after = albumResponse.parse((await client().get(`/api/albums/${album.id}`)).body);
    expect(after.asset_count).toBe(1);
    expect((await albumAssets(album.id)).data.map((a) => a.id)).toEqual([assets[0]]);
    const links = albumAssetListResponse.parse((await client().get(`/api/album-assets?album_id=${album.id}`)).body);
    expect(links.data.map((l) => l.asset_id)).toEqual([assets[0]]);
  });

  it('deleting an album deletes no asset, and its links go with it', async () => {
    const album = await create();
    await add(album.id, [assets[0] ?? '', assets[1] ?? '']);
    expect((await client().delete(`/api/albums/${album.id}`)).status).toBe(200);
    for (const id of [assets[0], assets[1]]) expect((await client().get(`/api/assets/${id}`)).status).toBe(200);
    const albumsOf = albumListResponse.parse((await client().get(`/api/albums?asset_id=${assets[0]}`)).body);
    expect(albumsOf.data.map((a) => a.id)).not.toContain(album.id);
    expect((await client().get(`/api/assets?album_id=${album.id}`)).status).toBe(404);
  });

  it('lists the albums an asset is in', async () => {
    const [x, y] = [await create({ name: 'x' }), await create({ name: 'y' })];
    await add(x.id, [assets[2] ?? '']);
    await add(y.id, [assets[2] ?? '']);
    const of = albumListResponse.parse((await client().get(`/api/albums?asset_id=${assets[2]}`)).body).data;
    expect(of.map((a) => a.id)).toEqual(expect.arrayContaining([x.id, y.id]));
  });
});

describe('album-asset links', () => {
  it('lists an album’s links in timeline order in pages, by asset, by id, and gets one', async () => {
    const album = await create();
    await add(album.id, [assets[2] ?? '', assets[0] ?? '', assets[1] ?? '']);
    const first = albumAssetListResponse.parse(
      (await client().get(`/api/album-assets?album_id=${album.id}&limit=2`)).body,
    );
    expect(first.data.map((l) => l.asset_id)).toEqual([assets[0], assets[1]]);
    expect(first.has_more).toBe(true);
    const rest = albumAssetListResponse.parse(
      (await client().get(`/api/album-assets?album_id=${album.id}&limit=2&starting_after_id=${first.data[1]?.id}`))
        .body,
    );
    expect(rest.data.map((l) => l.asset_id)).toEqual([assets[2]]);
    expect(rest.has_more).toBe(false);
    const link = first.data[0];
    expect(link).toMatchObject({ album_id: album.id });
    expect(albumAssetResponse.parse((await client().get(`/api/album-assets/${link?.id}`)).body)).toEqual(link);
    const byIds = albumAssetListResponse.parse((await client().get(`/api/album-assets?ids=${link?.id}`)).body);
    expect(byIds.data).toEqual([link]);
    const byAsset = albumAssetListResponse.parse(
      (await client().get(`/api/album-assets?asset_id=${assets[0]}&album_id=${album.id}`)).body,
    );
    expect(byAsset.data).toEqual([link]);
    const library = albumAssetListResponse.parse((await client().get('/api/album-assets?limit=200')).body);
    expect(library.data.map((l) => l.id)).toContain(link?.id);
  });
});

describe('album validation', () => {
  it('refuses bad ids, empty and oversized batches and unknown fields with 422 {detail}', async () => {
    const album = await create();
    const many = Array.from({ length: 201 }, () => assets[0]);
    const cases: [Promise<{ status: number; body: { detail: unknown } }>, RegExp][] = [
      [client().get('/api/albums/nope'), /^id: must be an album id/],
      [client().post(`/api/albums/${album.id}/assets`, { asset_ids: [] }), /^asset_ids/],
      [client().post(`/api/albums/${album.id}/assets`, { asset_ids: many }), /^asset_ids/],
      [client().post(`/api/albums/${album.id}/assets`, { asset_ids: ['x'] }), /^asset_ids/],
      [client().post('/api/albums', { name: 'x', colour: 'red' }), /colour/],
      [client().patch(`/api/albums/${album.id}`, { album_cover_asset_id: 'lib_x' }), /^album_cover_asset_id/],
      [client().get('/api/albums?limit=0'), /^query parameter limit/],
      [client().get('/api/assets?album_id=x'), /^query parameter album_id: must be an album id/],
      [client().get('/api/assets?album_filter=some'), /^query parameter album_filter/],
      [client().get('/api/album-assets/album_x'), /^id: must be an album asset id/],
    ];
    for (const [call, detail] of cases) {
      const res = await call;
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.detail).toMatch(detail);
    }
  });

  it('another user’s assets are never added (not found), and another library’s are not either', async () => {
    const other = await newKey();
    const theirs = await upload(15, other);
    const library = (await client().post('/api/libraries', { name: 'Second' })).body.id;
    const elsewhere = await upload(16, key, library);
    const album = await create();
    const result = await add(album.id, [theirs, elsewhere, assets[0] ?? '']);
    expect(result).toEqual({ added_assets: [assets[0]], duplicate_assets: [], not_found_assets: [theirs, elsewhere] });
    const inOther = await client().post('/api/albums', { name: 'there', library_id: library });
    expect(albumResponse.parse(inOther.body).name).toBe('there');
    const ofLibrary = albumListResponse.parse((await client().get(`/api/albums?library_id=${library}`)).body);
    expect(ofLibrary.data.map((a) => a.id)).toEqual([inOther.body.id]);
  });
});
