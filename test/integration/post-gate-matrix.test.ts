import { mkdtempSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients } from '#shared/aws/clients.ts';
import { LOCAL_NAMES } from '#shared/deployment.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { type FormEntry, type PresignedPost, postForm, presignPost } from '#test/helpers/presigned-post.ts';

// The data folder sits a few levels inside a temp root, so a key that climbs out of its bucket
// lands where the walk below still sees it.
const root = mkdtempSync(join(tmpdir(), 'darkroom-gate-matrix-'));
const dataDir = join(root, 'a', 'b', 'stack');
// Registered before the stack's own hooks, so it runs after the stack has stopped.
afterAll(() => rm(root, { recursive: true, force: true }));
const stack = useLocalStack({ dataDir, processor: async () => ({ batchItemFailures: [] }) });

const ORIGINALS = LOCAL_NAMES.originalsBucket;
const DERIVED = LOCAL_NAMES.derivedBucket;
const SIZE = 1000;
const OURS = Buffer.alloc(SIZE, 'a');
const THEIRS = Buffer.alloc(SIZE, 'v');
const VICTIM_ORIGINAL = 'originals/victim/photo';
const VICTIM_THUMBNAIL = 'thumbnails/victim/photo.webp';

let s3: S3Client;
let victimForm: PresignedPost;
beforeAll(async () => {
  s3 = createClients(stack().config).s3;
  await s3.send(new PutObjectCommand({ Bucket: ORIGINALS, Key: VICTIM_ORIGINAL, Body: THEIRS }));
  await s3.send(new PutObjectCommand({ Bucket: DERIVED, Key: VICTIM_THUMBNAIL, Body: THEIRS }));
  victimForm = await presignPost(s3, VICTIM_ORIGINAL, SIZE, { contentType: 'image/png' });
});

const onDisk = (bucket: string, key: string) =>
  readFile(join(dataDir, 's3', bucket, `${key}._S3rver_object`)).catch(() => undefined);

const viaS3 = (bucket: string, key: string) =>
  s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })).then(
    async (got) => Buffer.from((await got.Body?.transformToByteArray()) ?? []),
    () => undefined,
  );

/** The object as s3rver's folder and as S3 both hold it; undefined when neither does. */
const stored = async (bucket: string, key: string) => {
  const [disk, api] = await Promise.all([onDisk(bucket, key), viaS3(bucket, key)]);
  expect(api).toEqual(disk);
  return disk;
};

/** Files under the temp root outside both buckets' folders and the stack's own state. */
const strays = async () =>
  (await readdir(root, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dataDir, join(entry.parentPath, entry.name)))
    .filter(
      (path) =>
        ![ORIGINALS, DERIVED].some((bucket) => path.startsWith(`s3${sep}${bucket}${sep}`)) &&
        !path.startsWith(`dynamo${sep}`) &&
        // The queues persist through a temp file beside their JSON.
        !/^[\w-]+\.json(\.\d+\.tmp)?$/.test(path),
    );

const expectVictimIntact = async () => {
  expect(await stored(ORIGINALS, VICTIM_ORIGINAL)).toEqual(THEIRS);
  expect(await stored(DERIVED, VICTIM_THUMBNAIL)).toEqual(THEIRS);
  expect(await strays()).toEqual([]);
};

let counter = 0;
const ownKey = () => `originals/attacker/${Date.now()}-${counter++}`;

const fileEntry = (bytes: Buffer, withFilename = true): FormEntry => [
  'file',
  withFilename ? new Blob([bytes], { type: 'image/jpeg' }) : bytes.toString('latin1'),
];

/** Raw HTTP, for requests fetch would normalise; resolves once the gate has closed the socket. */
const rawRequest = (head: string, body = '', timeoutMs = 3000) =>
  new Promise<{ status: number; code?: string }>((resolve, reject) => {
    const { hostname, port } = new URL(stack().s3Url);
    const socket = connect(Number(port), hostname);
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the gate neither answered nor closed within ${timeoutMs} ms: ${answer}`));
    }, timeoutMs);
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ status: Number(answer.split(' ')[1]), code: /<Code>([^<]+)<\/Code>/.exec(answer)?.[1] });
    });
    socket.write(`${head}\r\nHost: ${hostname}:${port}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  });

// Every field of the SDK's form, sent alone under another case or repeated before or after itself.
const FIELDS = [
  'key',
  'Content-Type',
  'bucket',
  'Policy',
  'X-Amz-Signature',
  'X-Amz-Credential',
  'X-Amz-Algorithm',
  'X-Amz-Date',
];
const CASES: Record<string, (name: string) => string> = {
  lower: (name) => name.toLowerCase(),
  upper: (name) => name.toUpperCase(),
  mixed: (name) => [...name].map((c, i) => (i % 2 ? c.toUpperCase() : c.toLowerCase())).join(''),
};
const PLACEMENTS = ['alone', 'before', 'after'] as const;

describe.concurrent('the presigned POST gate, over every field of the form', () => {
  it('knows every field the SDK puts in a presigned form', async () => {
    expect(Object.keys(victimForm.fields).sort()).toEqual([...FIELDS].sort());
  });

  for (const field of FIELDS)
    for (const [variant, rename] of Object.entries(CASES))
      for (const placement of PLACEMENTS)
        for (const withFilename of [true, false]) {
          const accepted = placement === 'alone' && withFilename;
          const title = `${field} in ${variant} case ${placement === 'alone' ? 'alone' : `repeated ${placement} the signed one`}, a file part ${withFilename ? 'with' : 'without'} a filename: ${accepted ? 'stored as signed' : '400, nothing stored'}`;
          it(title, async () => {
            const key = ownKey();
            const own = await presignPost(s3, key, SIZE);
            const name = rename(field);
            const repeat = victimForm.fields[field] ?? '';
            const entries = Object.entries(own.fields).flatMap(([n, value]): FormEntry[] => {
              if (n !== field) return [[n, value]];
              if (placement === 'alone') return [[name, value]];
              return placement === 'before'
                ? [
                    [name, repeat],
                    [n, value],
                  ]
                : [
                    [n, value],
                    [name, repeat],
                  ];
            });
            const res = await postForm(own.url, [...entries, fileEntry(OURS, withFilename)]);

            expect(res).toMatchObject(accepted ? { status: 204 } : { status: 400, code: 'InvalidArgument' });
            expect(await stored(ORIGINALS, key)).toEqual(accepted ? OURS : undefined);
            await expectVictimIntact();
          });
        }
});

