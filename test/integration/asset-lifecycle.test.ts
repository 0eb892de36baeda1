import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createClients } from '#shared/aws/clients.ts';
import { derivedKeys, originalKey } from '#shared/object-keys.ts';
import { api } from '#test/helpers/api.ts';
import { uniquePng } from '#test/helpers/images.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { b64, deviceMetadata, directUpload, newKey, presignedUpload, settled } from '#test/helpers/uploads.ts';

const stack = useLocalStack();
let seed = 1000;
const fresh = () => uniquePng(seed++);

const exists = async (bucket: string, key: string) => {
  const s3 = createClients(stack().config).s3;
  return s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
    () => true,
    () => false,
  );
};

const ownerOf = (asset: { download_url: string }) =>
  /originals\/(user_[^/?]+)\//.exec(decodeURIComponent(asset.download_url))?.[1] ?? '';

describe('duplicates', () => {
  it('the same bytes twice through the direct upload: one asset, the second answer 200', async () => {
    const key = await newKey();
    const bytes = await fresh();
    const first = await directUpload(stack().apiUrl, key, bytes, 'a.png');
    const second = await directUpload(stack().apiUrl, key, bytes, 'b.png');
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.body.id).toBe(first.body.id);
    const list = await api(stack().apiUrl, key).get('/api/assets');
    expect(list.body.data.map((a: { id: string }) => a.id)).toEqual([first.body.id]);
  });

  it('the same bytes twice through presigned uploads: the second resolves to the first, its original removed', async () => {
    const key = await newKey();
    const bytes = await fresh();
    const first = await presignedUpload(stack().apiUrl, key, bytes, 'a.png', 'image/png');
    const firstAsset = await settled(stack().apiUrl, key, first.created.body.asset_id);
    const second = await presignedUpload(stack().apiUrl, key, bytes, 'b.png', 'image/png');
    const resolved = await settled(stack().apiUrl, key, second.created.body.asset_id);
    expect(resolved.id).toBe(firstAsset.id);
    const config = stack().config;
    const owner = ownerOf(firstAsset);
    expect(await exists(config.ORIGINALS_BUCKET, originalKey(owner, second.created.body.asset_id))).toBe(false);
    expect(await exists(config.ORIGINALS_BUCKET, originalKey(owner, firstAsset.id))).toBe(true);
    const list = await api(stack().apiUrl, key).get('/api/assets');
    expect(list.body.data).toHaveLength(1);
  });

  it('a known checksum answers 200 with the existing asset and no upload target', async () => {
    const key = await newKey();
    const bytes = await fresh();
    const first = await directUpload(stack().apiUrl, key, bytes, 'a.png');
    const again = await presignedUpload(stack().apiUrl, key, bytes, 'a.png', 'image/png', {
      checksum: b64('sha256', bytes),
    });
    expect(again.created.status).toBe(200);
    expect(again.created.body.id).toBe(first.body.id);
    expect(again.created.body.upload).toBeUndefined();
  });

  it('the same bytes in two libraries, or for two users, are separate assets', async () => {
    const key = await newKey();
    const bytes = await fresh();
    const library = await api(stack().apiUrl, key).post('/api/libraries', { name: 'Second' });
    const inDefault = await directUpload(stack().apiUrl, key, bytes, 'a.png');
    const inSecond = await directUpload(
      stack().apiUrl,
      key,
      bytes,
      'a.png',
      deviceMetadata({ library_id: library.body.id }),
    );
    const otherUser = await directUpload(stack().apiUrl, await newKey(), bytes, 'a.png');
    expect([inDefault.status, inSecond.status, otherUser.status]).toEqual([201, 201, 201]);
    expect(new Set([inDefault.body.id, inSecond.body.id, otherUser.body.id]).size).toBe(3);
    expect(inSecond.body.library_id).toBe(library.body.id);
  });
});

