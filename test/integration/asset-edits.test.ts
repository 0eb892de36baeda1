import { describe, expect, it } from 'vitest';
import { assetResponse } from '#functions/api/routes/asset-outputs.ts';
import { composeAssets } from '#functions/compose-assets.ts';
import { reprocessObject } from '#shared/domain/reprocess.ts';
import { api } from '#test/helpers/api.ts';
import { gps } from '#test/helpers/geo-photos.ts';
import { describeWithSdk, runSdk } from '#test/helpers/gumnut-sdk.ts';
import { jpeg } from '#test/helpers/images.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { deviceMetadata, directUpload, newKey } from '#test/helpers/uploads.ts';

// Edits of an asset's description, position and capture time (the SDK's update_asset and
// bulk_update_assets) through the local stack: each is an override over what the file says,
// so clearing one brings the file's value back, and reprocessing keeps it.

const stack = useLocalStack();

let shots = 0;
/** A photo taken in Paris at a wall clock, described by its camera. */
const parisPhoto = () =>
  jpeg({
    color: `#${(0x204060 + shots++ * 0x050301).toString(16).slice(-6)}`,
    exif: {
      IFD0: { ImageDescription: 'from the camera' },
      IFD2: { DateTimeOriginal: '2024:06:15 12:00:00' },
      IFD3: gps(48.8566, 2.3522),
    },
  });

const setup = async () => {
  const key = await newKey();
  const client = api(stack().apiUrl, key);
  const upload = async () => {
    const { body } = await directUpload(
      stack().apiUrl,
      key,
      await parisPhoto(),
      'paris.jpg',
      deviceMetadata({ device_asset_id: `edit-${shots}` }),
    );
    expect(body.state).toBe('ready');
    return body.id as string;
  };
  const read = async (id: string) => (await client.get(`/api/assets/${id}?include=metadata`)).body;
  return { key, client, upload, read };
};

