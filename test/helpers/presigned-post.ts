import type { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { LOCAL_NAMES } from '#shared/deployment.ts';

/** A presigned POST to the originals bucket for exactly `size` bytes of one content type. */
export const presignPost = (
  s3: S3Client,
  key: string,
  size: number,
  { expires = 900, contentType = 'image/jpeg' }: { expires?: number; contentType?: string } = {},
) =>
  createPresignedPost(s3, {
    Bucket: LOCAL_NAMES.originalsBucket,
    Key: key,
    Fields: { 'Content-Type': contentType },
    Conditions: [
      ['eq', '$Content-Type', contentType],
      ['content-length-range', size, size],
    ],
    Expires: expires,
  });

export type PresignedPost = Awaited<ReturnType<typeof presignPost>>;

/** A form part: a Blob goes out as a file with a filename, a string as a plain field. */
export type FormEntry = [name: string, value: string | Blob];

/**
 * Posts the entries exactly as given: names, order and repeats are the caller's.
 * `chunked` streams the body without a content-length, as a browser stream upload would.
 */
export const postForm = async (url: string, entries: FormEntry[], { chunked = false } = {}) => {
  const form = new FormData();
  for (const [name, value] of entries) {
    if (typeof value === 'string') form.append(name, value);
    else form.append(name, value, 'photo.jpg');
  }
  const encoded = new Response(form);
  const res = await fetch(url, {
    method: 'POST',
    ...(chunked
      ? {
          body: encoded.body,
          duplex: 'half',
          headers: { 'content-type': encoded.headers.get('content-type') ?? '' },
        }
      : { body: form }),
  });
  const text = await res.text();
  return { status: res.status, code: /<Code>([^<]+)<\/Code>/.exec(text)?.[1], text };
};
