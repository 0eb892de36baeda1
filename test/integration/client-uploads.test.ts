import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ApiError, createDarkroomClient, createUpload, sendToTarget, Unreachable } from '#shared/client/index.ts';
import { fileDigests, paddedVideo } from '#test/helpers/big-video.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { deviceMetadata, newKey, settled } from '#test/helpers/uploads.ts';

const MiB = 1024 * 1024;
process.env.DARKROOM_MULTIPART_THRESHOLD_BYTES = String(8 * MiB);
const stack = useLocalStack();

const meta = (name: string) => {
  const { device_asset_id, device_id, file_created_at, file_modified_at } = deviceMetadata();
  return { device_asset_id, device_id, file_created_at, file_modified_at, file_name: name, mime_type: 'video/mp4' };
};

describe('the typed client’s uploads in Node', () => {
  it('signs a part again when S3 refuses its URL as expired, and sends each part once', async () => {
    const path = await paddedVideo(40 * MiB);
    const blob = new Blob([await readFile(path)], { type: 'video/mp4' });
    const key = await newKey();
    const client = createDarkroomClient({ baseUrl: stack().apiUrl, apiKey: key });
    const created = await createUpload(client, blob, meta('clip.mp4'));
    if (created.status !== 'target' || created.upload.type !== 'multipart') throw new Error('no multipart target');
    // Every URL the API first gave is stale: signed an hour before it was used.
    const stale = new Set(created.upload.parts.map((p) => p.url));
    const sent: string[] = [];
    const clock = async (input: string | URL | Request, init?: RequestInit) => {
      const url = String(input);
      if (init?.method === 'PUT' && stale.has(url)) {
        const old = new URL(url);
        old.searchParams.set('X-Amz-Date', '20200101T000000Z');
        return fetch(old, init);
      }
      const response = await fetch(input, init);
      if (init?.method === 'PUT' && response.ok) sent.push(new URL(url).searchParams.get('partNumber') ?? '');
      return response;
    };
    const asset = await sendToTarget(client, blob, created.assetId, created.upload, { fetch: clock as typeof fetch });
    expect(sent.sort()).toEqual(['1', '2', '3']);
    expect(asset?.id).toBe(created.assetId);
    const ready = await settled(stack().apiUrl, key, created.assetId, 60_000);
    expect(ready).toMatchObject({ state: 'ready', checksum: (await fileDigests(path)).sha256 });
  });

  it('says Unreachable for a server that never answers, and ApiError with the detail for a refusal', async () => {
    const gone = createDarkroomClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'x', retries: 1, backoffMs: () => 10 });
    await expect(gone.GET('/api/users/me')).rejects.toBeInstanceOf(Unreachable);
    const client = createDarkroomClient({ baseUrl: stack().apiUrl, apiKey: await newKey() });
    const refusal = await createUpload(client, new Blob(['x']), {
      ...meta('a.pdf'),
      mime_type: 'application/pdf',
    }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ApiError);
    expect(refusal).toMatchObject({ status: 415, detail: expect.stringMatching(/mime_type/) });
  });
});
