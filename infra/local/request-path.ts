import type { IncomingHttpHeaders } from 'node:http';
import type { S3Error } from './s3-error.ts';

// s3rver joins bucket, key, copy source and part number straight onto its folder (path.join), so a
// `..` in any of them reaches files outside the bucket, and a malformed `%` escape makes it throw.
// S3 would store such a key as a plain name; locally it is refused before s3rver sees it.

export interface RequestPath {
  bucket?: string;
  key?: string;
}

const invalidUri: S3Error = { status: 400, code: 'InvalidURI', message: "Couldn't parse the specified URI." };
const invalid = (message: string): S3Error => ({ status: 400, code: 'InvalidArgument', message });

// S3's naming rules, which also keep a bucket to one folder name.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const invalidBucket: S3Error = {
  status: 400,
  code: 'InvalidBucketName',
  message: 'The specified bucket is not valid.',
};

const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
};

/** Why s3rver must not be given this key: one that names a path outside its bucket's folder. */
export const keyRejection = (key: string): S3Error | undefined =>
  /[\\\0]/.test(key) || key.split('/').some((segment) => segment === '.' || segment === '..')
    ? invalid('Object key must not contain "." or ".." segments, backslashes or NUL characters.')
    : undefined;

const copySourceRejection = (header: string | string[] | undefined) => {
  if (header === undefined) return undefined;
  if (Array.isArray(header)) return invalid('A header appears more than once.');
  const source = decode(header)?.replace(/^\//, '');
  const slash = source?.indexOf('/') ?? -1;
  if (!source || slash < 0 || !BUCKET.test(source.slice(0, slash))) {
    return invalid('Copy Source must mention the source bucket and key: sourcebucket/sourcekey');
  }
  return keyRejection(source.slice(slash + 1));
};

const queryRejection = (query: [string, string][]) => {
  const values = (name: string) => query.filter(([k]) => k === name).map(([, v]) => v);
  const [uploadIds, partNumbers] = [values('uploadId'), values('partNumber')];
  // s3rver would take a repeated parameter as a list and the gate's checks as its first value.
  if (uploadIds.length > 1 || partNumbers.length > 1) return invalid('A query parameter appears more than once.');
  const [part] = partNumbers;
  if (part !== undefined && !(/^\d{1,5}$/.test(part) && Number(part) >= 1 && Number(part) <= 10_000)) {
    return invalid('Part number must be an integer between 1 and 10000, inclusive');
  }
  return undefined;
};

/** The bucket and key a request names, or the S3 error that keeps it from s3rver. */
export const checkRequestPath = (url: string, headers: IncomingHttpHeaders): RequestPath | S3Error => {
  const [rawPath = '', rawQuery = ''] = url.split(/\?(.*)/s);
  const query: [string, string][] = [];
  for (const pair of rawQuery.split('&').filter(Boolean)) {
    const i = pair.indexOf('=');
    const [name, value] = [i < 0 ? pair : pair.slice(0, i), i < 0 ? '' : pair.slice(i + 1)].map((s) =>
      decode(s.replace(/\+/g, ' ')),
    );
    if (name === undefined || value === undefined) return invalidUri;
    query.push([name, value]);
  }
  const match = /^\/(?:([^/]+)(?:\/(.*))?)?$/s.exec(rawPath);
  if (!match) return invalidUri;
  const [, rawBucket, rawKey] = match;
  const bucket = rawBucket === undefined ? undefined : decode(rawBucket);
  const key = rawKey === undefined ? undefined : decode(rawKey);
  if ((rawBucket !== undefined && bucket === undefined) || (rawKey !== undefined && key === undefined)) {
    return invalidUri;
  }
  if (bucket !== undefined && !BUCKET.test(bucket)) return invalidBucket;
  const rejection =
    (key && keyRejection(key)) || queryRejection(query) || copySourceRejection(headers['x-amz-copy-source']);
  return rejection || { ...(bucket !== undefined && { bucket }), ...(key && { key }) };
};
