import { open, stat } from 'node:fs/promises';
import { HeadObjectCommand, ListPartsCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { assetResponse } from '#functions/api/routes/asset-outputs.ts';
import { createClients } from '#shared/aws/clients.ts';
import { api } from '#test/helpers/api.ts';
import { fileDigests, paddedVideo } from '#test/helpers/big-video.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { deviceMetadata, newKey, settled } from '#test/helpers/uploads.ts';

const MiB = 1024 * 1024;
process.env.DARKROOM_MULTIPART_THRESHOLD_BYTES = String(8 * MiB);
const stack = useLocalStack({ isolateProcessor: true });

const readPart = async (path: string, offset: number, size: number) => {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(size);
    await file.read(buffer, 0, size, offset);
    return buffer;
  } finally {
    await file.close();
  }
};

const start = async (key: string, size: number, mime = 'video/mp4') => {
  const res = await api(stack().apiUrl, key).post('/api/assets/uploads', {
    ...deviceMetadata(),
    file_name: 'big.mp4',
    mime_type: mime,
    file_size_bytes: size,
  });
  expect(res.status).toBe(201);
  expect(res.body.upload.type).toBe('multipart');
  return res.body as {
    asset_id: string;
    upload: {
      upload_id: string;
      part_size: number;
      part_count: number;
      parts: { part_number: number; url: string; size: number }[];
    };
  };
};

const put = async (url: string, body: Buffer) => {
  const res = await fetch(url, { method: 'PUT', body });
  return { status: res.status, etag: res.headers.get('etag') ?? '' };
};

