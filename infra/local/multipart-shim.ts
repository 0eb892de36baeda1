import { readdir, readFile, rm, stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { escapeXml, type S3Error } from './s3-error.ts';

// s3rver implements CreateMultipartUpload, UploadPart and CompleteMultipartUpload but not
// ListParts or AbortMultipartUpload, and happily writes parts for an upload that does not exist.
// This fills those gaps from s3rver's own upload folders.

export type ShimAnswer = { status: number; xml?: string } | S3Error;

const noSuchUpload: S3Error = {
  status: 404,
  code: 'NoSuchUpload',
  message:
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
};

export const multipartShim = (s3Directory: string) => {
  const uploadDir = (bucket: string, uploadId: string) => join(s3Directory, bucket, '._S3rver_uploads', uploadId);

  /** The upload's folder when it exists and belongs to this key. */
  const upload = async (bucket: string, key: string, uploadId: string) => {
    if (!/^[0-9a-f]{32}$/.test(uploadId)) return undefined;
    const dir = uploadDir(bucket, uploadId);
    const owner = await readFile(join(dir, 'key'), 'utf8').catch(() => undefined);
    return owner === key ? dir : undefined;
  };

  const listParts = async (
    dir: string,
    bucket: string,
    key: string,
    uploadId: string,
    url: URL,
  ): Promise<ShimAnswer> => {
    const numbers = (await readdir(dir))
      .filter((f) => /^\d+$/.test(f))
      .map(Number)
      .sort((a, b) => a - b);
    const marker = Number(url.searchParams.get('part-number-marker') ?? 0);
    const max = Math.min(1000, Number(url.searchParams.get('max-parts') ?? 1000));
    const after = numbers.filter((n) => n > marker);
    const page = after.slice(0, max);
    const parts = await Promise.all(
      page.map(async (n) => {
        const [info, md5] = await Promise.all([stat(join(dir, String(n))), readFile(join(dir, `${n}.md5`), 'utf8')]);
        return `<Part><PartNumber>${n}</PartNumber><LastModified>${info.mtime.toISOString()}</LastModified><ETag>"${md5.trim()}"</ETag><Size>${info.size}</Size></Part>`;
      }),
    );
    const truncated = after.length > page.length;
    return {
      status: 200,
      xml: `<?xml version="1.0" encoding="UTF-8"?>\n<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${escapeXml(bucket)}</Bucket><Key>${escapeXml(key)}</Key><UploadId>${uploadId}</UploadId><PartNumberMarker>${marker}</PartNumberMarker><NextPartNumberMarker>${page.at(-1) ?? marker}</NextPartNumberMarker><MaxParts>${max}</MaxParts><IsTruncated>${truncated}</IsTruncated>${parts.join('')}</ListPartsResult>`,
    };
  };

  /** Answers the request itself, or undefined to let it through to s3rver. */
  return async (req: IncomingMessage): Promise<ShimAnswer | undefined> => {
    const url = new URL(req.url ?? '/', 'http://local');
    const uploadId = url.searchParams.get('uploadId');
    const match = /^\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (uploadId === null || !match?.[1] || !match[2]) return undefined;
    const [bucket, key] = [decodeURIComponent(match[1]), decodeURIComponent(match[2])];
    const dir = await upload(bucket, key, uploadId);
    if (!dir) return noSuchUpload;
    if (req.method === 'GET') return listParts(dir, bucket, key, uploadId, url);
    if (req.method === 'DELETE') {
      await rm(dir, { recursive: true, force: true });
      return { status: 204 };
    }
    return undefined;
  };
};
