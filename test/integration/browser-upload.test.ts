import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fileDigests, paddedVideo } from '#test/helpers/big-video.ts';
import { servePage, useChromium } from '#test/helpers/browser-page.ts';
import { uniquePng } from '#test/helpers/images.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { b64, newKey, settled } from '#test/helpers/uploads.ts';

const MiB = 1024 * 1024;
process.env.DARKROOM_MULTIPART_THRESHOLD_BYTES = String(8 * MiB);

// The page's script: everything a web client does, from another origin than the API and S3.
const PAGE = `<!doctype html><meta charset="utf-8"><title>upload</title><script>
async function json(res) { const body = await res.json().catch(() => null); return { status: res.status, body }; }
async function api(base, key, method, path, body) {
  return json(await fetch(base + path, { method, headers: { authorization: 'Bearer ' + key, 'content-type': 'application/json' }, body: body && JSON.stringify(body) }));
}
const meta = (name, blob) => ({ device_asset_id: name + Date.now(), device_id: 'browser', file_created_at: '2020-01-01T00:00:00Z',
  file_modified_at: '2020-01-01T00:00:00Z', file_name: name, mime_type: blob.type, file_size_bytes: blob.size });
window.uploadPost = async (base, key) => {
  const blob = await (await fetch('/photo.png')).blob();
  const created = await api(base, key, 'POST', '/api/assets/uploads', meta('photo.png', blob));
  const form = new FormData();
  for (const [k, v] of Object.entries(created.body.upload.fields)) form.append(k, v);
  form.append('file', blob, 'photo.png');
  const s3 = await fetch(created.body.upload.url, { method: 'POST', body: form });
  return { created: created.status, s3: s3.status, assetId: created.body.asset_id };
};
window.uploadParts = async (base, key) => {
  const blob = new Blob([await (await fetch('/video.mp4')).arrayBuffer()], { type: 'video/mp4' });
  const created = await api(base, key, 'POST', '/api/assets/uploads', meta('video.mp4', blob));
  const { upload } = created.body;
  const parts = [];
  for (const part of upload.parts) {
    const start = (part.part_number - 1) * upload.part_size;
    const res = await fetch(part.url, { method: 'PUT', body: blob.slice(start, start + part.size) });
    parts.push({ part_number: part.part_number, etag: res.headers.get('etag') });
  }
  const done = await api(base, key, 'POST', '/api/assets/uploads/' + created.body.asset_id + '/complete', { parts });
  return { created: created.status, type: upload.type, etags: parts.map((p) => p.etag), complete: done.status, assetId: created.body.asset_id };
};
window.tryFrom = async (base, key) => (await fetch(base + '/api/libraries', { headers: { authorization: 'Bearer ' + key } })).status;
</script>`;

type PageApi = Record<'uploadPost' | 'uploadParts' | 'tryFrom', (base: string, key: string) => Promise<never>>;
/** Calls one of the page's functions inside the browser. */
const inPage = (tab: Awaited<ReturnType<Browser['newPage']>>, name: keyof PageApi, base: string, key: string) =>
  tab.evaluate(({ name, base, key }) => (globalThis as unknown as PageApi)[name](base, key), {
    name,
    base,
    key,
  }) as Promise<
    // biome-ignore lint/suspicious/noExplicitAny: whatever the page's script answered.
    any
  >;

const { files, origin: pageOrigin } = await servePage(PAGE);
const stack = useLocalStack({ corsOrigins: [pageOrigin] });

const { executablePath, browser } = useChromium();

describe.skipIf(!executablePath)('uploads from a browser page on another origin', () => {
  it('post a photo to its presigned target and send a video in parts, CORS preflights included', async () => {
    const photo = await uniquePng(4242);
    const videoPath = await paddedVideo(20 * MiB);
    files.set('/photo.png', { type: 'image/png', body: photo });
    files.set('/video.mp4', { type: 'video/mp4', body: await readFile(videoPath) });
    const key = await newKey();
    const tab = await browser().newPage();
    await tab.goto(pageOrigin);

    const post = await inPage(tab, 'uploadPost', stack().apiUrl, key);
    expect(post).toMatchObject({ created: 201, s3: 204 });
    const photoAsset = await settled(stack().apiUrl, key, post.assetId);
    expect(photoAsset).toMatchObject({ state: 'ready', checksum: b64('sha256', photo) });

    const parts = await inPage(tab, 'uploadParts', stack().apiUrl, key);
    expect(parts).toMatchObject({ created: 201, type: 'multipart', complete: 200 });
    expect(parts.etags.every((e: string | null) => typeof e === 'string' && e.length > 2)).toBe(true);
    const videoAsset = await settled(stack().apiUrl, key, parts.assetId, 60_000);
    expect(videoAsset).toMatchObject({ state: 'ready', checksum: (await fileDigests(videoPath)).sha256 });
  });

  it('refuse an origin that is not allowed', async () => {
    const key = await newKey();
    const tab = await browser().newPage();
    await tab.goto(pageOrigin);
    expect(await inPage(tab, 'tryFrom', stack().apiUrl, key)).toBe(200);
    const other = await browser().newPage();
    await other.goto(pageOrigin.replace('127.0.0.1', 'localhost'));
    await expect(inPage(other, 'tryFrom', stack().apiUrl, key)).rejects.toThrow(/Failed to fetch/);
  });
});