describe('resumable multipart uploads', () => {
  it('carry a 300 MiB video through a failed part, a resume and completion; the processor stays under 300 MB', async () => {
    const path = await paddedVideo(300 * MiB);
    const size = (await stat(path)).size;
    const key = await newKey();
    const client = api(stack().apiUrl, key);
    const plan = await start(key, size);
    expect(plan.upload).toMatchObject({ part_size: 16 * MiB, part_count: 19 });
    expect(plan.upload.parts.map((p) => p.part_number)).toEqual(Array.from({ length: 19 }, (_, i) => i + 1));

    const etags = new Map<number, string>();
    for (const part of plan.upload.parts.slice(0, 3)) {
      const body = await readPart(path, (part.part_number - 1) * plan.upload.part_size, part.size);
      if (part.part_number === 3) {
        // The connection drops: only part of the body arrives, and S3 refuses a length it did not sign.
        expect((await put(part.url, body.subarray(0, body.length - 1))).status).toBe(403);
        break;
      }
      const { status, etag } = await put(part.url, body);
      expect(status).toBe(200);
      etags.set(part.part_number, etag);
    }

    // The client comes back: asks what S3 has, signs the rest afresh, and goes on.
    const status = await client.get(`/api/assets/uploads/${plan.asset_id}`);
    expect(status.body.parts.map((p: { part_number: number }) => p.part_number)).toEqual([1, 2]);
    const missing = Array.from({ length: 17 }, (_, i) => i + 3);
    const signed = await client.post(`/api/assets/uploads/${plan.asset_id}/parts`, { part_numbers: missing });
    expect(signed.status).toBe(200);
    for (const part of signed.body.parts as { part_number: number; url: string; size: number }[]) {
      const body = await readPart(path, (part.part_number - 1) * plan.upload.part_size, part.size);
      const { status: code, etag } = await put(part.url, body);
      expect(code).toBe(200);
      etags.set(part.part_number, etag);
    }

    await stack().processorProcess?.resetPeak();
    const parts = [...etags.entries()].sort(([a], [b]) => a - b).map(([part_number, etag]) => ({ part_number, etag }));
    const completed = await client.post(`/api/assets/uploads/${plan.asset_id}/complete`, { parts });
    expect(completed).toMatchObject({ status: 200, body: { id: plan.asset_id, state: 'pending' } });
    expect(assetResponse.parse(completed.body)).toMatchObject({ asset_urls: {}, file_data: null });

    const asset = await settled(stack().apiUrl, key, plan.asset_id, 120_000);
    const digests = await fileDigests(path);
    expect(asset).toMatchObject({
      state: 'ready',
      file_size_bytes: size,
      checksum: digests.sha256,
      checksum_sha1: digests.sha1,
    });
    expect(asset.duration).toBeCloseTo(2, 1);
    const peak = (await stack().processorProcess?.peakRssBytes()) ?? Number.POSITIVE_INFINITY;
    console.log(`processor peak RSS while processing 300 MiB: ${(peak / MiB).toFixed(0)} MiB`);
    expect(peak).toBeLessThan(300 * 1000 * 1000);
  }, 300_000);

  it('refuse a part list that is incomplete, foreign, or adds up to another size', async () => {
    const key = await newKey();
    const client = api(stack().apiUrl, key);
    const size = 20 * MiB;
    const plan = await start(key, size);
    const other = await start(key, size);
    const upload = async (target: typeof plan, n: number, fill: number) => {
      const part = target.upload.parts[n - 1];
      if (!part) throw new Error('no such part');
      return (await put(part.url, Buffer.alloc(part.size, fill))).etag;
    };
    const mine = [await upload(plan, 1, 1), await upload(plan, 2, 2)];
    const theirs = [await upload(other, 1, 3), await upload(other, 2, 4)];
    const complete = (parts: { part_number: number; etag: string }[]) =>
      client.post(`/api/assets/uploads/${plan.asset_id}/complete`, { parts });

    const incomplete = await complete([{ part_number: 1, etag: mine[0] ?? '' }]);
    expect(incomplete).toMatchObject({
      status: 422,
      body: { detail: expect.stringMatching(/^parts: expected parts 1 to 2/) },
    });
    const foreign = await complete([
      { part_number: 1, etag: theirs[0] ?? '' },
      { part_number: 2, etag: theirs[1] ?? '' },
    ]);
    expect(foreign).toMatchObject({
      status: 422,
      body: { detail: expect.stringMatching(/not a part of this upload/) },
    });

    // Bypassing the signed URLs (with S3 credentials), part 2 is replaced by a longer one.
    const config = stack().config;
    const s3 = createClients(config).s3;
    const { ETag } = await s3.send(
      new UploadPartCommand({
        Bucket: config.ORIGINALS_BUCKET,
        Key: new URL(plan.upload.parts[0]?.url ?? '').pathname.split('/').slice(2).map(decodeURIComponent).join('/'),
        UploadId: plan.upload.upload_id,
        PartNumber: 2,
        Body: Buffer.alloc(5 * MiB, 9),
      }),
    );
    const wrongSize = await complete([
      { part_number: 1, etag: mine[0] ?? '' },
      { part_number: 2, etag: ETag ?? '' },
    ]);
    expect(wrongSize).toMatchObject({
      status: 422,
      body: { detail: expect.stringMatching(/part 2 is 5242880 bytes/) },
    });
    expect((await client.get(`/api/assets/${plan.asset_id}`)).body.state).toBe('pending');
  });

  it('abort, leaving no parts, no object and no asset behind', async () => {
    const key = await newKey();
    const client = api(stack().apiUrl, key);
    const plan = await start(key, 20 * MiB);
    const first = plan.upload.parts[0];
    expect((await put(first?.url ?? '', Buffer.alloc(first?.size ?? 0, 1))).status).toBe(200);
    expect(await client.delete(`/api/assets/uploads/${plan.asset_id}`)).toMatchObject({ status: 200, body: {} });

    expect((await client.get(`/api/assets/${plan.asset_id}`)).status).toBe(404);
    expect((await client.get(`/api/assets/uploads/${plan.asset_id}`)).status).toBe(404);
    const config = stack().config;
    const s3 = createClients(config).s3;
    const objectKey = new URL(first?.url ?? '').pathname.split('/').slice(2).map(decodeURIComponent).join('/');
    expect(objectKey).toMatch(/^originals\/user_/);
    await expect(
      s3.send(
        new ListPartsCommand({ Bucket: config.ORIGINALS_BUCKET, Key: objectKey, UploadId: plan.upload.upload_id }),
      ),
    ).rejects.toMatchObject({ name: 'NoSuchUpload' });
    await expect(s3.send(new HeadObjectCommand({ Bucket: config.ORIGINALS_BUCKET, Key: objectKey }))).rejects.toThrow();
  });

  it('keep files at the threshold on the single POST', async () => {
    const res = await api(stack().apiUrl, await newKey()).post('/api/assets/uploads', {
      ...deviceMetadata(),
      file_name: 'x.mp4',
      mime_type: 'video/mp4',
      file_size_bytes: 8 * MiB,
    });
    expect(res.body.upload.type).toBe('post');
  });
});
