import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { normaliseEtag } from '#shared/domain/object-event.ts';
import type { Download, ObjectStorage, Original, PresignedUpload } from '#shared/domain/ports.ts';
import { hashStream, spoolToDisk } from './spool.ts';

/**
 * An original put from the API is a direct upload, under the 6 MB Lambda payload limit: it is sent
 * as a Buffer because the SDK retries only bodies it can re-read (a file stream is sent once, and a
 * transient error on it is final). Anything larger reaches S3 in presigned parts, never from here.
 */
const MAX_PUT_ORIGINAL_BYTES = 32 * 1024 * 1024;

/** Signed GETs live an hour; signing at the start of a half-hour window keeps URLs stable (cacheable) for a while. */
const URL_LIFETIME_SECONDS = 3600;
const URL_WINDOW_MS = 30 * 60 * 1000;

const signingDate = () => new Date(Math.floor(Date.now() / URL_WINDOW_MS) * URL_WINDOW_MS);
/** Signing costs about half a millisecond (the SDK's middleware), so a page of 100 assets costs 100 ms; within a window the URLs are the same, so they are kept. */
const URL_CACHE_MAX = 20_000;

/** `attachment` with an ASCII fallback name and the exact UTF-8 one (RFC 6266 / 5987). */
export const attachment = (fileName: string): string => {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_') || 'original';
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
};

const isMissing = (error: unknown) => {
  const name = (error as Error).name;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return (
    name === 'NoSuchKey' || name === 'NotFound' || name === 'PreconditionFailed' || status === 404 || status === 412
  );
};

export class S3Storage implements ObjectStorage {
  private readonly signed = new Map<string, string>();
  private signedWindow = 0;

  constructor(
    private readonly s3: S3Client,
    private readonly buckets: { originals: string; derived: string },
    /** Originals up to this size are kept on local disk while processed; larger ones are read over HTTP. */
    private readonly diskLimitBytes: number,
  ) {}

  async download(key: string, etag?: string): Promise<Download> {
    try {
      const object = await this.s3.send(
        new GetObjectCommand({ Bucket: this.buckets.originals, Key: key, ...(etag && { IfMatch: `"${etag}"` }) }),
      );
      // Checked here too: not every S3-compatible server honours If-Match.
      if (etag && normaliseEtag(object.ETag ?? '') !== etag) {
        (object.Body as Readable).destroy();
        return 'missing';
      }
      const body = object.Body as Readable;
      if ((object.ContentLength ?? 0) <= this.diskLimitBytes) return await spoolToDisk(body);
      // Too large for /tmp: hash on the way past, and let readers seek through a signed URL.
      const digest = await hashStream(body);
      return { file: { kind: 'remote', url: await this.readUrl(key), ...digest }, release: async () => {} };
    } catch (error) {
      if (isMissing(error)) return 'missing';
      throw error;
    }
  }

  /** S3 answers a missing key with 404 only to callers that may list the bucket; 403 otherwise. */
  async head(key: string): Promise<{ etag: string; size: number } | 'missing'> {
    try {
      const object = await this.s3.send(new HeadObjectCommand({ Bucket: this.buckets.originals, Key: key }));
      return { etag: normaliseEtag(object.ETag ?? ''), size: object.ContentLength ?? 0 };
    } catch (error) {
      if (isMissing(error)) return 'missing';
      throw error;
    }
  }

  async putOriginal(key: string, file: Original, contentType: string): Promise<{ etag: string }> {
    if (file.kind !== 'disk') throw new Error('putOriginal needs the bytes on disk');
    if (file.size > MAX_PUT_ORIGINAL_BYTES)
      throw new Error(`putOriginal buffers at most ${MAX_PUT_ORIGINAL_BYTES} bytes`);
    const result = await this.s3.send(
      new PutObjectCommand({
        Bucket: this.buckets.originals,
        Key: key,
        Body: await readFile(file.path),
        ContentLength: file.size,
        ContentType: contentType,
      }),
    );
    return { etag: normaliseEtag(result.ETag ?? '') };
  }

  async putDerived(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.buckets.derived, Key: key, Body: body, ContentType: contentType }),
    );
  }

  async readDerived(key: string): Promise<Buffer | 'missing'> {
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.buckets.derived, Key: key }));
      return Buffer.from(await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
    } catch (error) {
      if (isMissing(error)) return 'missing';
      throw error;
    }
  }

  async deleteOriginal(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.buckets.originals, Key: key }));
  }

  async deleteDerived(keys: string[]): Promise<void> {
    await Promise.all(keys.map((Key) => this.s3.send(new DeleteObjectCommand({ Bucket: this.buckets.derived, Key }))));
  }

  async presignUpload(input: {
    key: string;
    contentType: string;
    size: number;
    expiresInSeconds: number;
  }): Promise<PresignedUpload> {
    const { url, fields } = await createPresignedPost(this.s3, {
      Bucket: this.buckets.originals,
      Key: input.key,
      Fields: { 'Content-Type': input.contentType },
      Conditions: [
        ['eq', '$Content-Type', input.contentType],
        ['content-length-range', input.size, input.size],
      ],
      Expires: input.expiresInSeconds,
    });
    // The policy's own expiration, so the client is told exactly what S3 will enforce.
    const policy = JSON.parse(Buffer.from(fields.Policy ?? '', 'base64').toString('utf8')) as { expiration: string };
    return { url, fields, expiresAt: new Date(policy.expiration).toISOString() };
  }

  originalUrl(key: string, contentType: string, fileName: string): Promise<string> {
    return this.signGet(this.buckets.originals, key, contentType, attachment(fileName));
  }

  /** A plain signed GET of an original, for the processor's own readers (ffmpeg). */
  private readUrl(key: string): Promise<string> {
    return getSignedUrl(this.s3, new GetObjectCommand({ Bucket: this.buckets.originals, Key: key }), {
      expiresIn: URL_LIFETIME_SECONDS,
    });
  }

  derivedUrl(key: string, contentType: string): Promise<string> {
    return this.signGet(this.buckets.derived, key, contentType);
  }

  private async signGet(bucket: string, key: string, contentType: string, disposition?: string): Promise<string> {
    const date = signingDate();
    if (date.getTime() !== this.signedWindow || this.signed.size >= URL_CACHE_MAX) {
      this.signed.clear();
      this.signedWindow = date.getTime();
    }
    const id = `${bucket}\n${key}\n${contentType}\n${disposition ?? ''}`;
    const cached = this.signed.get(id);
    if (cached) return cached;
    const url = await getSignedUrl(
      this.s3,
      new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ResponseContentType: contentType,
        ...(disposition && { ResponseContentDisposition: disposition }),
      }),
      { expiresIn: URL_LIFETIME_SECONDS, signingDate: date },
    );
    this.signed.set(id, url);
    return url;
  }
}