describe('editing an asset', () => {
  it('overrides the description, and null brings the camera’s back', async () => {
    const { client, upload, read } = await setup();
    const id = await upload();
    const edited = await client.patch(`/api/assets/${id}`, { description: 'Our first day' });
    expect(edited.status).toBe(200);
    assetResponse.parse(edited.body);
    expect(edited.body.exif.description).toBe('Our first day');
    expect((await read(id)).metadata.description).toBe('Our first day');
    await client.patch(`/api/assets/${id}`, { description: null });
    expect((await read(id)).metadata.description).toBe('from the camera');
  });

  it('moves the asset to a new position: places named again, zone and offset follow, found there by place', async () => {
    const { client, upload, read } = await setup();
    const id = await upload();
    await client.patch(`/api/assets/${id}`, { latitude: 35.6762, longitude: 139.6503 });
    const moved = await read(id);
    expect(moved.metadata).toMatchObject({
      latitude: 35.6762,
      longitude: 139.6503,
      country: 'Japan',
      country_code: 'JP',
      timezone: 'Asia/Tokyo',
      original_datetime: '2024-06-15T12:00:00+09:00',
    });
    const tokyo = (await client.get('/api/assets?bbox=139.5,35.5,139.8,35.8')).body.data.map(
      (a: { id: string }) => a.id,
    );
    expect(tokyo).toEqual([id]);
    expect((await client.get('/api/assets?bbox=2.2,48.8,2.5,48.9')).body.data).toEqual([]);

    await client.patch(`/api/assets/${id}`, { latitude: null, longitude: null });
    expect((await read(id)).metadata).toMatchObject({
      city: 'Paris',
      country_code: 'FR',
      timezone: 'Europe/Paris',
      original_datetime: '2024-06-15T12:00:00+02:00',
    });
  });

  it('moves the asset on the timeline with its capture time, and back when cleared', async () => {
    const { client, upload, read } = await setup();
    const [early, late] = [await upload(), await upload()];
    await client.patch(`/api/assets/${late}`, { original_datetime: '2031-02-03T04:05:06' });
    expect((await read(late)).local_datetime).toBe('2031-02-03T04:05:06Z');
    const newest = (await client.get('/api/assets?limit=1')).body.data[0].id;
    expect(newest).toBe(late);
    const before2030 = (await client.get('/api/assets?local_datetime_before=2030-01-01T00:00:00Z')).body.data;
    expect(before2030.map((a: { id: string }) => a.id)).toEqual([early]);
    // With an offset, the offset is kept.
    await client.patch(`/api/assets/${late}`, { original_datetime: '2031-02-03T04:05:06-05:00' });
    expect((await read(late)).metadata.original_datetime).toBe('2031-02-03T04:05:06-05:00');
    await client.patch(`/api/assets/${late}`, { original_datetime: null });
    expect((await read(late)).local_datetime).toBe('2024-06-15T12:00:00Z');
  });

  it('moves the asset in its albums’ timelines with its capture time', async () => {
    const { client, upload } = await setup();
    const [first, second] = [await upload(), await upload()];
    const album = (await client.post('/api/albums', { name: 'Trip' })).body;
    expect((await client.post(`/api/albums/${album.id}/assets`, { asset_ids: [first, second] })).status).toBe(200);
    const order = async () =>
      (await client.get(`/api/assets?album_id=${album.id}&order=asc`)).body.data.map((a: { id: string }) => a.id);
    // Same capture time: by id. Then the one moved to 1999 comes first.
    const moved = [first, second].sort()[1] ?? '';
    await client.patch(`/api/assets/${moved}`, { original_datetime: '1999-12-31T23:59:59' });
    expect((await order())[0]).toBe(moved);
  });

  it('keeps every override when the asset is processed again', async () => {
    const { client, upload, read } = await setup();
    const id = await upload();
    await client.patch(`/api/assets/${id}`, {
      description: 'kept',
      latitude: -33.8688,
      longitude: 151.2093,
      original_datetime: '2020-01-01T09:00:00',
    });
    const { processor, queries } = composeAssets(stack().config);
    const asset = await queries.get((await client.get('/api/users/me')).body.id, id);
    await processor.handleObject(reprocessObject(asset, stack().config.ORIGINALS_BUCKET, true), { force: true });
    expect(await read(id)).toMatchObject({
      local_datetime: '2020-01-01T09:00:00Z',
      metadata: { description: 'kept', city: 'Sydney', original_datetime: '2020-01-01T09:00:00+11:00' },
    });
  });

  it('refuses what it cannot apply, with the reason, and changes nothing', async () => {
    const { client, upload, read } = await setup();
    const id = await upload();
    const refused = async (body: unknown, pattern: RegExp) => {
      const res = await client.patch(`/api/assets/${id}`, body);
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.detail).toMatch(pattern);
    };
    await refused({ latitude: 10 }, /latitude and longitude/);
    await refused({ latitude: 91, longitude: 0 }, /latitude/);
    await refused({ latitude: null, longitude: 3 }, /latitude and longitude/);
    await refused({ original_datetime: 'yesterday' }, /original_datetime/);
    await refused({ colour: 'red' }, /colour/);
    expect((await read(id)).metadata.description).toBe('from the camera');
    const other = await setup();
    expect((await other.client.patch(`/api/assets/${id}`, { description: 'mine now' })).status).toBe(404);
  });

  it('bulk-updates many assets at once, or none when one id is not the caller’s', async () => {
    const { client, upload, read } = await setup();
    const [a, b] = [await upload(), await upload()];
    const ok = await client.post('/api/assets/bulk-update', {
      updates: [
        { id: a, change: { description: 'first' } },
        { id: b, change: { latitude: 51.5074, longitude: -0.1278 } },
      ],
    });
    expect(ok).toMatchObject({ status: 200, body: {} });
    expect((await read(a)).metadata.description).toBe('first');
    expect((await read(b)).metadata.country_code).toBe('GB');
    const stranger = await (await setup()).upload();
    const refused = await client.post('/api/assets/bulk-update', {
      updates: [
        { id: a, change: { description: 'second' } },
        { id: stranger, change: { description: 'theirs' } },
      ],
    });
    expect(refused.status).toBe(404);
    expect((await read(a)).metadata.description).toBe('first');
  });
});

describeWithSdk('editing through the Gumnut SDK', () => {
  it('update_asset answers the asset; bulk_update_assets the empty acknowledgment', async () => {
    const { key, upload } = await setup();
    const id = await upload();
    const answer = await runSdk(
      { baseUrl: stack().apiUrl, apiKey: key },
      `
edited = client.assets.update_asset(ARGS["id"], description="via the SDK", latitude=40.7128, longitude=-74.006)
bulk = client.assets.bulk_update_assets(updates=[{"id": ARGS["id"], "change": {"original_datetime": "2010-05-06T07:08:09"}}])
after = client.assets.retrieve(ARGS["id"], include=["metadata"])
emit({"edited": edited.id == ARGS["id"], "description": after.metadata.description,
      "bulk": bulk.to_dict(), "local": str(after.local_datetime), "country": after.metadata.country_code})
`,
      { id },
    );
    expect(answer).toEqual({
      edited: true,
      description: 'via the SDK',
      bulk: {},
      local: '2010-05-06 07:08:09+00:00',
      country: 'US',
    });
  });
});