describe('reading', () => {
  it('answers another user’s asset exactly like a missing one', async () => {
    const key = await newKey();
    const { body } = await directUpload(stack().apiUrl, key, await fresh(), 'a.png');
    const stranger = api(stack().apiUrl, await newKey());
    const foreign = await stranger.get(`/api/assets/${body.id}`);
    const missing = await stranger.get('/api/assets/asset_2222222222222222222222');
    expect(foreign).toMatchObject({ status: 404, body: missing.body });
    expect((await stranger.delete(`/api/assets/${body.id}`)).status).toBe(404);
    expect((await api(stack().apiUrl, key).get(`/api/assets/${body.id}`)).status).toBe(200);
  });

  it('signs URLs for at most an hour, typed by the sniffed content', async () => {
    const key = await newKey();
    const { body } = await directUpload(
      stack().apiUrl,
      key,
      await fresh(),
      'photo.jpg',
      deviceMetadata(),
      'image/jpeg',
    );
    expect(body.mime_type).toBe('image/png');
    for (const url of [body.download_url, body.thumbnail_url]) {
      expect(Number(new URL(url).searchParams.get('X-Amz-Expires'))).toBeLessThanOrEqual(3600);
    }
    expect(new URL(body.download_url).searchParams.get('response-content-type')).toBe('image/png');
    expect(new URL(body.download_url).searchParams.get('response-content-disposition')).toMatch(
      /^attachment; filename="photo.jpg"/,
    );
    const again = await api(stack().apiUrl, key).get(`/api/assets/${body.id}`);
    expect(again.body.thumbnail_url).toBe(body.thumbnail_url);
  });

  it('keeps a client file name only as a sanitised display name', async () => {
    const key = await newKey();
    const { created } = await presignedUpload(stack().apiUrl, key, await fresh(), '../../t2/x.png', 'image/png');
    expect(created.body.upload.fields.key).toMatch(/^originals\/user_[^/]+\/asset_[^/]+$/);
    const asset = await settled(stack().apiUrl, key, created.body.asset_id);
    expect(asset.original_file_name).toBe('x.png');
  });

  it('keeps a UTF-8 file name intact through both flows', async () => {
    const key = await newKey();
    const direct = await directUpload(stack().apiUrl, key, await fresh(), '写真-é.png');
    expect(direct.body.original_file_name).toBe('写真-é.png');
    expect(new URL(direct.body.download_url).searchParams.get('response-content-disposition')).toContain(
      "filename*=UTF-8''%E5%86%99%E7%9C%9F-%C3%A9.png",
    );
    const { created } = await presignedUpload(stack().apiUrl, key, await fresh(), '写真-é.png', 'image/png');
    expect((await settled(stack().apiUrl, key, created.body.asset_id)).original_file_name).toBe('写真-é.png');
  });
});

describe('exist', () => {
  it('finds by SHA-256, SHA-1 and device ids, only among the caller’s assets', async () => {
    const key = await newKey();
    const bytes = await fresh();
    const metadata = deviceMetadata();
    const { body } = await directUpload(stack().apiUrl, key, bytes, 'a.png', metadata);
    const expected = {
      id: body.id,
      checksum: body.checksum,
      checksum_sha1: body.checksum_sha1,
      device_asset_id: metadata.device_asset_id,
      device_id: metadata.device_id,
    };
    const mine = api(stack().apiUrl, key);
    const stranger = api(stack().apiUrl, await newKey());
    for (const query of [
      { checksums: [body.checksum, b64('sha256', Buffer.from('nothing'))] },
      { checksum_sha1s: [body.checksum_sha1] },
      { deviceId: metadata.device_id, deviceAssetIds: [metadata.device_asset_id, 'other'] },
    ]) {
      expect((await mine.post('/api/assets/exist', query)).body).toEqual({ assets: [expected] });
      expect((await stranger.post('/api/assets/exist', query)).body).toEqual({ assets: [] });
    }
  });

  it('takes exactly one mode and at most 5000 values', async () => {
    const client = api(stack().apiUrl, await newKey());
    const checksum = b64('sha256', Buffer.from('x'));
    expect((await client.post('/api/assets/exist', {})).status).toBe(422);
    expect(
      (
        await client.post('/api/assets/exist', {
          checksums: [checksum],
          checksum_sha1s: [b64('sha1', Buffer.from('x'))],
        })
      ).status,
    ).toBe(422);
    expect((await client.post('/api/assets/exist', { deviceId: 'd' })).status).toBe(422);
    expect((await client.post('/api/assets/exist', { checksums: Array(5001).fill(checksum) })).status).toBe(422);
    const many = await client.post('/api/assets/exist', { checksums: Array(5000).fill(checksum) });
    expect(many).toMatchObject({ status: 200, body: { assets: [] } });
  });
});

