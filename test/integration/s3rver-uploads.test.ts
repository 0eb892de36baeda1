import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateMultipartUploadCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedS3, startS3 } from '#infra/local/s3.ts';
import { s3rverUploads } from '#infra/local/s3rver-uploads.ts';
import { LOCAL_CREDENTIALS } from '#shared/aws/clients.ts';

// Against s3rver itself, straight to its port: a new s3rver that lays uploads out otherwise fails here.
const Bucket = 'uploads-layout';
let directory: string;
let s3rver: EmbeddedS3;
let client: S3Client;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'darkroom-uploads-'));
  s3rver = await startS3(directory, [{ name: Bucket }]);
  client = new S3Client({
    endpoint: `http://127.0.0.1:${s3rver.port}`,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: LOCAL_CREDENTIALS,
  });
});
afterAll(async () => {
  await s3rver?.close();
  await rm(directory, { recursive: true, force: true });
});

const startUpload = async (Key: string) => {
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket, Key }));
  return UploadId ?? '';
};

describe("s3rver's multipart upload folders", () => {
  it('finds an upload with its parts in order, each with its size and ETag', async () => {
    const Key = 'originals/owner/a photo.jpg';
    const UploadId = await startUpload(Key);
    const second = await client.send(
      new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 2, Body: Buffer.alloc(3, 2) }),
    );
    const first = await client.send(
      new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: Buffer.alloc(5, 1) }),
    );
    const upload = await s3rverUploads(directory).find(Bucket, Key, UploadId);
    expect(await upload?.partNumbers()).toEqual([1, 2]);
    expect(await upload?.part(1)).toMatchObject({ number: 1, size: 5, etag: first.ETag });
    expect(await upload?.part(2)).toMatchObject({ number: 2, size: 3, etag: second.ETag });
    expect((await upload?.part(1))?.lastModified).toBeInstanceOf(Date);
  });

  it('finds no upload under another key, an unknown id, or an id shaped like a path', async () => {
    const UploadId = await startUpload('originals/owner/mine');
    const uploads = s3rverUploads(directory);
    expect(await uploads.find(Bucket, 'originals/owner/theirs', UploadId)).toBeUndefined();
    expect(await uploads.find(Bucket, 'originals/owner/mine', '0'.repeat(32))).toBeUndefined();
    expect(await uploads.find(Bucket, 'originals/owner/mine', `../${UploadId}`)).toBeUndefined();
  });

  it('removes an upload, so it is found no more', async () => {
    const Key = 'originals/owner/aborted';
    const UploadId = await startUpload(Key);
    const uploads = s3rverUploads(directory);
    await (await uploads.find(Bucket, Key, UploadId))?.remove();
    expect(await uploads.find(Bucket, Key, UploadId)).toBeUndefined();
  });
});
