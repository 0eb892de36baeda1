import './quiet.ts';
import { open, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { startLocalStack } from '#infra/local/stack.ts';
import { fileDigests, paddedVideo } from '#test/helpers/big-video.ts';
import { comparison, record } from './harness.ts';

// A 2 GiB video end to end through the local stack — multipart upload, S3 event, processor in its
// own process (hashing the stream, probing and taking the poster over a signed URL) — against the
// floor of reading the same file once through SHA-256 and SHA-1.

const SIZE = Number(process.env.LARGE_VIDEO_BYTES ?? 2 * 1024 ** 3);
const stack = await startLocalStack({ isolateProcessor: true });
const path = await paddedVideo(SIZE);
try {
  const accounts = (await import('#functions/compose-accounts.ts')).composeAccounts(stack.config);
  const { key } = await accounts.createApiKey('bench');
  const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  // biome-ignore lint/suspicious/noExplicitAny: the API's JSON, read as the bench needs it.
  const call = async (method: string, route: string, body?: unknown): Promise<Record<string, any>> => {
    const res = await fetch(`${stack.apiUrl}${route}`, {
      method,
      headers: auth,
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return (await res.json()) as Record<string, unknown>;
  };

  const started = performance.now();
  const created = await call('POST', '/api/assets/uploads', {
    device_asset_id: 'big',
    device_id: 'bench',
    file_created_at: '2024-01-01T00:00:00Z',
    file_modified_at: '2024-01-01T00:00:00Z',
    file_name: 'big.mp4',
    mime_type: 'video/mp4',
    file_size_bytes: SIZE,
  });
  const { asset_id: id, upload } = created as {
    asset_id: string;
    upload: { part_size: number; part_count: number; parts: { part_number: number; url: string; size: number }[] };
  };
  const file = await open(path, 'r');
  const parts: { part_number: number; etag: string }[] = [];
  let signed = upload.parts;
  for (let n = 1; n <= upload.part_count; n++) {
    if (!signed.some((p) => p.part_number === n)) {
      const more = Array.from({ length: Math.min(100, upload.part_count - n + 1) }, (_, i) => n + i);
      signed = (await call('POST', `/api/assets/uploads/${id}/parts`, { part_numbers: more })).parts;
    }
    const part = signed.find((p) => p.part_number === n);
    if (!part) throw new Error(`part ${n} not signed`);
    const body = Buffer.alloc(part.size);
    await file.read(body, 0, part.size, (n - 1) * upload.part_size);
    const res = await fetch(part.url, { method: 'PUT', body });
    parts.push({ part_number: n, etag: res.headers.get('etag') ?? '' });
  }
  await file.close();
  const uploaded = performance.now();
  await stack.processorProcess?.resetPeak();
  await call('POST', `/api/assets/uploads/${id}/complete`, { parts });
  // biome-ignore lint/suspicious/noExplicitAny: as above.
  let asset: Record<string, any> = {};
  while (asset.state !== 'ready' && asset.state !== 'failed') {
    await new Promise((r) => setTimeout(r, 500));
    asset = await call('GET', `/api/assets/${id}`);
  }
  const processed = performance.now();
  const peak = (await stack.processorProcess?.peakRssBytes()) ?? 0;
  if (asset.state !== 'ready') throw new Error(`the video ended ${asset.state}: ${asset.error}`);

  const t = performance.now();
  const digests = await fileDigests(path);
  const floor = performance.now() - t;
  if (digests.sha256 !== asset.checksum) throw new Error('checksum differs');
  await record([
    comparison(
      'large video: 2 GiB upload → ready',
      { name: 'complete → ready (processor)', samples: [processed - uploaded] },
      { name: 'hash the file once (floor)', samples: [floor] },
      {
        target: 'processor RSS < 300 MB',
        notes: `upload of ${upload.part_count} parts ${((uploaded - started) / 1000).toFixed(1)} s; processor peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB; ${(SIZE / 2 ** 20).toFixed(0)} MiB`,
      },
    ),
  ]);
} finally {
  await stack.stop();
  await rm(dirname(path), { recursive: true, force: true });
}