describe('delete', () => {
  it('removes the record, the claim, the original and the derived files; the bytes can come again', async () => {
    const key = await newKey();
    const bytes = await fresh();
    const { body } = await directUpload(stack().apiUrl, key, bytes, 'a.png');
    const client = api(stack().apiUrl, key);
    const config = stack().config;
    const owner = ownerOf(body);
    const keys = derivedKeys({ owner, id: body.id });
    expect(await exists(config.DERIVED_BUCKET, keys.thumbnail)).toBe(true);

    expect(await client.delete(`/api/assets/${body.id}`)).toMatchObject({ status: 200, body: {} });
    expect((await client.get(`/api/assets/${body.id}`)).status).toBe(404);
    expect(await exists(config.ORIGINALS_BUCKET, originalKey(owner, body.id))).toBe(false);
    expect(await exists(config.DERIVED_BUCKET, keys.thumbnail)).toBe(false);
    expect(await exists(config.DERIVED_BUCKET, keys.preview)).toBe(false);
    expect((await client.post('/api/assets/exist', { checksums: [body.checksum] })).body.assets).toEqual([]);

    const again = await directUpload(stack().apiUrl, key, bytes, 'a.png');
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(body.id);
  });
});

describe('presigned upload requests', () => {
  it('pin key, content type, exact size and 15 minutes in the policy', async () => {
    const key = await newKey();
    const { created } = await presignedUpload(stack().apiUrl, key, Buffer.alloc(1234), 'x.jpg', 'image/jpeg');
    const policy = JSON.parse(Buffer.from(created.body.upload.fields.Policy, 'base64').toString());
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        ['eq', '$Content-Type', 'image/jpeg'],
        ['content-length-range', 1234, 1234],
        { key: created.body.upload.fields.key },
      ]),
    );
    const lifetime = Date.parse(policy.expiration) - Date.now();
    expect(lifetime).toBeLessThanOrEqual(15 * 60 * 1000);
    expect(lifetime).toBeGreaterThan(14 * 60 * 1000);
    expect(created.body.upload.expires_at).toBe(new Date(Date.parse(policy.expiration)).toISOString());
    expect((await api(stack().apiUrl, key).get(`/api/assets/${created.body.asset_id}`)).body.state).toBe('pending');
  });

  it('refuse types that are no image or video, naming the field', async () => {
    const client = api(stack().apiUrl, await newKey());
    for (const mime of ['image/svg+xml', 'text/html', 'application/octet-stream', 'application/xml']) {
      const res = await client.post('/api/assets/uploads', {
        ...deviceMetadata(),
        file_name: 'x',
        mime_type: mime,
        file_size_bytes: 10,
      });
      expect(res.status, mime).toBe(415);
      expect(res.body.detail).toMatch(/^mime_type/);
    }
  });

  it('accept video types, and judge the bytes, not the claim', async () => {
    const key = await newKey();
    const { created, s3Status } = await presignedUpload(
      stack().apiUrl,
      key,
      Buffer.from('not really a video'),
      'v.mp4',
      'video/mp4',
    );
    expect([created.status, s3Status]).toEqual([201, 204]);
    const asset = await settled(stack().apiUrl, key, created.body.asset_id);
    expect(asset).toMatchObject({ state: 'failed', error: expect.stringMatching(/not an image or video/) });
  });

  it('replay the first answer for the same Idempotency-Key and body, and refuse another body', async () => {
    const client = api(stack().apiUrl, await newKey());
    const body = { ...deviceMetadata(), file_name: 'x.jpg', mime_type: 'image/jpeg', file_size_bytes: 10 };
    const headers = { 'idempotency-key': 'retry-1' };
    const first = await client.post('/api/assets/uploads', body, headers);
    const second = await client.post('/api/assets/uploads', body, headers);
    expect(first.status).toBe(201);
    expect(second).toMatchObject({ status: 201, body: first.body });
    const other = await client.post('/api/assets/uploads', { ...body, file_size_bytes: 11 }, headers);
    expect(other.status).toBe(422);
    expect(other.body.detail).toMatch(/Idempotency-Key/);
    // The use case's own refusals come through the idempotency layer unchanged.
    const svg = await client.post(
      '/api/assets/uploads',
      { ...body, mime_type: 'image/svg+xml' },
      { 'idempotency-key': 'retry-svg' },
    );
    expect(svg).toMatchObject({ status: 415, body: { detail: expect.stringMatching(/^mime_type/) } });
    const fresh = await client.post('/api/assets/uploads', body, { 'idempotency-key': 'retry-2' });
    expect(fresh.body.asset_id).not.toBe(first.body.asset_id);
  });

  it('hold an Idempotency-Key in progress only until the invocation’s timeout, not for the record’s 24 hours', async () => {
    const client = api(stack().apiUrl, await newKey());
    const body = { ...deviceMetadata(), file_name: 'x.jpg', mime_type: 'image/jpeg', file_size_bytes: 10 };
    const before = Date.now();
    expect((await client.post('/api/assets/uploads', body, { 'idempotency-key': 'deadline-1' })).status).toBe(201);
    const config = stack().config;
    const { Items = [] } = await createClients(config).dynamo.send(
      new QueryCommand({
        TableName: config.TABLE_NAME,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'IDEMPOTENCY' },
      }),
    );
    expect(Items.length).toBeGreaterThan(0);
    // The local adapter gives the API invocation 30 s, as the deployed function has.
    for (const item of Items) {
      expect(item.in_progress_expiration).toBeGreaterThan(before);
      expect(item.in_progress_expiration).toBeLessThanOrEqual(Date.now() + 30_000);
    }
  });
});

