import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { fileDigests, paddedVideo } from '#test/helpers/big-video.ts';
import { servePage, useChromium } from '#test/helpers/browser-page.ts';
import { uniquePng } from '#test/helpers/images.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { b64, newKey, settled } from '#test/helpers/uploads.ts';

const MiB = 1024 * 1024;
process.env.DARKROOM_MULTIPART_THRESHOLD_BYTES = String(8 * MiB);

// The typed client, bundled for the browser as a web app would bundle it, driven from a page on
// another origin than the API and S3.
const bundle = await build({
  entryPoints: ['shared/client/index.ts'],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  write: false,
});
const PAGE = `<!doctype html><meta charset="utf-8"><title>client</title><script type="module">
import * as darkroom from '/client.js';
const meta = (name) => ({ device_asset_id: name + Date.now(), device_id: 'browser', file_created_at: '2020-01-01T00:00:00Z',
  file_modified_at: '2020-01-01T00:00:00Z', file_name: name, mime_type: name.endsWith('.png') ? 'image/png' : 'video/mp4' });
const blobOf = async (path, type) => new Blob([await (await fetch(path)).arrayBuffer()], { type });
window.post = async (base, key) => {
  const client = darkroom.createDarkroomClient({ baseUrl: base, apiKey: key });
  const blob = await blobOf('/photo.png', 'image/png');
  return darkroom.uploadBlob(client, blob, meta('photo.png'));
};
window.again = async (base, key) => {
  const client = darkroom.createDarkroomClient({ baseUrl: base, apiKey: key });
  const blob = await blobOf('/photo.png', 'image/png');
  return darkroom.uploadBlob(client, blob, { ...meta('photo.png'), checksum: await sha256(blob) });
};
async function sha256(blob) {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}
window.partsResumed = async (base, key) => {
  const client = darkroom.createDarkroomClient({ baseUrl: base, apiKey: key });
  const blob = await blobOf('/video.mp4', 'video/mp4');
  const created = await darkroom.createUpload(client, blob, meta('video.mp4'));
  const puts = [];
  const counting = async (url, init) => {
    const response = await fetch(url, init);
    if (init?.method === 'PUT' && response.ok) puts.push(url);
    return response;
  };
  // The page "crashes" once the first part has landed: the send is abandoned mid-way.
  const crash = new AbortController();
  const interrupted = await darkroom.sendToTarget(client, blob, created.assetId, created.upload, {
    fetch: counting, partConcurrency: 1, signal: crash.signal, onBytes: () => crash.abort(),
  }).then(() => 'finished', (e) => e.name);
  const before = puts.length;
  const asset = await darkroom.resumeParts(client, blob, created.assetId, { fetch: counting });
  return { type: created.upload.type, partCount: created.upload.part_count, interrupted, before, after: puts.length - before, asset };
};
window.failure = async (base) => {
  const client = darkroom.createDarkroomClient({ baseUrl: base, apiKey: 'not-a-key', retries: 0 });
  try { await darkroom.uploadBlob(client, new Blob(['x'], { type: 'image/png' }), meta('x.png')); return 'uploaded'; }
  catch (e) { return { name: e.name, status: e.status, detail: e.detail }; }
};
</script>`;

type PageApi = Record<'post' | 'again' | 'partsResumed' | 'failure', (base: string, key: string) => Promise<never>>;
const { files, origin: pageOrigin } = await servePage(PAGE);
files.set('/client.js', { type: 'text/javascript', body: bundle.outputFiles[0]?.text ?? '' });
const stack = useLocalStack({ corsOrigins: [pageOrigin] });

const { executablePath, browser } = useChromium();

const inPage = async (name: keyof PageApi, key: string) => {
  const tab = await browser().newPage();
  await tab.goto(pageOrigin);
  await tab.waitForFunction(() => 'post' in globalThis);
  return tab.evaluate(({ name, base, key }) => (globalThis as unknown as PageApi)[name](base, key), {
    name,
    base: stack().apiUrl,
    key,
  }) as Promise<
    // biome-ignore lint/suspicious/noExplicitAny: whatever the page's script answered.
    any
  >;
};

describe.skipIf(!executablePath)('the typed client in a browser', () => {
  it('uploads a photo by presigned POST, and the same bytes again answer the asset without sending', async () => {
    const photo = await uniquePng(5151);
    files.set('/photo.png', { type: 'image/png', body: photo });
    const key = await newKey();
    const first = await inPage('post', key);
    expect(first.status).toBe('uploaded');
    expect(await settled(stack().apiUrl, key, first.assetId)).toMatchObject({
      state: 'ready',
      checksum: b64('sha256', photo),
    });
    expect(await inPage('again', key)).toEqual({ status: 'duplicate', assetId: first.assetId });
  });

  it('resumes a multipart upload cut off after its first part, sending only the rest', async () => {
    const videoPath = await paddedVideo(40 * MiB);
    files.set('/video.mp4', { type: 'video/mp4', body: await readFile(videoPath) });
    const key = await newKey();
    const result = await inPage('partsResumed', key);
    expect(result).toMatchObject({ type: 'multipart', partCount: 3, interrupted: 'AbortError', before: 1, after: 2 });
    expect(result.asset.state).toBe('pending');
    const asset = await settled(stack().apiUrl, key, result.asset.id, 60_000);
    expect(asset).toMatchObject({ state: 'ready', checksum: (await fileDigests(videoPath)).sha256 });
  });

  it('throws the API’s refusal as an ApiError with its status and detail', async () => {
    expect(await inPage('failure', '')).toMatchObject({ name: 'ApiError', status: 401, detail: expect.any(String) });
  });
});
