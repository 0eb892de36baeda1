import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { assetListResponse, assetResponse } from '#functions/api/routes/asset-outputs.ts';
import { createSweepHandler } from '#functions/sweep/create-handler.ts';
import { createClients } from '#shared/aws/clients.ts';
import { derivedKeys, originalKey } from '#shared/object-keys.ts';
import { DynamoAssets } from '#shared/table/dynamo-assets.ts';
import { api } from '#test/helpers/api.ts';
import { uniquePng } from '#test/helpers/images.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { deviceMetadata, directUpload, newKey } from '#test/helpers/uploads.ts';

// The trash through the local stack: trash and restore (one or many), the trash's listing, the
// same bytes again bringing an asset back, emptying it, deleting by list, and the sweep's purge
// of what outlived the retention window. Each check reads the API, S3 and the table themselves.

const stack = useLocalStack({ sweepIntervalMs: 3_600_000 });

let seed = 9100;
type Client = ReturnType<typeof api>;

/** A user with photos taken on consecutive days of May 2022, oldest first. */
const userWithPhotos = async (count: number) => {
  const key = await newKey();
  const client = api(stack().apiUrl, key);
  const ids: string[] = [];
  const bytes: Buffer[] = [];
  for (let day = 1; day <= count; day++) {
    const png = await uniquePng(seed++);
    const metadata = deviceMetadata({ file_created_at: `2022-05-${String(day).padStart(2, '0')}T09:00:00Z` });
    const res = await directUpload(stack().apiUrl, key, png, 'p.png', metadata);
    expect(res.body.state).toBe('ready');
    ids.push(res.body.id);
    bytes.push(png);
  }
  return { key, client, ids, bytes };
};

const listed = async (client: Client, query = '') => {
  const res = await client.get(`/api/assets?limit=200${query}`);
  expect(res.status).toBe(200);
  assetListResponse.parse(res.body);
  return res.body.data.map((a: { id: string }) => a.id) as string[];
};

/** Every page of a listing, `limit` at a time, following starting_after_id. */
const paged = async (client: Client, query: string, limit: number) => {
  const ids: string[] = [];
  for (let after = ''; ; ) {
    const res = await client.get(`/api/assets?limit=${limit}${query}${after && `&starting_after_id=${after}`}`);
    expect(res.status).toBe(200);
    ids.push(...res.body.data.map((a: { id: string }) => a.id));
    if (!res.body.has_more) return ids;
    after = ids.at(-1) ?? '';
  }
};

const exists = async (bucket: string, key: string) => {
  const { s3 } = createClients(stack().config);
  return s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
    () => true,
    () => false,
  );
};