describe('the presigned POST gate, around the file and the key', () => {
  it('refuses keys that climb out of their bucket, signed or smuggled, and writes nothing anywhere', async () => {
    for (const climb of [`../${DERIVED}/${VICTIM_THUMBNAIL}`, '../../escape/x', 'originals/a/../../../../escape/y']) {
      const signed = await presignPost(s3, climb, SIZE);
      expect(await postForm(signed.url, [...Object.entries(signed.fields), fileEntry(OURS)])).toMatchObject({
        status: 400,
        code: 'InvalidArgument',
      });
      const own = await presignPost(s3, ownKey(), SIZE);
      expect(await postForm(own.url, [['KEY', climb], ...Object.entries(own.fields), fileEntry(OURS)])).toMatchObject({
        status: 400,
        code: 'InvalidArgument',
      });
      await expect(s3.send(new PutObjectCommand({ Bucket: ORIGINALS, Key: climb, Body: OURS }))).rejects.toMatchObject({
        name: 'InvalidArgument',
      });
    }
    await expectVictimIntact();
  });

  it('refuses a 1.5 MB file under a 1000-byte policy, whether or not its part has a filename', async () => {
    const big = Buffer.alloc(1_500_000, 'b');
    const key = ownKey();
    const own = await presignPost(s3, key, SIZE);
    const fields = Object.entries(own.fields);
    expect(await postForm(own.url, [...fields, fileEntry(big, false), fileEntry(OURS)])).toMatchObject({
      status: 400,
      code: 'InvalidArgument',
    });
    expect(await postForm(own.url, [...fields, fileEntry(big)])).toMatchObject({
      status: 400,
      code: 'EntityTooLarge',
    });
    expect(await stored(ORIGINALS, key)).toBeUndefined();
    await expectVictimIntact();
  });

  it('refuses anything after the file: another field or a second file', async () => {
    const key = ownKey();
    const own = await presignPost(s3, key, SIZE);
    const fields = Object.entries(own.fields);
    for (const after of [['key', VICTIM_ORIGINAL], fileEntry(THEIRS)] satisfies FormEntry[]) {
      expect(await postForm(own.url, [...fields, fileEntry(OURS), after])).toMatchObject({
        status: 400,
        code: 'InvalidArgument',
      });
    }
    expect(await stored(ORIGINALS, key)).toBeUndefined();
    await expectVictimIntact();
  });

  it('stores a chunked presigned POST (no content-length) like any other', async () => {
    const key = ownKey();
    const own = await presignPost(s3, key, SIZE);
    const res = await postForm(own.url, [...Object.entries(own.fields), fileEntry(OURS)], { chunked: true });
    expect(res.status).toBe(204);
    expect(await stored(ORIGINALS, key)).toEqual(OURS);
  });
});

describe('the gate, for URLs s3rver would misread', () => {
  it('answers a malformed % escape anywhere in the URL with 400 InvalidURI and closes the socket', async () => {
    const form = '--b\r\nContent-Disposition: form-data; name="key"\r\n\r\nx\r\n--b--\r\n';
    const requests: [string, string?][] = [
      ['POST /%ff HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=b', form],
      [`POST /${ORIGINALS}/?a=%e0%a4 HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=b`, form],
      [`GET /${ORIGINALS}/%ff HTTP/1.1`],
      [`PUT /${ORIGINALS}/photo%zz HTTP/1.1`, 'bytes'],
      [`GET /${ORIGINALS}?prefix=%ff HTTP/1.1`],
    ];
    const answers = await Promise.all(requests.map(([head, body]) => rawRequest(head, body)));
    expect(answers).toEqual(requests.map(() => ({ status: 400, code: 'InvalidURI' })));
  });

  it('refuses, before any signature check, a bucket, key, part number or copy source outside a bucket', async () => {
    const answers = await Promise.all([
      rawRequest(`GET /${ORIGINALS}/..%2F..%2Fescape%2Fx HTTP/1.1`),
      rawRequest(`PUT /${ORIGINALS}/originals%2F..%2F..%2F${DERIVED}%2Fx HTTP/1.1`, 'bytes'),
      rawRequest(`PUT /${ORIGINALS}/k?partNumber=..%2F..%2Fx&uploadId=${'0'.repeat(32)} HTTP/1.1`, 'bytes'),
      rawRequest(`PUT /${ORIGINALS}/k?partNumber=1&partNumber=2&uploadId=${'0'.repeat(32)} HTTP/1.1`, 'bytes'),
      rawRequest(`PUT /${ORIGINALS}/k HTTP/1.1\r\nx-amz-copy-source: ${ORIGINALS}/..%2F..%2Fescape%2Fx`),
      rawRequest('POST /%2E%2E/ HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=b', '--b--\r\n'),
    ]);
    expect(answers).toEqual([
      ...Array.from({ length: 5 }, () => ({ status: 400, code: 'InvalidArgument' })),
      { status: 400, code: 'InvalidBucketName' },
    ]);
    await expectVictimIntact();
  });
});
