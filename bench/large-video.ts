import './quiet.ts';
import { createHash } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { startLocalStack } from '#infra/local/stack.ts';
import { createClients } from '#shared/aws/clients.ts';
import { reprocessObject } from '#shared/domain/reprocess.ts';
import { objectCreatedEvent } from '#shared/events/object-created.ts';
import { DynamoAssets } from '#shared/table/dynamo-assets.ts';
import { fileDigests, paddedVideo } from '#test/helpers/big-video.ts';
import type { ProcessedLine } from './flow-stack.ts';
import { comparison, record } from './harness.ts';

// A 2 GiB video end to end through the local stack — multipart upload, S3 event, processor in its
// own process (hashing the stream, probing and taking the poster over a signed URL) — against the
// floor of reading the same file once through SHA-256 and SHA-1. Complete → ready is broken into
// its parts from the complete request's own timing and the processor's log line for the asset
// (when its event was sent, how long it waited, each step's milliseconds, when the record was
// written), so no polling interval is in any of them. A smaller LARGE_VIDEO_BYTES takes the same
// path only under a smaller DARKROOM_DISK_LIMIT_BYTES (the functions' environment reads it).

const SIZE = Number(process.env.LARGE_VIDEO_BYTES ?? 2 * 1024 ** 3);
const lines: ProcessedLine[] = [];
const nextLine = async (count: number) => {
  while (lines.length < count) await new Promise((r) => setTimeout(r, 50));
  return lines[count - 1] as ProcessedLine;
};
const stack = await startLocalStack({
  faceStage: false,
  isolateProcessor: true,
  onProcessorLog: (entry) => {
    if (entry.message === 'processed')
      lines.push({ ...entry, at: Date.parse(String(entry.timestamp)) } as ProcessedLine);
  },
});
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
  const completing = Date.now();
  await call('POST', `/api/assets/uploads/${id}/complete`, { parts });
  const completed = Date.now();
  const written = await nextLine(1);
  // biome-ignore lint/suspicious/noExplicitAny: as above.
  const asset: Record<string, any> = await call('GET', `/api/assets/${id}`);
  const peak = (await stack.processorProcess?.peakRssBytes()) ?? 0;
  if (asset.state !== 'ready') throw new Error(`the video ended ${asset.state}: ${asset.error}`);
  const handled = written.at - written.ms;
  const sent = handled - written.queuedMs;
  const steps = written.steps ?? {};
  const stepsMs = Object.values(steps).reduce((a, b) => a + b, 0);
  const named: [string, number][] = [
    ['complete until the event (the local S3 assembling the parts)', sent - completing],
    [`event → processor (queue${written.cold_start ? ', a fresh environment starting' : ''})`, written.queuedMs],
    ['download + both hashes', steps.download ?? 0],
    ['inspect (box walk, ffprobe over the URL)', steps.inspect ?? 0],
    ['render (poster over the URL, previews)', steps.render ?? 0],
    ['claim', steps.claim ?? 0],
    ['writes (derived files, entries, record)', steps.writes ?? 0],
    ['processor, between steps (asset lookup)', written.ms - stepsMs],
  ];
  const breakdown = named.map(([name, ms]) => `${name} ${(ms / 1000).toFixed(2)} s`).join('; ');
  console.log(`complete answered after ${((completed - completing) / 1000).toFixed(2)} s; ${breakdown}`);

  const t = performance.now();
  const digests = await fileDigests(path);
  const floor = performance.now() - t;
  if (digests.sha256 !== asset.checksum) throw new Error('checksum differs');

  // The download's own floor on this stack: the SDK's GetObject through the same local S3, both hashes, nothing else.
  const s3 = createClients(stack.config).s3;
  const g = performance.now();
  const object = await s3.send(new GetObjectCommand({ Bucket: stack.config.ORIGINALS_BUCKET, Key: written.key }));
  const sha256 = createHash('sha256');
  const sha1 = createHash('sha1');
  for await (const chunk of object.Body as Readable) {
    sha256.update(chunk);
    sha1.update(chunk);
  }
  const bareDownload = performance.now() - g;
  if (sha256.digest('base64') !== asset.checksum) throw new Error('checksum differs');

  // The same work again in the now warm environment (a forced reprocess): the steps without a start-up.
  const stored = await new DynamoAssets(createClients(stack.config).dynamo, stack.config.TABLE_NAME).get(id);
  if (!stored) throw new Error('the asset is gone');
  stack.queue.send(JSON.stringify(objectCreatedEvent(reprocessObject(stored, stack.config.ORIGINALS_BUCKET, true))));
  const warm = await nextLine(2);
  const warmSteps = Object.entries(warm.steps ?? {})
    .map(([step, ms]) => `${step} ${(ms / 1000).toFixed(2)} s`)
    .join(', ');
  await record([
    comparison(
      'large video: 2 GiB upload → ready',
      { name: 'complete → ready (processor)', samples: [written.at - completing] },
      { name: 'hash the file once (floor)', samples: [floor] },
      {
        target: 'processor RSS < 300 MB',
        notes: `upload of ${upload.part_count} parts ${((uploaded - started) / 1000).toFixed(1)} s; processor peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB; ${(SIZE / 2 ** 20).toFixed(0)} MiB, ${SIZE > stack.config.DARKROOM_DISK_LIMIT_BYTES ? 'read over the URL' : 'spooled to disk (under DARKROOM_DISK_LIMIT_BYTES)'}; ${breakdown}`,
      },
    ),
    comparison(
      'large video: download + both hashes in the processor',
      { name: 'processor download step', samples: [steps.download ?? 0] },
      { name: 'bare GetObject + both hashes', samples: [bareDownload] },
      {
        notes: `both from the local S3 (s3rver behind its gate); hashing the file from disk takes ${(floor / 1000).toFixed(2)} s; warm re-run (forced reprocess): queued ${(warm.queuedMs / 1000).toFixed(2)} s, ${warmSteps}`,
      },
    ),
  ]);
} finally {
  await stack.stop();
  await rm(dirname(path), { recursive: true, force: true });
}
