import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  abortResponse,
  assetListResponse,
  assetResponse,
  deleteResponse,
  errorResponse,
  existResponse,
  signedPartsResponse,
  uploadStatusResponse,
  uploadTargetResponse,
} from '#functions/api/routes/asset-outputs.ts';
import { METRIC_NAMES } from '#shared/domain/metrics.ts';
import { api } from '#test/helpers/api.ts';
import { jpeg, uniquePng } from '#test/helpers/images.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { b64, deviceMetadata, directUpload, newKey } from '#test/helpers/uploads.ts';

// Every answer of the asset routes, checked against its response schema (asset-outputs.ts), and
// the query parameters the Gumnut SDK sends, in each form it sends them.

const MiB = 1024 * 1024;
process.env.DARKROOM_MULTIPART_THRESHOLD_BYTES = String(8 * MiB);
const stack = useLocalStack();

let key = '';
let holidays = '';
let photo = { id: '', checksum: '' };

const client = () => api(stack().apiUrl, key);
const expectShape = <S extends z.ZodType>(schema: S, res: { status: number; body: unknown }, status: number) => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return schema.parse(res.body) as z.infer<S>;
};
const refused = async (pending: Promise<{ status: number; body: unknown }>, status: number, detail: RegExp) => {
  const res = await pending;
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(errorResponse.parse(res.body).detail).toMatch(detail);
};

beforeAll(async () => {
  key = await newKey();
  holidays = (await client().post('/api/libraries', { name: 'Holidays' })).body.id;
  const bytes = await uniquePng(7100);
  const res = await directUpload(
    stack().apiUrl,
    key,
    bytes,
    'p.png',
    deviceMetadata({ file_created_at: '2021-05-06T07:08:09.123456', file_modified_at: '2021-05-06T07:08:09' }),
  );
  const asset = expectShape(assetResponse, res, 201);
  photo = { id: asset.id, checksum: b64('sha256', bytes) };
});

/** The fixed contract's example AssetResponse (../shared/upload-asset-api.txt). */
const contractExample = (): Record<string, unknown> => {
  const text = readFileSync(resolve(process.cwd(), '../shared/upload-asset-api.txt'), 'utf8');
  const start = text.indexOf('\n{\n');
  const end = text.indexOf('\n}\n', start);
  return JSON.parse(text.slice(start + 1, end + 2));
};

