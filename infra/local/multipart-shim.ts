import type { IncomingMessage } from 'node:http';
import { escapeXml, type S3Error } from './s3-error.ts';
import { type S3rverUpload, s3rverUploads } from './s3rver-uploads.ts';

// s3rver implements CreateMultipartUpload, UploadPart and CompleteMultipartUpload but not
// ListParts or AbortMultipartUpload, and happily writes parts for an upload that does not exist.
// This fills those gaps from s3rver's own upload folders (s3rver-uploads.ts).

export type ShimAnswer = { status: number; xml?: string } | S3Error;

const noSuchUpload: S3Error = {
  status: 404,
  code: 'NoSuchUpload',
  message:
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
};

export const multipartShim = (s3Directory: string) => {
  const uploads = s3rverUploads(s3Directory);

  const listParts = async (upload: S3rverUpload, bucket: string, key: string, uploadId: string, url: URL) => {
    const marker = Number(url.searchParams.get('part-number-marker') ?? 0);
    const max = Math.min(1000, Number(url.searchParams.get('max-parts') ?? 1000));
    const after = (await upload.partNumbers()).filter((n) => n > marker);
    const page = after.slice(0, max);
    const parts = (await Promise.all(page.map((n) => upload.part(n)))).map(
      (p) =>
        `<Part><PartNumber>${p.number}</PartNumber><LastModified>${p.lastModified.toISOString()}</LastModified><ETag>${p.etag}</ETag><Size>${p.size}</Size></Part>`,
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
    const upload = await uploads.find(bucket, key, uploadId);
    if (!upload) return noSuchUpload;
    if (req.method === 'GET') return listParts(upload, bucket, key, uploadId, url);
    if (req.method === 'DELETE') {
      await upload.remove();
      return { status: 204 };
    }
    return undefined;
  };
};
