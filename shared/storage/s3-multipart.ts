import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { normaliseEtag } from '#shared/domain/object-event.ts';
import type { MultipartStorage, SignedPart, UploadedPart } from '#shared/domain/ports.ts';

/** Multipart uploads of originals: create, sign parts, list what S3 holds, complete, abort. */
export class S3Multipart implements MultipartStorage {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async create(key: string, contentType: string): Promise<string> {
    const { UploadId } = await this.s3.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: contentType }),
    );
    if (!UploadId) throw new Error('S3 answered CreateMultipartUpload without an upload id');
    return UploadId;
  }

  signParts(
    key: string,
    uploadId: string,
    parts: { partNumber: number; size: number }[],
    expiresInSeconds: number,
  ): Promise<SignedPart[]> {
    return Promise.all(
      parts.map(async ({ partNumber, size }) => ({
        partNumber,
        size,
        // ContentLength is a signed header: a body of any other length is refused by S3.
        url: await getSignedUrl(
          this.s3,
          new UploadPartCommand({
            Bucket: this.bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber: partNumber,
            ContentLength: size,
          }),
          { expiresIn: expiresInSeconds },
        ),
      })),
    );
  }

  async listParts(key: string, uploadId: string): Promise<UploadedPart[] | 'missing'> {
    const parts: UploadedPart[] = [];
    let marker: string | undefined;
    try {
      do {
        const page = await this.s3.send(
          new ListPartsCommand({
            Bucket: this.bucket,
            Key: key,
            UploadId: uploadId,
            PartNumberMarker: marker,
          }),
        );
        for (const p of page.Parts ?? []) {
          parts.push({ partNumber: p.PartNumber ?? 0, etag: normaliseEtag(p.ETag ?? ''), size: p.Size ?? 0 });
        }
        marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
      } while (marker);
    } catch (error) {
      if ((error as Error).name === 'NoSuchUpload') return 'missing';
      throw error;
    }
    return parts;
  }

  async complete(key: string, uploadId: string, parts: { partNumber: number; etag: string }[]): Promise<void> {
    await this.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: {
          Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: `"${normaliseEtag(p.etag)}"` })),
        },
      }),
    );
  }

  async abort(key: string, uploadId: string): Promise<void> {
    try {
      await this.s3.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }));
    } catch (error) {
      if ((error as Error).name !== 'NoSuchUpload') throw error;
    }
  }
}