describe('asset answers', () => {
  it('carry every field of the upload contract, with its type, beside the SDK’s', async () => {
    const contract = contractExample();
    expect(Object.keys(contract).length).toBeGreaterThan(20);
    const answers = [
      (await client().get(`/api/assets/${photo.id}`)).body,
      (await client().get(`/api/assets/${photo.id}?include=metadata,file_data,variants`)).body,
      (await client().get(`/api/assets?ids=${photo.id}`)).body.data[0],
    ];
    const kind = (v: unknown) => (Array.isArray(v) ? 'array' : typeof v);
    for (const answer of answers) {
      for (const [field, example] of Object.entries(contract)) {
        expect(answer, field).toHaveProperty(field);
        // Nullable fields may be null; otherwise the JSON type is the contract's.
        if (answer[field] !== null) expect(kind(answer[field]), field).toBe(kind(example));
      }
      for (const field of Object.keys(contract.exif as object)) expect(answer.exif, field).toHaveProperty(field);
      expect(answer).toMatchObject({ kind: 'original', trashed_at: null });
    }
  });

  it('states each rung’s real width and the raw size before the EXIF orientation', async () => {
    // Stored 2000×1200 with orientation 6: upright it is 1200×2000.
    const bytes = await jpeg({ width: 2000, height: 1200, orientation: 6, color: '#3060a0' });
    const created = expectShape(assetResponse, await directUpload(stack().apiUrl, key, bytes, 'r.jpg'), 201);
    const full = expectShape(
      assetResponse,
      await client().get(`/api/assets/${created.id}?include=metadata,variants`),
      200,
    );
    expect(full).toMatchObject({ width: 1200, height: 2000 });
    // The quality scores of its preview, every one a number.
    expect(Object.keys(full.metrics).sort()).toEqual([...METRIC_NAMES].sort());
    for (const value of Object.values(full.metrics)) expect(Number.isFinite(value)).toBe(true);
    expect(full.metadata).toMatchObject({ orientation: 6, raw_width: 2000, raw_height: 1200 });
    for (const [rung, expected] of [
      ['original', 1200],
      ['preview', 864],
      ['thumbnail', 250],
    ] as const) {
      const variant = full.asset_urls[rung];
      expect(variant?.width, rung).toBe(expected);
      if (rung === 'original') continue;
      const served = Buffer.from(await (await fetch(variant?.url ?? '')).arrayBuffer());
      expect((await sharp(served).metadata()).width, rung).toBe(expected);
    }
  });

  it('reads a naive datetime (no zone) as the wall clock in UTC, in a form and in JSON', async () => {
    const asset = expectShape(assetResponse, await client().get(`/api/assets/${photo.id}`), 200);
    expect(asset.file_created_at).toBe('2021-05-06T07:08:09.123Z');
    expect(asset.file_modified_at).toBe('2021-05-06T07:08:09Z');
    expect(asset.local_datetime).toBe('2021-05-06T07:08:09.123Z');
    const target = expectShape(
      uploadTargetResponse,
      await client().post('/api/assets/uploads', {
        ...deviceMetadata({ file_created_at: '2019-03-21T11:04:22', file_modified_at: '2019-03-21T11:04:22+02:00' }),
        file_name: 'x.jpg',
        mime_type: 'image/jpeg',
        file_size_bytes: 1000,
      }),
      201,
    );
    const pending = expectShape(assetResponse, await client().get(`/api/assets/${target.asset_id}`), 200);
    expect(pending.file_created_at).toBe('2019-03-21T11:04:22Z');
    expect(pending.file_modified_at).toBe('2019-03-21T09:04:22Z');
  });

  it('gives a pending asset no URLs and no file_data (no checksum yet), even when asked', async () => {
    const target = expectShape(
      uploadTargetResponse,
      await client().post('/api/assets/uploads', {
        ...deviceMetadata(),
        file_name: 'y.jpg',
        mime_type: 'image/jpeg',
        file_size_bytes: 1000,
      }),
      201,
    );
    expect(target.upload.type).toBe('post');
    const asset = expectShape(
      assetResponse,
      await client().get(`/api/assets/${target.asset_id}?include=file_data,variants,metadata`),
      200,
    );
    expect(asset).toMatchObject({ state: 'pending', asset_urls: {}, file_data: null, metadata: null });
  });

  it('takes include repeated or comma-separated, and refuses an unknown token or parameter with 422', async () => {
    const repeated = expectShape(
      assetResponse,
      await client().get(`/api/assets/${photo.id}?include=metadata&include=variants`),
      200,
    );
    const comma = expectShape(
      assetResponse,
      await client().get(`/api/assets/${photo.id}?include=metadata,variants`),
      200,
    );
    expect(Object.keys(repeated.asset_urls).sort()).toEqual(['original', 'preview', 'thumbnail']);
    expect(Object.keys(comma.asset_urls).sort()).toEqual(['original', 'preview', 'thumbnail']);
    expect(repeated.metadata?.asset_id).toBe(photo.id);
    expect(repeated.file_data).toBeNull();
    // Always there, whatever include says: the contract's fields.
    expect(repeated.download_url).toMatch(/^http/);
    expect(repeated.thumbnail_url).toMatch(/^http/);
    expect(repeated.checksum).toBe(photo.checksum);
    await refused(client().get(`/api/assets/${photo.id}?include=nonsense`), 422, /^query parameter include/);
    await refused(client().get(`/api/assets/${photo.id}?size=big`), 422, /^query parameter size: unknown$/);
  });

  it('lists with ids in either form and refuses what it does not offer, naming the query parameter', async () => {
    const page = expectShape(
      assetListResponse,
      await client().get(`/api/assets?ids=${photo.id},asset_2222222222222222222222&include=file_data`),
      200,
    );
    expect(page.data.map((a) => a.id)).toEqual([photo.id]);
    expect(page.data[0]?.file_data?.checksum).toBe(photo.checksum);
    await refused(client().get('/api/assets?stack_id=asset_stack_x'), 422, /^query parameter stack_id: not supported/);
    await refused(
      client().get('/api/assets?person_ids=person_x'),
      422,
      /^query parameter person_ids \(item 0\): must be a person id/,
    );
    await refused(client().get('/api/assets?colour=red'), 422, /^query parameter colour: unknown$/);
    await refused(client().get('/api/assets?media_type=audio'), 422, /^query parameter media_type/);
    await refused(client().get('/api/assets?ids=asset_x'), 422, /^query parameter ids \(item 0\)/);
  });

  it('takes exist’s library_id from the query or the body, refusing the two when they disagree', async () => {
    const body = { checksums: [photo.checksum] };
    const anywhere = expectShape(existResponse, await client().post('/api/assets/exist', body), 200);
    expect(anywhere.assets.map((a) => a.id)).toEqual([photo.id]);
    const inQuery = expectShape(
      existResponse,
      await client().post(`/api/assets/exist?library_id=${holidays}`, body),
      200,
    );
    expect(inQuery.assets).toEqual([]);
    const inBody = expectShape(
      existResponse,
      await client().post('/api/assets/exist', { ...body, library_id: holidays }),
      200,
    );
    expect(inBody.assets).toEqual([]);
    const mine = (await client().get('/api/libraries')).body[0].id;
    await refused(
      client().post(`/api/assets/exist?library_id=${holidays}`, { ...body, library_id: mine }),
      422,
      /^library_id: the query and the body name different libraries/,
    );
    await refused(client().post('/api/assets/exist?library=x', body), 422, /^query parameter library: unknown$/);
  });

  it('answers the resumable upload routes in their schemas', async () => {
    const target = expectShape(
      uploadTargetResponse,
      await client().post('/api/assets/uploads', {
        ...deviceMetadata(),
        file_name: 'big.mp4',
        mime_type: 'video/mp4',
        file_size_bytes: 20 * MiB,
      }),
      201,
    );
    expect(target.upload.type).toBe('multipart');
    const status = expectShape(uploadStatusResponse, await client().get(`/api/assets/uploads/${target.asset_id}`), 200);
    expect(status).toMatchObject({ asset_id: target.asset_id, file_size_bytes: 20 * MiB, parts: [] });
    const signed = expectShape(
      signedPartsResponse,
      await client().post(`/api/assets/uploads/${target.asset_id}/parts`, { part_numbers: [1] }),
      200,
    );
    expect(signed.parts.map((p) => p.part_number)).toEqual([1]);
    await refused(
      client().post(`/api/assets/uploads/${target.asset_id}/complete`, { parts: [{ part_number: 1, etag: 'x' }] }),
      422,
      /./,
    );
    expectShape(abortResponse, await client().delete(`/api/assets/uploads/${target.asset_id}`), 200);
  });

  it('answers errors as {detail} and a delete as {}', async () => {
    await refused(api(stack().apiUrl).get(`/api/assets/${photo.id}`), 401, /Authorization/);
    await refused(api(stack().apiUrl, await newKey()).get(`/api/assets/${photo.id}`), 404, /^asset not found$/);
    const doomed = expectShape(
      assetResponse,
      await directUpload(stack().apiUrl, key, await uniquePng(7101), 'd.png', deviceMetadata({ library_id: holidays })),
      201,
    );
    expectShape(deleteResponse, await client().delete(`/api/assets/${doomed.id}`), 200);
    await refused(client().get(`/api/assets/${doomed.id}`), 404, /^asset not found$/);
  });
});
