import '#infra/local/node20.ts';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import sharp from 'sharp';
import { LOCAL_CREDENTIALS } from '#shared/aws/clients.ts';
import { startNpmStart } from './npm-start.ts';

// 500 uploads (mixed sizes, both flows, 32 at once) through `npm start`, then: every asset ready,
// as many originals in S3 as assets, and nothing left in the queue or the dead-letter queue.

const UPLOADS = Number(process.env.LOAD_UPLOADS ?? 500);
const CONCURRENCY = Number(process.env.LOAD_CONCURRENCY ?? 32);

/** Unique images of three sizes: a few KB, about 300 KB, about 1.5 MB. */
const image = (i: number) => {
  const [w, h] = i % 10 === 0 ? [1400, 1000] : i % 3 === 0 ? [640, 480] : [64, 48];
  const noise = i % 3 === 0 || i % 10 === 0;
  return noise
    ? sharp(randomBytes(w * h * 3), { raw: { width: w, height: h, channels: 3 } })
        .jpeg({ quality: 90 })
        .toBuffer()
    : sharp({ create: { width: w, height: h, channels: 3, background: { r: i % 256, g: (i >> 8) % 256, b: 99 } } })
        .png()
        .toBuffer();
};

const percentile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};

const stack = await startNpmStart();
const { url, key } = stack;
const auth = { authorization: `Bearer ${key}` };
const latency = { direct: [] as number[], presign: [] as number[] };
const ids: string[] = [];
const meta = (i: number) => ({
  device_asset_id: `load-${i}`,
  device_id: 'load',
  file_created_at: '2024-01-01T00:00:00Z',
  file_modified_at: '2024-01-01T00:00:00Z',
});

const one = async (i: number) => {
  const bytes = await image(i);
  const type = bytes[0] === 0x89 ? 'image/png' : 'image/jpeg';
  if (i % 2 === 0) {
    const form = new FormData();
    for (const [k, v] of Object.entries(meta(i))) form.append(k, v);
    form.append('asset_data', new Blob([bytes], { type }), `${i}.img`);
    const t = performance.now();
    const res = await fetch(`${url}/api/assets`, { method: 'POST', body: form, headers: auth });
    latency.direct.push(performance.now() - t);
    if (res.status !== 201) throw new Error(`direct upload ${i}: ${res.status} ${await res.text()}`);
    ids.push(((await res.json()) as { id: string }).id);
    return;
  }
  const t = performance.now();
  const res = await fetch(`${url}/api/assets/uploads`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ ...meta(i), file_name: `${i}.img`, mime_type: type, file_size_bytes: bytes.length }),
  });
  latency.presign.push(performance.now() - t);
  if (res.status !== 201) throw new Error(`presign ${i}: ${res.status} ${await res.text()}`);
  const { asset_id, upload } = (await res.json()) as {
    asset_id: string;
    upload: { url: string; fields: Record<string, string> };
  };
  const form = new FormData();
  for (const [k, v] of Object.entries(upload.fields)) form.append(k, v);
  form.append('file', new Blob([bytes], { type }), `${i}.img`);
  const posted = await fetch(upload.url, { method: 'POST', body: form });
  if (posted.status !== 204) throw new Error(`S3 POST ${i}: ${posted.status}`);
  ids.push(asset_id);
};

try {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < UPLOADS) await one(next++);
    }),
  );
  const uploaded = performance.now();
  const states = new Map<string, string>();
  for (let round = 0; round < 600 && states.size < ids.length; round++) {
    for (const id of ids.filter((i) => !states.has(i))) {
      const asset = (await (await fetch(`${url}/api/assets/${id}`, { headers: auth })).json()) as { state: string };
      if (asset.state !== 'pending') states.set(id, asset.state);
    }
    if (states.size < ids.length) await new Promise((r) => setTimeout(r, 500));
  }
  const processed = performance.now();

  const stackFile = await stack.stackFile();
  const local = { region: 'us-east-1', credentials: LOCAL_CREDENTIALS };
  const s3 = new S3Client({
    ...local,
    endpoint: stackFile.s3Url,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  let objects = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: stackFile.env.ORIGINALS_BUCKET,
        Prefix: 'originals/',
        ContinuationToken: token,
      }),
    );
    objects += page.KeyCount ?? 0;
    token = page.NextContinuationToken;
  } while (token);
  const sqs = new SQSClient({ ...local, endpoint: stackFile.sqs.url });
  const waiting = async (QueueUrl: string) => {
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    return (
      Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  };
  const ready = [...states.values()].filter((s) => s === 'ready').length;
  const result = {
    uploads: UPLOADS,
    concurrency: CONCURRENCY,
    ready,
    originalsInS3: objects,
    queued: await waiting(stackFile.sqs.queueUrl),
    deadLetters: await waiting(stackFile.sqs.deadLetterQueueUrl),
    uploadSeconds: (uploaded - started) / 1000,
    uploadsPerSecond: UPLOADS / ((uploaded - started) / 1000),
    allProcessedSeconds: (processed - started) / 1000,
    directUpload: { p50: percentile(latency.direct, 0.5), p99: percentile(latency.direct, 0.99) },
    presign: { p50: percentile(latency.presign, 0.5), p99: percentile(latency.presign, 0.99) },
  };
  await writeFile(join(import.meta.dirname, 'results/load.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
  const ok = ready === UPLOADS && objects === UPLOADS && result.queued === 0 && result.deadLetters === 0;
  console.log(ok ? 'load: every upload ready, one original each, queues empty' : 'load: FAILED');
  process.exitCode = ok ? 0 : 1;
} finally {
  await stack.stop();
}
