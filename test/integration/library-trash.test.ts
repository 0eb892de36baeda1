import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { libraryResponseSchema } from '#functions/api/routes/account-schemas.ts';
import { createSweepHandler } from '#functions/sweep/create-handler.ts';
import { createClients } from '#shared/aws/clients.ts';
import { originalKey } from '#shared/object-keys.ts';
import { libraryPartition } from '#shared/table/keys.ts';
import { api } from '#test/helpers/api.ts';
import { uniquePng } from '#test/helpers/images.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { deviceMetadata, directUpload, newKey } from '#test/helpers/uploads.ts';

// A library's trash through the local stack (the SDK's libraries.trash, restore, delete and
// list(state)): what a trashed library hides and refuses, what restoring brings back, and the
// sweep's purge of a deleted one, checked in the API, S3 and the table.

const stack = useLocalStack({ sweepIntervalMs: 3_600_000 });

let seed = 9400;
type Client = ReturnType<typeof api>;

const upload = async (key: string, libraryId?: string) => {
  const day = String((seed % 28) + 1).padStart(2, '0');
  const metadata = deviceMetadata({
    file_created_at: `2023-03-${day}T10:00:00Z`,
    ...(libraryId && { library_id: libraryId }),
  });
  const res = await directUpload(stack().apiUrl, key, await uniquePng(seed++), 'p.png', metadata);
  expect(res.body.state).toBe('ready');
  return res.body.id as string;
};

/** A user with one photo in the default library and two, an album and a person in "Trip". */
const userWithTrip = async () => {
  const key = await newKey();
  const client = api(stack().apiUrl, key);
  const created = await client.post('/api/libraries', { name: 'Trip' });
  expect(created.status).toBe(201);
  const trip = created.body.id as string;
  const home = await upload(key);
  const photos = [await upload(key, trip), await upload(key, trip)];
  const album = (await client.post('/api/albums', { name: 'Beach', library_id: trip })).body.id as string;
  await client.post(`/api/albums/${album}/assets`, { asset_ids: photos });
  const person = (await client.post('/api/people', { name: 'Ada', library_id: trip })).body.id as string;
  const face = await client.post('/api/faces', { asset_id: photos[0], bounding_box: { x: 1, y: 1, w: 6, h: 6 } });
  expect(face.status).toBe(201);
  const owner = (await client.get('/api/users/me')).body.id as string;
  return { key, client, owner, trip, home, photos, album, person, face: face.body.id as string };
};

const ids = async (client: Client, path: string) => {
  const res = await client.get(path);
  expect(res.status).toBe(200);
  return ((Array.isArray(res.body) ? res.body : res.body.data) as { id: string }[]).map((x) => x.id).sort();
};

const exists = async (key: string) => {
  const { s3 } = createClients(stack().config);
  return s3.send(new HeadObjectCommand({ Bucket: stack().config.ORIGINALS_BUCKET, Key: key })).then(
    () => true,
    () => false,
  );
};

const sweep = (overrides: Record<string, unknown> = {}) =>
  createSweepHandler({ ...stack().sweepConfig, ...overrides })();

