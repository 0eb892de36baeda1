import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createClients } from '#shared/aws/clients.ts';
import { LOCAL_NAMES } from '#shared/deployment.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { type PresignedPost, postForm, presignPost } from '#test/helpers/presigned-post.ts';

const stack = useLocalStack();
const bucket = LOCAL_NAMES.originalsBucket;
const s3 = (): S3Client => createClients(stack().config).s3;

const presign = (key: string, size: number, expires = 900) => presignPost(s3(), key, size, { expires });

type Presigned = PresignedPost;

const post = ({ url, fields }: Presigned, body: Buffer, override: Record<string, string> = {}) =>
  postForm(url, [...Object.entries({ ...fields, ...override }), ['file', new Blob([body], { type: 'image/jpeg' })]]);

const stored = async (key: string) =>
  s3()
    .send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
    .then(
      (head) => head.ContentLength,
      () => undefined,
    );

const bytes = (n: number) => Buffer.alloc(n, 7);
let counter = 0;
const freshKey = () => `originals/gate/${Date.now()}-${counter++}`;

describe('the presigned POST gate', () => {
  it('stores an upload that keeps to its policy', async () => {
    const key = freshKey();
    const res = await post(await presign(key, 1000), bytes(1000));
    expect(res.status).toBe(204);
    expect(await stored(key)).toBe(1000);
    expect(stack().s3Url).toMatch(/^http:/);
  });

  const rejections: [
    string,
    (key: string) => Promise<{ target: Presigned; body: Buffer; override?: Record<string, string> }>,
    number,
    string,
  ][] = [
    [
      'a file over the size range',
      async (key) => ({ target: await presign(key, 1000), body: bytes(1001) }),
      400,
      'EntityTooLarge',
    ],
    [
      'a file under the size range',
      async (key) => ({ target: await presign(key, 1000), body: bytes(999) }),
      400,
      'EntityTooSmall',
    ],
    [
      'another key',
      async (key) => ({ target: await presign(key, 10), body: bytes(10), override: { key: `${key}-other` } }),
      403,
      'AccessDenied',
    ],
    [
      'another Content-Type',
      async (key) => ({ target: await presign(key, 10), body: bytes(10), override: { 'Content-Type': 'text/html' } }),
      403,
      'AccessDenied',
    ],
    [
      'a Content-Type list',
      async (key) => ({
        target: await presign(key, 10),
        body: bytes(10),
        override: { 'Content-Type': 'image/jpeg,text/html' },
      }),
      403,
      'AccessDenied',
    ],
    [
      'an expired policy',
      async (key) => ({ target: await presign(key, 10, -5), body: bytes(10) }),
      403,
      'AccessDenied',
    ],
    [
      'a field the policy does not cover',
      async (key) => ({ target: await presign(key, 10), body: bytes(10), override: { 'x-amz-meta-evil': '1' } }),
      403,
      'AccessDenied',
    ],
    [
      'a tampered policy',
      async (key) => {
        const target = await presign(key, 10);
        const policy = JSON.parse(Buffer.from(target.fields.Policy ?? '', 'base64').toString());
        policy.conditions = policy.conditions.filter(
          (c: unknown) => !(Array.isArray(c) && c[0] === 'content-length-range'),
        );
        return {
          target,
          body: bytes(5000),
          override: { Policy: Buffer.from(JSON.stringify(policy)).toString('base64') },
        };
      },
      403,
      'SignatureDoesNotMatch',
    ],
    [
      'a tampered signature',
      async (key) => {
        const target = await presign(key, 10);
        const signature = target.fields['X-Amz-Signature'] ?? '';
        const flipped = (signature[0] === 'a' ? 'b' : 'a') + signature.slice(1);
        return { target, body: bytes(10), override: { 'X-Amz-Signature': flipped } };
      },
      403,
      'SignatureDoesNotMatch',
    ],
    [
      'no signature at all',
      async (key) => {
        const target = await presign(key, 10);
        const { Policy: _p, 'X-Amz-Signature': _s, ...rest } = target.fields;
        return { target: { ...target, fields: rest }, body: bytes(10) };
      },
      403,
      'AccessDenied',
    ],
  ];

  for (const [what, make, status, code] of rejections) {
    it(`refuses ${what} with ${status} ${code} and stores nothing`, async () => {
      const key = freshKey();
      const { target, body, override } = await make(key);
      const res = await post(target, body, override);
      expect(res).toMatchObject({ status, code });
      expect(await stored(key)).toBeUndefined();
      expect(await stored(`${key}-other`)).toBeUndefined();
    });
  }

  it('refuses a request signed with the wrong secret, like S3', async () => {
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    const wrong = new S3Client({
      region: 'us-east-1',
      endpoint: stack().s3Url,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'not-the-secret' },
    });
    const key = freshKey();
    await expect(wrong.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x' }))).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
    });
    expect(await stored(key)).toBeUndefined();
  });

  it('refuses unsigned, tampered and expired presigned GETs', async () => {
    const { PutObjectCommand, GetObjectCommand } = await import('@aws-sdk/client-s3');
    const { getSignedUrl } = await import('@aws-sdk/s3-request-presigner');
    const key = freshKey();
    await s3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'secret' }));
    const url = await getSignedUrl(s3(), new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: 60 });
    expect((await fetch(url)).status).toBe(200);
    expect((await fetch(url.split('?')[0] ?? '')).status).toBe(403);
    const sig = new URL(url).searchParams.get('X-Amz-Signature') ?? '';
    expect((await fetch(url.replace(sig, `${sig.startsWith('a') ? 'b' : 'a'}${sig.slice(1)}`))).status).toBe(403);
    expect((await fetch(url.replace(key, `${key}x`))).status).toBe(403);
    const old = await getSignedUrl(s3(), new GetObjectCommand({ Bucket: bucket, Key: key }), {
      expiresIn: 60,
      signingDate: new Date(Date.now() - 120_000),
    });
    const expired = await fetch(old);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toMatch(/Request has expired/);
  });

  it('passes signed requests other than POST uploads through to S3', async () => {
    const { PutObjectCommand, GetObjectCommand } = await import('@aws-sdk/client-s3');
    const key = freshKey();
    await s3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'hello' }));
    const got = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(await got.Body?.transformToString()).toBe('hello');
  });
});