describe('the trash', () => {
  it('takes assets out of the timeline and back, listing them by trash time meanwhile', async () => {
    const { client, ids } = await userWithPhotos(4);
    const [a, b, c, d] = ids as [string, string, string, string];
    expect(await client.post('/api/assets/trash', { ids: [c] })).toMatchObject({ status: 200, body: {} });
    await client.post('/api/assets/trash', { ids: [a] });
    expect(await listed(client)).toEqual([d, b]);
    // Trashed c first, then a: newest trash first by default, as the SDK says.
    expect(await listed(client, '&state=trashed')).toEqual([a, c]);
    expect(await paged(client, '&state=trashed&order=asc', 1)).toEqual([c, a]);
    // Both states by capture time, paged across the two.
    expect(await paged(client, '&state=all', 1)).toEqual([d, c, b, a]);
    expect(await paged(client, '&state=all&order=asc', 3)).toEqual([a, b, c, d]);
    // Filters apply to the trash as to the timeline.
    expect(await listed(client, `&state=trashed&ids=${a},${b}`)).toEqual([a]);
    expect(await listed(client, '&state=trashed&local_datetime_after=2022-05-02T00:00:00Z')).toEqual([c]);

    const read = await client.get(`/api/assets/${a}`);
    assetResponse.parse(read.body);
    expect(Date.parse(read.body.trashed_at)).toBeGreaterThan(Date.now() - 60_000);
    // Trashing again keeps the time it went to the trash.
    await client.post('/api/assets/trash', { ids: [a] });
    expect((await client.get(`/api/assets/${a}`)).body.trashed_at).toBe(read.body.trashed_at);

    expect(await client.post('/api/assets/restore', { ids: [a, b] })).toMatchObject({ status: 200, body: {} });
    expect(await listed(client)).toEqual([d, b, a]);
    expect(await listed(client, '&state=trashed')).toEqual([c]);
    expect((await client.get(`/api/assets/${a}`)).body.trashed_at).toBeNull();
  });

  it('changes nothing when any id is not the caller’s, and checks the library named', async () => {
    const mine = await userWithPhotos(1);
    const theirs = await userWithPhotos(1);
    const [own] = mine.ids as [string];
    const [foreign] = theirs.ids as [string];
    const refused = await mine.client.post('/api/assets/trash', { ids: [own, foreign] });
    expect(refused.status).toBe(404);
    expect(refused.body.detail).toContain(foreign);
    expect(await listed(mine.client)).toEqual([own]);
    expect(await listed(theirs.client)).toEqual([foreign]);
    expect((await mine.client.post('/api/assets/restore', { ids: [foreign] })).status).toBe(404);
    expect((await mine.client.delete('/api/assets', { ids: [foreign] })).status).toBe(404);
    expect((await listed(theirs.client)).length).toBe(1);

    const otherLibrary = (await theirs.client.get('/api/libraries')).body[0].id;
    expect((await mine.client.post(`/api/assets/trash?library_id=${otherLibrary}`, { ids: [own] })).status).toBe(404);
    expect((await mine.client.post(`/api/assets/empty-trash?library_id=${otherLibrary}`)).status).toBe(404);
    for (const body of [{ ids: [] }, { ids: ['nope'] }, { ids: Array(201).fill(own) }, {}, { ids: [own], x: 1 }])
      expect((await mine.client.post('/api/assets/trash', body)).status).toBe(422);
    expect(await listed(mine.client)).toEqual([own]);

    // An upload still on its way cannot go to the trash (nor, with it, anything asked alongside).
    const started = await mine.client.post('/api/assets/uploads', {
      ...deviceMetadata(),
      file_name: 'x.jpg',
      mime_type: 'image/jpeg',
      file_size_bytes: 10,
    });
    expect(started.status).toBe(201);
    const pending = await mine.client.post('/api/assets/trash', { ids: [own, started.body.asset_id] });
    expect(pending.status).toBe(409);
    expect(pending.body.detail).toBe(
      `asset ${started.body.asset_id} is still being uploaded; trash it once it is processed`,
    );
    expect(await listed(mine.client)).toEqual([own]);
  });

  it('brings a trashed asset back when its bytes are uploaded again, answering 200 with it; exist reports it', async () => {
    const { key, client, ids, bytes } = await userWithPhotos(1);
    const [id] = ids as [string];
    await client.post('/api/assets/trash', { ids: [id] });
    const sha = (await client.get(`/api/assets/${id}?include=file_data`)).body.file_data.checksum;
    const exist = await client.post('/api/assets/exist', { checksums: [sha] });
    expect(exist.body.assets.map((m: { id: string }) => m.id)).toEqual([id]);

    const again = await directUpload(stack().apiUrl, key, bytes[0] as Buffer, 'again.png', deviceMetadata());
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(id);
    expect((await client.get(`/api/assets/${id}`)).body.trashed_at).toBeNull();
    expect(await listed(client)).toEqual([id]);
    expect(await listed(client, '&state=trashed')).toEqual([]);
  });

  it('leaves albums’ timelines and counts while trashed, and comes back to them', async () => {
    const { client, ids } = await userWithPhotos(2);
    const [a, b] = ids as [string, string];
    const album = (await client.post('/api/albums', { name: 'Trip' })).body.id;
    await client.post(`/api/albums/${album}/assets`, { asset_ids: [a, b] });
    await client.post('/api/assets/trash', { ids: [a] });
    expect((await client.get(`/api/albums/${album}`)).body.asset_count).toBe(1);
    expect(await listed(client, `&album_id=${album}`)).toEqual([b]);
    expect(await listed(client, `&album_id=${album}&state=trashed`)).toEqual([a]);
    await client.post('/api/assets/restore', { ids: [a] });
    expect((await client.get(`/api/albums/${album}`)).body.asset_count).toBe(2);
    expect(await listed(client, `&album_id=${album}`)).toEqual([b, a]);
  });

  it('empties the trash and deletes by list for good: records, originals and derived files gone', async () => {
    const { client, ids } = await userWithPhotos(3);
    const [a, b, c] = ids as [string, string, string];
    const owner = (await client.get('/api/users/me')).body.id;
    const record = async (id: string) =>
      new DynamoAssets(createClients(stack().config).dynamo, stack().config.TABLE_NAME).get(id);
    const before = await record(a);
    await client.post('/api/assets/trash', { ids: [a, b] });
    await client.post('/api/assets/restore', { ids: [b] });
    expect(await client.post('/api/assets/empty-trash')).toMatchObject({ status: 200, body: {} });
    expect((await client.get(`/api/assets/${a}`)).status).toBe(404);
    expect(await record(a)).toBeUndefined();
    const { ORIGINALS_BUCKET, DERIVED_BUCKET } = stack().config;
    expect(await exists(ORIGINALS_BUCKET, originalKey(owner, a))).toBe(false);
    expect(before && (await exists(DERIVED_BUCKET, derivedKeys(before).thumbnail))).toBe(false);
    expect(await listed(client)).toEqual([c, b]);

    expect(await client.delete('/api/assets', { ids: [c] })).toMatchObject({ status: 200, body: {} });
    expect(await listed(client, '&state=all')).toEqual([b]);
    expect(await exists(ORIGINALS_BUCKET, originalKey(owner, c))).toBe(false);
    expect(await exists(ORIGINALS_BUCKET, originalKey(owner, b))).toBe(true);
  });

  it('is purged by the sweep once past the retention window: gone from S3, the table, albums and faces; restored ones untouched', async () => {
    const { client, ids } = await userWithPhotos(2);
    const [old, kept] = ids as [string, string];
    const owner = (await client.get('/api/users/me')).body.id;
    const album = (await client.post('/api/albums', { name: 'Both' })).body.id;
    await client.post(`/api/albums/${album}/assets`, { asset_ids: [old, kept] });
    const face = await client.post('/api/faces', { asset_id: old, bounding_box: { x: 1, y: 1, w: 6, h: 6 } });
    expect(face.status).toBe(201);
    await client.post('/api/assets/trash', { ids: [old, kept] });
    await client.post('/api/assets/restore', { ids: [kept] });

    // Within the window (the default 30 days) nothing goes.
    const within = await createSweepHandler(stack().sweepConfig)();
    expect(within.purged).toBe(0);
    expect(await listed(client, '&state=trashed')).toEqual([old]);

    // A window of 0 days: everything trashed before now is past it.
    const past = await createSweepHandler({ ...stack().sweepConfig, DARKROOM_TRASH_RETENTION_DAYS: 0 })();
    expect(past.purged).toBeGreaterThanOrEqual(1);
    expect((await client.get(`/api/assets/${old}`)).status).toBe(404);
    expect(await exists(stack().config.ORIGINALS_BUCKET, originalKey(owner, old))).toBe(false);
    expect((await client.get(`/api/faces/${face.body.id}`)).status).toBe(404);
    expect((await client.get(`/api/albums/${album}`)).body.asset_count).toBe(1);
    expect(await listed(client, `&album_id=${album}`)).toEqual([kept]);
    expect(await listed(client, '&state=all')).toEqual([kept]);
    expect(await exists(stack().config.ORIGINALS_BUCKET, originalKey(owner, kept))).toBe(true);
  });
});