describe('a trashed library', () => {
  it('leaves the listings that do not name it, refuses new things, and comes back whole', async () => {
    const { key, client, trip, home, photos } = await userWithTrip();
    const defaultLibrary = (await ids(client, '/api/libraries')).find((id) => id !== trip);
    expect(await client.post(`/api/libraries/${trip}/trash`)).toMatchObject({ status: 200, body: {} });
    // Idempotent.
    expect(await client.post(`/api/libraries/${trip}/trash`)).toMatchObject({ status: 200, body: {} });

    expect(await ids(client, '/api/libraries')).toEqual([defaultLibrary]);
    expect(await ids(client, '/api/libraries?state=trashed')).toEqual([trip]);
    expect(await ids(client, '/api/libraries?state=all')).toEqual([defaultLibrary, trip].sort());
    libraryResponseSchema.parse((await client.get(`/api/libraries/${trip}`)).body);
    // The owner's timeline, by media class too, and `exist` across libraries leave it out ...
    expect(await ids(client, '/api/assets')).toEqual([home]);
    expect(await ids(client, '/api/assets?media_type=image')).toEqual([home]);
    expect(await ids(client, '/api/assets?state=all')).toEqual([home]);
    // ... while naming it still shows what a restore would bring back.
    expect(await ids(client, `/api/assets?library_id=${trip}`)).toEqual([...photos].sort());

    const refused = await directUpload(
      stack().apiUrl,
      key,
      await uniquePng(seed++),
      'p.png',
      deviceMetadata({ library_id: trip }),
    );
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toBe(`library_id: library ${trip} is in the trash; restore it first`);
    const album = await client.post('/api/albums', { name: 'Late', library_id: trip });
    expect(album.status).toBe(422);
    const direct = await client.post('/api/assets/uploads', {
      ...deviceMetadata({ library_id: trip }),
      file_name: 'x.jpg',
      mime_type: 'image/jpeg',
      file_size_bytes: 10,
    });
    expect(direct.status).toBe(422);

    // The undo window holds: the sweep leaves it alone.
    expect(await sweep()).toMatchObject({ librariesPurged: 0, libraryAssetsPurged: 0 });

    const restored = await client.post(`/api/libraries/${trip}/restore`);
    expect(restored.status).toBe(200);
    expect(libraryResponseSchema.parse(restored.body)).toMatchObject({ id: trip, name: 'Trip', asset_count: 2 });
    // Restoring a live library answers it as it is.
    expect((await client.post(`/api/libraries/${trip}/restore`)).status).toBe(200);
    expect(await ids(client, '/api/assets')).toEqual([home, ...photos].sort());
    expect(await ids(client, '/api/libraries?state=trashed')).toEqual([]);
  });

  it('cannot be the default library, and is deleted only from the trash', async () => {
    const { client, trip } = await userWithTrip();
    const defaultLibrary = (await ids(client, '/api/libraries')).find((id) => id !== trip);
    const trashDefault = await client.post(`/api/libraries/${defaultLibrary}/trash`);
    expect(trashDefault.status).toBe(422);
    expect(trashDefault.body.detail).toMatch(/is your default library/);
    const live = await client.delete(`/api/libraries/${trip}`);
    expect(live.status).toBe(409);
    expect(live.body.detail).toBe(`library ${trip} is not in the trash: trash it first, then delete it`);
    expect((await client.get(`/api/libraries/${trip}`)).status).toBe(200);
  });

  it('once deleted, is purged by the sweep: assets, bytes, faces, albums, people, claims and itself', async () => {
    const { client, owner, trip, home, photos, album, person, face } = await userWithTrip();
    await client.post(`/api/libraries/${trip}/trash`);
    expect(await client.delete(`/api/libraries/${trip}`)).toMatchObject({ status: 200, body: {} });
    // Deleting again is harmless while the purge has not finished.
    expect((await client.delete(`/api/libraries/${trip}`)).status).toBe(200);

    // A batch of one per run: the first run takes one asset, the next the other, then the rest.
    expect(await sweep({ DARKROOM_LIBRARY_PURGE_BATCH: 1 })).toMatchObject({
      libraryAssetsPurged: 1,
      librariesPurged: 0,
    });
    expect(await sweep()).toMatchObject({ libraryAssetsPurged: 1, librariesPurged: 1 });
    expect(await sweep()).toMatchObject({ libraryAssetsPurged: 0, librariesPurged: 0 });

    expect((await client.get(`/api/libraries/${trip}`)).status).toBe(404);
    expect(await ids(client, '/api/libraries?state=all')).not.toContain(trip);
    for (const id of photos) {
      expect((await client.get(`/api/assets/${id}`)).status).toBe(404);
      expect(await exists(originalKey(owner, id))).toBe(false);
    }
    expect((await client.get(`/api/albums/${album}`)).status).toBe(404);
    expect((await client.get(`/api/people/${person}`)).status).toBe(404);
    expect((await client.get(`/api/faces/${face}`)).status).toBe(404);
    const { dynamo } = createClients(stack().config);
    const left = await dynamo.send(
      new QueryCommand({
        TableName: stack().config.TABLE_NAME,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': libraryPartition(trip) },
      }),
    );
    expect(left.Items).toEqual([]);
    // The other library is untouched, and the owner's storage counts only it.
    expect(await ids(client, '/api/assets')).toEqual([home]);
    expect(await exists(originalKey(owner, home))).toBe(true);
  });

  it('restored while being purged keeps what the purge had not reached', async () => {
    const { client, trip, photos } = await userWithTrip();
    await client.post(`/api/libraries/${trip}/trash`);
    await client.delete(`/api/libraries/${trip}`);
    expect(await sweep({ DARKROOM_LIBRARY_PURGE_BATCH: 1 })).toMatchObject({ libraryAssetsPurged: 1 });
    const restored = await client.post(`/api/libraries/${trip}/restore`);
    expect(libraryResponseSchema.parse(restored.body).asset_count).toBe(1);
    expect(await sweep()).toMatchObject({ libraryAssetsPurged: 0, librariesPurged: 0 });
    const left = await ids(client, `/api/assets?library_id=${trip}`);
    expect(left).toHaveLength(1);
    expect(photos).toContain(left[0]);
    expect((await client.get(`/api/libraries/${trip}`)).status).toBe(200);
  });
});