describe('direct upload input', () => {
  it('refuses missing or invalid fields with 422 naming the field', async () => {
    const key = await newKey();
    const bytes = await fresh();
    const cases: [Record<string, string>, RegExp][] = [
      [{ ...deviceMetadata(), device_id: '' }, /^device_id/],
      [{ ...deviceMetadata(), file_created_at: 'yesterday' }, /^file_created_at/],
      [{ ...deviceMetadata(), library_id: 'nope' }, /^library_id/],
      [{ ...deviceMetadata(), surprise: 'x' }, /surprise/],
    ];
    for (const [metadata, detail] of cases) {
      const res = await directUpload(stack().apiUrl, key, bytes, 'a.png', metadata);
      expect(res.status).toBe(422);
      expect(res.body.detail).toMatch(detail);
    }
    const { device_asset_id: _, ...missing } = deviceMetadata();
    const res = await directUpload(stack().apiUrl, key, bytes, 'a.png', missing);
    expect(res).toMatchObject({ status: 422, body: { detail: expect.stringMatching(/^device_asset_id/) } });
  });

  it('refuses content that is no image or video with 415, storing nothing', async () => {
    const key = await newKey();
    const res = await directUpload(stack().apiUrl, key, Buffer.from('<html><body>hi</body></html>'), 'page.jpg');
    expect(res.status).toBe(415);
    expect((await api(stack().apiUrl, key).get('/api/assets')).body.data).toEqual([]);
  });

  it('refuses a foreign library with 404', async () => {
    const other = await newKey();
    const library = await api(stack().apiUrl, other).post('/api/libraries', { name: 'Theirs' });
    const res = await directUpload(
      stack().apiUrl,
      await newKey(),
      await fresh(),
      'a.png',
      deviceMetadata({ library_id: library.body.id }),
    );
    expect(res.status).toBe(404);
  });

  it('answers 413 above the Lambda payload limit, pointing to uploads', async () => {
    const res = await directUpload(stack().apiUrl, await newKey(), Buffer.alloc(5 * 1024 * 1024, 1), 'big.jpg');
    expect(res.status).toBe(413);
    expect(res.body.detail).toMatch(/\/api\/assets\/uploads/);
  });
});
